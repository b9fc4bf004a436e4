"""A delivery method's facts (collects cash, estimated days) from its snapshot, else from the settings, and what
the eligibility rule makes of them, at the edges."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from cod_plugin.error_codes import ReasonCode as R
from cod_plugin.flows.eligibility import resolve_delivery
from cod_plugin.host import DeliveryMethodSnapshot, delivery_facts
from cod_plugin.rules.eligibility import evaluate
from cod_plugin.rules.regions import find_region
from cod_plugin.rules.tiers import ProfileSnapshot
from tests.rules.builders import checkout, policy

NOW = datetime(2026, 11, 22, tzinfo=UTC)
MAX_DAYS = 7


def codes(cart) -> list[str]:
    cart, pol = resolve_delivery(cart), policy(max_delivery_days=MAX_DAYS)
    region = find_region(pol.regions, cart.shipping_address)
    decision = evaluate(cart, pol, ProfileSnapshot(), rate=Decimal(1), now=NOW, region=region)
    return [reason.code for reason in decision.reasons]


def method(ref="express", *, collects=None, days=None) -> DeliveryMethodSnapshot:
    return DeliveryMethodSnapshot(
        ref=ref, name="Express", price=Decimal(5), can_collect_cash=collects, estimated_days=days
    )


@pytest.mark.parametrize(("days", "expected"), [(MAX_DAYS, []), (MAX_DAYS + 1, [R.REMOTE_AREA]), (None, [])])
def test_the_delivery_days_limit_at_its_edge_and_unknown_days_set_no_limit(days, expected):
    assert codes(checkout(delivery_method=method(collects=True, days=days))) == expected


@override_settings(COD_DELIVERY_METHODS={"express": {"can_collect_cash": True, "estimated_days": MAX_DAYS + 1}})
def test_the_settings_give_what_the_snapshot_leaves_none():
    assert delivery_facts(method()) == (True, MAX_DAYS + 1)
    assert codes(checkout(delivery_method=method())) == [R.REMOTE_AREA]


@override_settings(COD_DELIVERY_METHODS={"express": {"can_collect_cash": False, "estimated_days": MAX_DAYS + 1}})
def test_the_snapshot_wins_over_the_settings():
    assert delivery_facts(method(collects=True, days=MAX_DAYS)) == (True, MAX_DAYS)
    assert codes(checkout(delivery_method=method(collects=True, days=MAX_DAYS))) == []


@override_settings(COD_DELIVERY_METHODS={})
def test_a_method_nobody_declared_does_not_collect_cash_and_has_no_days_limit():
    assert delivery_facts(method("pickup")) == (False, None)
    assert codes(checkout(delivery_method=method("pickup"))) == [R.DELIVERY_METHOD_CANNOT_COLLECT]


@override_settings(COD_DELIVERY_DEFAULTS={"can_collect_cash": True, "estimated_days": 3})
def test_the_store_may_change_the_defaults():
    assert delivery_facts(method("pickup")) == (True, 3)
    assert codes(checkout(delivery_method=method("pickup"))) == []
