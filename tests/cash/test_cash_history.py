"""Cash with couriers over time (the overview's chart): at the end of each day, what was collected by then and not
yet remitted by then."""

import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.flows.cash_in_hand import history, midnight
from cod_plugin.models import CodPaymentRecord

from .holding import TODAY, collected, courier, days_before, remit

pytestmark = pytest.mark.django_db


def series(points, code: str, currency: str = "USD") -> list[Decimal]:
    return [point.amount for point in points if point.courier_code == code and point.currency == currency]


def test_the_cash_rises_when_collected_and_falls_when_remitted():
    # given cash collected 4 and 2 days ago, the older remitted yesterday
    fastship = courier()
    old = collected(fastship, days_before(4), amount="10")
    collected(fastship, days_before(2), amount="5")
    remit(old, on=days_before(1))
    # when the last 6 days are read
    points = history(days=6, today=TODAY)
    # then each day's end: nothing, then 10, then 15, then 5 once remitted
    assert [point.day for point in points] == [days_before(n) for n in range(5, -1, -1)]
    assert series(points, "fastship") == [Decimal(n) for n in (0, 10, 10, 15, 5, 5)]


def test_one_line_per_courier_and_currency():
    fastship, slowship = courier("fastship"), courier("slowship")
    collected(fastship, TODAY, amount="1")
    collected(fastship, TODAY, amount="2.500", currency="KWD")
    collected(slowship, days_before(1), amount="3")
    points = history(days=2, today=TODAY)
    assert {(p.courier_code, p.currency) for p in points} == {
        ("fastship", "USD"),
        ("fastship", "KWD"),
        ("slowship", "USD"),
    }
    assert series(points, "slowship") == [Decimal(3), Decimal(3)]
    assert series(points, "fastship", "KWD") == [Decimal(0), Decimal("2.5")]


def test_cash_remitted_before_the_window_is_left_out():
    fastship = courier()
    remit(collected(fastship, days_before(40)), on=days_before(35))
    assert history(days=30, today=TODAY) == []


def test_one_query_for_the_whole_window():
    fastship = courier()
    for back in range(0, 30, 3):
        collected(fastship, days_before(back))
    with CaptureQueriesContext(connection) as queries:
        points = history(days=30, today=TODAY)
    assert len(queries) == 1 and len(points) == 30


@pytest.mark.parametrize("days", [0, 367])
def test_the_window_is_bounded(days):
    with pytest.raises(ValueError):
        history(days=days, today=TODAY)


def test_each_day_ends_at_local_midnight():
    # given a store in UTC+14, cash collected a second before local midnight two days ago and at that midnight
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Kiritimati")):
        fastship = courier()
        late, early = collected(fastship, days_before(2), amount="1"), collected(fastship, days_before(1), amount="2")
        edge = midnight(days_before(1))
        CodPaymentRecord.objects.filter(order__in=late).update(created_at=edge - timedelta(seconds=1))
        CodPaymentRecord.objects.filter(order__in=early).update(created_at=edge)
        # then the first counts from the end of two days ago, the second from the end of yesterday
        assert series(history(days=3, today=TODAY), "fastship") == [Decimal(1), Decimal(3), Decimal(3)]


def test_cash_from_before_the_window_counts_from_its_first_day_until_remitted():
    # given cash collected 40 days ago and remitted 2 days ago, and cash remitted on the window's first day
    fastship = courier()
    remit(collected(fastship, days_before(40), amount="7"), on=days_before(2))
    remit(collected(fastship, days_before(35), amount="9"), on=days_before(4))
    # then the first is held at the end of each day before its remittance's, the second at no day's end
    assert series(history(days=5, today=TODAY), "fastship") == [Decimal(n) for n in (7, 7, 0, 0, 0)]
