from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from cod_plugin.rules.lifecycle import (
    DELIVERY_OVER,
    TERMINAL,
    TRANSITIONS,
    Event,
    RefusalReason,
    is_delivery_over,
    is_strike,
    target,
)
from cod_plugin.rules.penalties import PenaltyPolicy, Standing, after_refusal, penalty_amount
from cod_plugin.rules.statuses import CodStatus as S

NOW = datetime(2026, 11, 22, tzinfo=UTC)
CLEAN = Standing(strikes=0, suspensions=0, fake_orders=0, revoked=False, suspended_until=None)


def test_the_happy_path():
    status = S.PENDING_CONFIRMATION
    for event in (Event.CONFIRM, Event.SHIP, Event.OUT_FOR_DELIVERY, Event.DELIVER, Event.COMPLETE):
        status = target(event, status)
    assert status == S.COMPLETED


def test_a_failed_attempt_goes_back_to_scheduling():
    assert target(Event.DELIVERY_FAILED, S.OUT_FOR_DELIVERY) == S.DELIVERY_FAILED
    assert target(Event.OUT_FOR_DELIVERY, S.DELIVERY_FAILED) == S.OUT_FOR_DELIVERY


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_nothing_leaves_a_terminal_status(terminal):
    assert [event for event in Event if target(event, terminal)] == []


def test_the_only_way_out_of_completed_is_a_refund():
    assert [event for event in Event if target(event, S.COMPLETED)] == [Event.REFUND]
    assert target(Event.REFUND, S.COMPLETED) == S.REFUNDED
    assert [status for status in S.values if target(Event.REFUND, status)] == [S.COMPLETED]


def test_the_delivery_is_over_once_completed_returned_or_refunded():
    assert DELIVERY_OVER == {S.COMPLETED, S.RETURNED_TO_ORIGIN, S.REFUNDED}
    assert TERMINAL == {S.RETURNED_TO_ORIGIN, S.REFUNDED}
    assert is_delivery_over(S.COMPLETED) and not is_delivery_over(S.DELIVERED)


def test_no_skipping_confirmation_and_no_completion_before_delivery():
    assert target(Event.SHIP, S.PENDING_CONFIRMATION) is None
    assert target(Event.COMPLETE, S.OUT_FOR_DELIVERY) is None
    assert all(
        S.PENDING_CONFIRMATION not in sources
        for event, (sources, _) in TRANSITIONS.items()
        if event not in (Event.CONFIRM, Event.CANCEL)
    )


def test_which_refusals_are_strikes():
    assert not is_strike(RefusalReason.DAMAGED) and not is_strike(RefusalReason.DELIVERY_DELAY)
    assert is_strike(RefusalReason.CHANGED_MIND) and is_strike(RefusalReason.FAKE_ORDER)


def test_penalty_is_round_trip_shipping_plus_fee_in_minor_units():
    assert penalty_amount(shipping=Decimal("5.00"), fee=Decimal("5.22"), currency="USD") == Decimal("15.22")
    assert penalty_amount(shipping=Decimal("1.000"), fee=Decimal("0.5"), currency="KWD") == Decimal("2.500")


def test_three_strikes_suspend_for_three_months_and_a_second_suspension_revokes():
    policy, standing = PenaltyPolicy(), CLEAN
    for _ in range(2):
        standing = after_refusal(standing, RefusalReason.CHANGED_MIND, now=NOW, policy=policy)
    assert (standing.strikes, standing.suspended_until) == (2, None)
    standing = after_refusal(standing, RefusalReason.NOT_AT_HOME, now=NOW, policy=policy)
    assert standing.suspended_until == NOW + timedelta(days=90) and not standing.revoked
    for _ in range(3):
        standing = after_refusal(standing, RefusalReason.CHANGED_MIND, now=NOW, policy=policy)
    assert standing.suspensions == 2 and standing.revoked


def test_product_problems_change_nothing_and_repeated_fake_orders_revoke():
    assert after_refusal(CLEAN, RefusalReason.WRONG_ITEM, now=NOW, policy=PenaltyPolicy()) == CLEAN
    once = after_refusal(CLEAN, RefusalReason.FAKE_ORDER, now=NOW, policy=PenaltyPolicy())
    assert not once.revoked
    assert after_refusal(once, RefusalReason.FAKE_ORDER, now=NOW, policy=PenaltyPolicy()).revoked
