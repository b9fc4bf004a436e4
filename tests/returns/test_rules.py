"""The pure decisions of refunds and business days, and how late courier events meet a refunded order."""

from datetime import UTC, date, datetime
from decimal import Decimal

import holidays
import pytest

from cod_plugin.flows.lifecycle import is_late
from cod_plugin.models import CodOrder, ReturnReason
from cod_plugin.rules.business_days import business_days_after, same_time_business_days_after
from cod_plugin.rules.images import is_photo
from cod_plugin.rules.lifecycle import Event
from cod_plugin.rules.refunds import (
    PRODUCT_PROBLEMS,
    ReceivedLine,
    in_minor_units,
    refunds_fee,
    remaining,
    returned_value,
    suggested_refund,
)
from cod_plugin.rules.statuses import CodStatus

D = Decimal
US = holidays.country_holidays("US")


def test_what_is_left_is_collected_less_every_refund_pending_or_paid():
    assert remaining(D("179.20"), [], "USD") == D("179.20")
    assert remaining(D("179.20"), [D("25.21"), D("100")], "USD") == D("53.99")
    assert remaining(D("10.000"), [D("10")], "KWD") == D("0.000")
    assert remaining(D("1500"), [D("200")], "JPY") == D("1300")


@pytest.mark.parametrize(
    ("setting", "reason", "refunded"),
    [
        ("product_problem", "damaged", True),
        ("product_problem", "not_as_described", True),
        ("product_problem", "other", False),
        ("product_problem", None, False),  # a refund without a return
        ("always", "other", True),
        ("always", None, True),
        ("never", "defective", False),
    ],
)
def test_the_fee_follows_the_channel_setting_and_the_return_reason(setting, reason, refunded):
    assert refunds_fee(setting, reason) is refunded


def test_every_return_reason_but_other_is_a_product_problem():
    assert PRODUCT_PROBLEMS == set(ReturnReason.values) - {ReturnReason.OTHER}


def test_the_suggested_refund_is_the_goods_received_plus_the_fee_capped_at_what_is_left():
    lines = [ReceivedLine(D("19.99"), 1), ReceivedLine(D("129.00"), 0)]
    assert returned_value(lines, "USD") == D("19.99")
    assert suggested_refund(lines, fee=D("5.2194"), with_fee=True, left=D("179.20"), currency="USD") == D("25.21")
    assert suggested_refund(lines, fee=D("5.22"), with_fee=False, left=D("179.20"), currency="USD") == D("19.99")
    assert suggested_refund(lines, fee=D("5.22"), with_fee=True, left=D("20.00"), currency="USD") == D("20.00")
    kwd = [ReceivedLine(D("6.150"), 2)]
    assert suggested_refund(kwd, fee=D("0.3795"), with_fee=True, left=D("100"), currency="KWD") == D("12.680")


def test_the_suggested_refund_leaves_out_what_was_already_refunded_for_the_return():
    lines = [ReceivedLine(D("19.99"), 1)]
    suggest = {"fee": D("5.22"), "with_fee": True, "left": D("169.20"), "currency": "USD"}
    assert suggested_refund(lines, **suggest, already=D("10.00")) == D("15.21")
    assert suggested_refund(lines, **suggest, already=D("25.21")) == D("0.00")
    assert suggested_refund(lines, **suggest, already=D("30.00")) == D("0.00")


@pytest.mark.parametrize(
    ("amount", "currency", "fits"),
    [
        ("10.00", "USD", True),
        ("10.005", "USD", False),
        ("10.5", "JPY", False),
        ("1500", "JPY", True),
        ("1.234", "KWD", True),
        ("1.2345", "KWD", False),
    ],
)
def test_an_amount_must_be_in_the_currencys_minor_units(amount, currency, fits):
    assert in_minor_units(D(amount), currency) is fits


def test_a_due_date_skips_the_weekend():
    # received on Friday 6 June 2025, 3 business days: Monday, Tuesday, Wednesday
    assert business_days_after(date(2025, 6, 6), 3, US) == date(2025, 6, 11)


def test_a_due_date_skips_a_public_holiday_and_each_countrys_weekend():
    # received on Thursday 3 July 2025: Independence Day and the weekend do not count
    assert business_days_after(date(2025, 7, 3), 3, US) == date(2025, 7, 9)
    # Kuwait rests on Friday and Saturday: Thursday's receipt is due on Sunday with 1 business day
    assert business_days_after(date(2025, 10, 9), 1, holidays.country_holidays("KW")) == date(2025, 10, 12)


def test_a_deadline_keeps_the_time_of_day():
    placed = datetime(2025, 7, 3, 10, 30, tzinfo=UTC)
    assert same_time_business_days_after(placed, 1, US) == datetime(2025, 7, 7, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize("status", [CodStatus.COMPLETED, CodStatus.REFUNDED])
@pytest.mark.parametrize(
    "event",
    [Event.SHIP, Event.OUT_FOR_DELIVERY, Event.DELIVERY_FAILED, Event.DELIVER, Event.REFUSE, Event.RETURN_TO_ORIGIN],
)
def test_courier_events_are_late_once_the_order_is_completed_or_refunded(status, event):
    assert is_late(CodOrder(status=status), event)


def test_photos_are_pngs_or_jpegs_of_at_most_two_megabytes():
    assert is_photo(b"\x89PNG\r\n\x1a\n...") and is_photo(b"\xff\xd8\xff\xe0...")
    assert not is_photo(b"GIF89a...") and not is_photo(b"")
    assert not is_photo(b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024))
