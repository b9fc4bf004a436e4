"""The weekly figures on a built history: what a manager reads of one week (confirmation, sign-off, refusals by
reason, returns, collection to the minor unit, the money), per currency and never added across currencies."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from djmoney.money import Money

from cod_plugin.flows.metrics import MetricsFilter, metrics
from cod_plugin.models import CodCustomerProfile, CodReturnRequest
from cod_plugin.rules.metrics import Dimension

from .history import build, refund, returned

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 2)  # a Monday
AT = datetime(2026, 11, 4, 10, tzinfo=UTC)


def totals(**spec):
    spec = {"first": WEEK, "last": WEEK + timedelta(days=6), **spec}
    return metrics(MetricsFilter(**spec))


@pytest.fixture
def history():
    """A week of fourteen USD orders: four completed (one paid 104.99 of 105.00, one with a return, one with a
    rejected return), one completed then refunded (30.00 paid back, 10.00 still pending), one delivered, three
    refused (damaged twice, once without a reason), one refused and returned to origin (a fake order), two
    cancelled before confirmation, one confirmed and on its way, one still pending."""
    completed = build("completed", at=AT, count=3)
    build("completed", at=AT, collected="104.99")
    returned(completed[0])
    returned(completed[1], status=CodReturnRequest.Status.REJECTED)
    (refunded,) = build("refunded", at=AT)
    refund(refunded, "30.00")
    refund(refunded, "10.00", paid=False)
    build("delivered", at=AT)
    build("refused", at=AT, count=2, refusal_reason="damaged")
    build("refused", at=AT, refusal_reason="")
    build("returned", at=AT, refusal_reason="fake_order")
    build("cancelled", at=AT, count=2)
    build("confirmed", at=AT)
    build("pending", at=AT)


def test_a_weeks_rates_and_money(history):
    # when
    (row,) = totals().rows
    # then
    assert (row.week, row.currency, row.placed) == (WEEK, "USD", 14)
    assert (row.confirmed, row.left_pending, row.confirmation.percent) == (11, 13, Decimal("84.6"))
    assert (row.signed_off, row.at_door, row.sign_off.percent) == (6, 10, Decimal("60.0"))
    assert (row.refused, row.refusal.percent) == (4, Decimal("40.0"))
    assert {reason: n for reason, n in row.refusals.items() if n} == {"damaged": 2, "no_reason": 1, "fake_order": 1}
    assert (row.returned, row.completed, row.return_rate.percent) == (1, 5, Decimal("20.0"))
    assert (row.collected, row.to_collect) == (Decimal("629.99"), Decimal("1050.00"))
    assert row.collection.percent == Decimal("60.0")
    assert (row.value, row.fees, row.refunds) == (Decimal("1400.00"), Decimal("25.00"), Decimal("30.00"))


def test_collection_success_counts_the_minor_unit():
    # given two orders at the door, one paid a fil short (KWD has three decimals)
    build("completed", at=AT, currency="KWD", amount="10.000", fee="0.500")
    build("completed", at=AT, currency="KWD", amount="10.000", fee="0.500", collected="10.499")
    (row,) = totals().rows
    assert (row.collected, row.to_collect) == (Decimal("20.999"), Decimal("21.000"))
    assert row.collection.part / row.collection.whole == Decimal("20.999") / Decimal("21.000")


def test_each_currency_has_its_own_row_and_the_amounts_are_never_added():
    build("completed", at=AT, count=2)
    build("completed", at=AT, currency="KWD", amount="10.000", fee="0.500")
    rows = totals().rows
    assert [(row.currency, row.placed, row.value) for row in rows] == [
        ("KWD", 1, Decimal("10.000")),
        ("USD", 2, Decimal("200.00")),
    ]
    assert [row.currency for row in totals(currency="KWD").rows] == ["KWD"]


def test_a_channel_filter_reads_that_channel_alone():
    build("completed", at=AT, count=2)
    build("refused", at=AT, channel="second-channel")
    assert [row.placed for row in totals(channel="second-channel").rows] == [1]
    assert [(row.key, row.placed) for row in totals(dimension=Dimension.CHANNEL).rows] == [
        ("default-channel", 2),
        ("second-channel", 1),
    ]


def test_a_week_without_orders_has_no_row_but_is_in_the_weeks():
    build("completed", at=AT)
    result = totals(last=WEEK + timedelta(weeks=2))
    assert result.weeks == [WEEK, WEEK + timedelta(weeks=1), WEEK + timedelta(weeks=2)]
    assert [row.week for row in result.rows] == [WEEK]


def test_orders_placed_outside_the_weeks_asked_are_left_out():
    build("completed", at=AT - timedelta(weeks=1))
    build("completed", at=AT + timedelta(weeks=1))
    build("completed", at=AT)
    assert [row.placed for row in totals().rows] == [1]


def test_the_penalties_customers_owe_today_per_currency():
    CodCustomerProfile.objects.create(customer_key="a", outstanding_penalty=Money("5.00", "USD"))
    CodCustomerProfile.objects.create(customer_key="b", outstanding_penalty=Money("2.50", "USD"))
    CodCustomerProfile.objects.create(customer_key="c", outstanding_penalty=Money("1.250", "KWD"))
    CodCustomerProfile.objects.create(customer_key="d")
    assert totals().penalties == {"KWD": Decimal("1.250"), "USD": Decimal("7.50")}
