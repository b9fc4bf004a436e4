"""Small builders of the snapshots the rules take; each test states only what it is about."""

from dataclasses import replace
from decimal import Decimal

from cod_plugin.host import AddressSnapshot, CheckoutSnapshot, CustomerSnapshot, DeliveryMethodSnapshot, LineSnapshot
from cod_plugin.rules.policy import FeeSchedule, PolicySnapshot, RegionRule, TermsSnapshot


def line(sku="TSHIRT", price="20.00", quantity=1, **kwargs) -> LineSnapshot:
    return LineSnapshot(
        product_ref=sku, sku=sku, name=sku.title(), quantity=quantity, unit_price=Decimal(price), **kwargs
    )


def checkout(
    *lines, currency="USD", country="US", area="NY", days=3, collects=True, shipping="5.00", **kwargs
) -> CheckoutSnapshot:
    values = {
        "ref": "c1",
        "channel": "default-channel",
        "currency": currency,
        "language": "en",
        "lines": tuple(lines) or (line(),),
        "customer": CustomerSnapshot(ref="1", email="new@example.com"),
        "shipping_address": AddressSnapshot(country=country, area=area, postal_code="10001"),
        "delivery_method": DeliveryMethodSnapshot(
            ref="1", name="Standard", price=Decimal(shipping), can_collect_cash=collects, estimated_days=days
        ),
    }
    values.update(kwargs)
    return CheckoutSnapshot(**values)


def policy(**kwargs) -> PolicySnapshot:
    base = PolicySnapshot(
        channel="default-channel",
        currency="USD",
        enabled=True,
        fee=FeeSchedule(percent=Decimal(3)),
        limit_currency="USD",
        new_customer_limit=Decimal(500),
        trusted_customer_limit=Decimal(2000),
        max_delivery_days=7,
        excluded_flags=frozenset({"high_value", "pre_order", "customized", "special_customs"}),
        regions=(RegionRule(country="US"),),
        terms=TermsSnapshot(version=1, language="en", text="Terms"),
    )
    return replace(base, **kwargs)
