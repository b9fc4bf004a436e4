"""Cash with couriers over time (the overview's chart): at the end of each day, what was collected by then and not
yet remitted by then."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows.cash_in_hand import history

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
