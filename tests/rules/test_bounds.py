"""The bounds of every input: texts, amounts, times and appointment windows, each at its edge and one unit past."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from cod_plugin.error_codes import CodError
from cod_plugin.rules import bounds

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def refused(check, *args, **kwargs) -> CodError:
    with pytest.raises(CodError) as caught:
        check(*args, **kwargs)
    return caught.value


# --- texts -----------------------------------------------------------------------------------------------------


def test_a_text_at_its_length_is_taken_and_one_character_more_is_refused_not_cut():
    assert bounds.text("x" * 10, field="note", max_length=10) == "x" * 10
    error = refused(bounds.text, "x" * 11, field="note", max_length=10)
    assert (error.code, error.field, error.message) == ("invalid", "note", "Give at most 10 characters.")


@pytest.mark.parametrize("value", ["a\x00b", "a\ud800b", "\udfff", 5, ["a"]])
def test_a_nul_an_unpaired_surrogate_or_a_non_text_is_invalid(value):
    error = refused(bounds.text, value, field="receipt", max_length=100)
    assert (error.code, error.field) == ("invalid", "receipt")


def test_a_required_text_left_empty_is_required_and_an_optional_one_is_empty():
    assert refused(bounds.text, "  ", field="reason", max_length=5, required=True).code == "required"
    assert bounds.text(None, field="reason", max_length=5) == ""


def test_a_character_outside_the_basic_plane_is_one_character():
    assert bounds.text("😀" * 3, field="note", max_length=3) == "😀" * 3


def test_every_string_of_a_json_document_is_checked_and_named_by_its_path():
    error = refused(bounds.refuse_unstorable_json, {"data": {"note": "\ud800"}}, field="")
    assert (error.code, error.field) == ("invalid", "data.note")
    assert refused(bounds.refuse_unstorable_json, {"a": ["ok", "\x00"]}, field="").field == "a"
    assert refused(bounds.refuse_unstorable_json, {"\ud800": 1}, field="").code == "invalid"


# --- amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "taken"),
    [
        ("0.01", "USD", Decimal("0.01")),
        ("12.5", "USD", Decimal("12.50")),
        ("12.500", "USD", Decimal("12.50")),  # trailing zeros are no extra decimals
        ("0.001", "KWD", Decimal("0.001")),
        ("300", "JPY", Decimal("300")),
        ("999999999999.99", "USD", Decimal("999999999999.99")),
        ("999999999999.999", "KWD", Decimal("999999999999.999")),  # the largest the column stores
        (Decimal("1.25"), "USD", Decimal("1.25")),
    ],
)
def test_an_amount_in_whole_minor_units_within_the_column_is_taken(value, currency, taken):
    assert bounds.amount(value, field="amount", currency=currency) == taken


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("0.001", "USD"),  # more decimals than the currency has: refused, not rounded to 0.00
        ("0.0001", "KWD"),
        ("0.5", "JPY"),
        ("1000000000000", "USD"),  # one past the column's 12 whole digits
        ("1000000000000.000", "KWD"),  # one KWD minor unit past the largest the column stores
        ("1e400", "USD"),
        ("1E+15", "USD"),
        ("NaN", "USD"),
        ("Infinity", "USD"),
        ("-Infinity", "USD"),
        ("sNaN", "USD"),
        ("-5.00", "USD"),
        ("0", "USD"),
        ("-0.00", "USD"),
        ("12,50", "USD"),
        ("", "USD"),
        ("1" * 41, "USD"),
        (12.5, "USD"),  # a float is never money
        (None, "USD"),
        (Decimal("NaN"), "USD"),
    ],
)
def test_an_amount_that_is_not_finite_positive_in_minor_units_and_within_the_column_is_invalid(value, currency):
    error = refused(bounds.amount, value, field="collectedAmount", currency=currency)
    assert (error.code, error.field) == ("invalid", "collectedAmount")
    assert "decimal." not in error.message and "%(" not in error.message


def test_an_amount_may_be_exactly_its_maximum_and_not_one_minor_unit_more():
    assert bounds.amount("179.20", field="a", currency="USD", maximum=Decimal("179.20")) == Decimal("179.20")
    error = refused(bounds.amount, "179.21", field="a", currency="USD", maximum=Decimal("179.20"))
    assert error.message == "The amount can be at most $179.20."


def test_the_messages_say_what_to_give():
    assert refused(bounds.amount, "0.001", field="a", currency="USD").message == "USD amounts have at most 2 decimals."
    assert refused(bounds.amount, "0", field="a", currency="USD").message == "The amount must be above zero."


# --- times and windows -----------------------------------------------------------------------------------------


def test_a_time_without_its_offset_is_invalid():
    error = refused(bounds.moment, datetime(2026, 6, 2, 10, 0), field="window.start")
    assert (error.code, error.field) == ("invalid", "window.start")


def test_a_time_that_lands_past_year_9999_in_utc_is_invalid():
    end = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))
    assert refused(bounds.moment, end, field="window.end").code == "invalid"
    assert refused(bounds.parse_moment, "0001-01-01T00:00:00+14:00", field="occurred_at").code == "invalid"


def test_an_iso_text_without_an_offset_or_not_a_time_is_invalid():
    for text in ("2026-06-02T10:00:00", "tomorrow", "2026-13-01T00:00:00Z"):
        assert refused(bounds.parse_moment, text, field="occurred_at").field == "occurred_at"


def window(start: datetime, end: datetime, *, future: bool = True) -> None:
    bounds.window(start, end, field="window", now=NOW, max_days=30, max_hours=12, future=future)


def test_a_window_may_end_exactly_the_horizon_ahead_and_not_one_second_later():
    end = NOW + timedelta(days=30)
    window(end - timedelta(hours=2), end)
    error = refused(window, end - timedelta(hours=2), end + timedelta(seconds=1))
    assert (error.code, error.field) == ("invalid", "window")
    assert error.message == "A window can end at most 30 days from now."


def test_a_window_may_last_exactly_the_longest_time_and_not_one_second_longer():
    start = NOW + timedelta(days=1)
    window(start, start + timedelta(hours=12))
    error = refused(window, start, start + timedelta(hours=12, seconds=1))
    assert error.message == "A window can last at most 12 hours."


def test_a_window_must_end_after_it_starts_and_an_appointment_start_in_the_future():
    start = NOW + timedelta(days=1)
    assert refused(window, start, start).message == "The window must end after it starts."
    assert refused(window, NOW, NOW + timedelta(hours=1)).field == "window"
    window(NOW - timedelta(hours=1), NOW + timedelta(hours=1), future=False)  # a courier's, begun already


def test_a_number_past_what_a_float_holds_is_refused_wherever_it_is_in_a_json_document():
    error = refused(bounds.refuse_unstorable_json, {"data": {"weight": float("inf")}}, field="")
    assert (error.code, error.field) == ("invalid", "data.weight")
    bounds.refuse_unstorable_json({"data": {"weight": 1.5, "deep": [[[[]]]]}}, field="")
