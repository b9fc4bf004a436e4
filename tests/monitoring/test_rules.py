"""The pure parts: ISO weeks from Monday, the longest span (53 weeks: the edge and one past), exact rates and
the top keys a chart draws."""

from datetime import date, timedelta
from decimal import Decimal

from cod_plugin.rules.metrics import MAX_WEEKS, Rate, span_error, top_keys, week_of, weeks_between

MONDAY = date(2026, 11, 2)


def test_a_week_starts_on_monday_and_ends_on_sunday():
    assert week_of(MONDAY) == MONDAY
    assert week_of(MONDAY + timedelta(days=6)) == MONDAY
    assert week_of(MONDAY + timedelta(days=7)) == MONDAY + timedelta(days=7)
    assert week_of(date(2026, 1, 1)) == date(2025, 12, 29)  # ISO week 1 of 2026 starts in 2025


def test_the_weeks_between_two_days_count_both_ends():
    assert weeks_between(MONDAY + timedelta(days=6), MONDAY + timedelta(days=7)) == [MONDAY, MONDAY + timedelta(7)]
    assert weeks_between(MONDAY + timedelta(days=7), MONDAY) == []


def test_53_weeks_may_be_asked_for_and_not_54():
    last = MONDAY + timedelta(weeks=MAX_WEEKS - 1, days=6)
    assert MAX_WEEKS == 53 and len(weeks_between(MONDAY, last)) == 53
    assert span_error(MONDAY, last) is None
    assert span_error(MONDAY, last + timedelta(days=1)) == "too_long"
    assert span_error(MONDAY + timedelta(days=1), MONDAY) == "reversed"


def test_a_rate_of_nothing_is_no_rate():
    assert Rate(0, 0).percent is None and not Rate(0, 0).above(Decimal(0))


def test_a_rate_is_shown_to_one_decimal_and_compared_exactly():
    assert Rate(2, 3).percent == Decimal("66.7")
    assert Rate(Decimal("20.999"), Decimal("21.000")).percent == Decimal("100.0")
    assert not Rate(8, 20).above(Decimal(40))
    assert Rate(401, 1000).above(Decimal(40))
    assert Rate(4001, 10000).above(Decimal(40)) and Rate(4001, 10000).percent == Decimal("40.0")


def test_the_top_five_keys_by_total_ties_by_key():
    totals = {"a": 5, "b": 9, "c": 5, "d": 1, "e": 7}
    assert top_keys(totals, 5) == ["b", "e", "a", "c", "d"]
    assert top_keys({**totals, "f": 2}, 5) == ["b", "e", "a", "c", "f"]
