"""The reconciliation rules as pure tests (``rules/reconciliation.py``): how a line stands against its order, the
agreed charges, the ageing buckets and the deadline, and how a report's numbers, dates and sums read."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.rules import reconciliation as rules
from cod_plugin.rules.reconciliation import Fact, LineStatus, OrderFacts
from cod_plugin.rules.statuses import CodStatus

COURIER = 1


def code_of(call) -> tuple[str, str | None]:
    with pytest.raises(CodError) as raised:
        call()
    return raised.value.code, raised.value.field


# --- statuses -------------------------------------------------------------------------------------------------------


def order(status=CodStatus.COMPLETED, *, courier_id=COURIER, expected="105.00", remitted=False) -> OrderFacts:
    return OrderFacts(courier_id=courier_id, status=status, expected=Decimal(expected), already_remitted=remitted)


def status_of(facts: OrderFacts | None, collected="105.00") -> LineStatus:
    return rules.line_status(facts, courier_id=COURIER, collected=Decimal(collected))


def test_the_decisions_come_in_this_order_and_name_every_status_but_matched():
    assert rules.DECISIONS == (
        (Fact.NO_ORDER, LineStatus.UNKNOWN),
        (Fact.OTHER_COURIER, LineStatus.OTHER_COURIER),
        (Fact.ORDER_CANCELLED, LineStatus.CANCELLED),
        (Fact.ORDER_NOT_DELIVERED, LineStatus.NOT_DELIVERED),
        (Fact.ALREADY_REMITTED, LineStatus.REMITTED_TWICE),
        (Fact.BELOW_EXPECTED, LineStatus.SHORT),
        (Fact.ABOVE_EXPECTED, LineStatus.EXCESS),
    )
    assert {status for _, status in rules.DECISIONS} | {LineStatus.MATCHED} == set(LineStatus)


@pytest.mark.parametrize(
    ("facts", "collected", "expected"),
    [
        (None, "105.00", LineStatus.UNKNOWN),
        (order(), "105.00", LineStatus.MATCHED),
        (order(CodStatus.DELIVERED), "105.00", LineStatus.MATCHED),
        (order(CodStatus.REFUNDED), "105.00", LineStatus.MATCHED),
        (order(), "104.99", LineStatus.SHORT),
        (order(), "105.01", LineStatus.EXCESS),
        (order(remitted=True), "105.00", LineStatus.REMITTED_TWICE),
        (order(CodStatus.SHIPPED), "105.00", LineStatus.NOT_DELIVERED),
        (order(CodStatus.OUT_FOR_DELIVERY), "105.00", LineStatus.NOT_DELIVERED),
        (order(CodStatus.CANCELLED), "105.00", LineStatus.CANCELLED),
        (order(CodStatus.REFUSED), "105.00", LineStatus.CANCELLED),
        (order(CodStatus.RETURNED_TO_ORIGIN), "105.00", LineStatus.CANCELLED),
        (order(courier_id=2), "105.00", LineStatus.OTHER_COURIER),
        (order(courier_id=None), "105.00", LineStatus.OTHER_COURIER),
    ],
)
def test_each_status_by_itself(facts, collected, expected):
    assert status_of(facts, collected) == expected


@pytest.mark.parametrize(
    ("facts", "collected", "expected"),
    [
        # each fact wins over every fact after it
        (order(CodStatus.CANCELLED, courier_id=2, remitted=True), "1.00", LineStatus.OTHER_COURIER),
        (order(CodStatus.CANCELLED, remitted=True), "1.00", LineStatus.CANCELLED),
        (order(CodStatus.SHIPPED, remitted=True), "999.00", LineStatus.NOT_DELIVERED),
        (order(remitted=True), "1.00", LineStatus.REMITTED_TWICE),
        (order(remitted=True), "999.00", LineStatus.REMITTED_TWICE),
    ],
)
def test_the_first_fact_that_holds_decides(facts, collected, expected):
    assert status_of(facts, collected) == expected


def test_counted_lines_are_matched_short_and_excess_and_only_matched_raises_nothing():
    assert rules.COUNTED == (LineStatus.MATCHED, LineStatus.SHORT, LineStatus.EXCESS)
    assert rules.exception_kind(LineStatus.MATCHED) is None
    for status in set(LineStatus) - {LineStatus.MATCHED}:
        assert rules.exception_kind(status) == status.value


# --- charges --------------------------------------------------------------------------------------------------------


def schedule(percent="0", fixed="0", currency="USD"):
    return rules.ChargeSchedule(currency=currency, percent=Decimal(percent), fixed=Decimal(fixed))


@pytest.mark.parametrize(
    ("percent", "fixed", "currency", "collected", "agreed"),
    [
        ("2.5", "0", "USD", "105.00", "2.63"),  # 2.625, half up
        ("2.5", "0", "USD", "104.20", "2.61"),  # 2.605, half up
        ("2.5", "0", "USD", "104.00", "2.60"),
        ("0", "1.50", "USD", "105.00", "1.50"),
        ("2.5", "1.00", "USD", "105.00", "3.63"),  # 3.625
        ("2.5", "0", "JPY", "1020", "26"),  # 25.5, half up
        ("2.5", "0", "JPY", "1010", "25"),  # 25.25
        ("1.25", "0", "KWD", "10.100", "0.126"),  # 0.12625
    ],
)
def test_the_agreed_charge_is_rounded_half_up_to_the_currencys_unit(percent, fixed, currency, collected, agreed):
    assert rules.agreed_charge(schedule(percent, fixed, currency), Decimal(collected)) == Decimal(agreed)


def test_deductions_differ_from_the_agreed_charge_by_one_unit_or_not_at_all():
    agreed = schedule("2.5", "1.00")
    differ = lambda deducted: rules.charges_differ(  # noqa: E731
        agreed, currency="USD", collected=Decimal("105.00"), deducted=Decimal(deducted)
    )
    assert (differ("3.63"), differ("3.62"), differ("3.64")) == (False, True, True)


def test_deductions_are_unchecked_without_a_schedule_in_the_lines_currency():
    def differ(agreed, currency="USD"):
        return rules.charges_differ(agreed, currency=currency, collected=Decimal(100), deducted=Decimal(7))

    assert differ(None) is False
    assert differ(schedule("2.5", currency="EUR")) is False
    assert differ(schedule("0", "0")) is False
    assert differ(schedule("2.5")) is True


# --- ageing ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "name"),
    [(0, "0-3"), (3, "0-3"), (4, "4-7"), (7, "4-7"), (8, "8-14"), (14, "8-14"), (15, "15+"), (400, "15+")],
)
def test_each_bucket_from_its_first_day_to_its_last(days, name):
    assert rules.bucket(days) == name


def test_the_buckets_are_read_in_this_order():
    assert [name for name, _, _ in rules.BUCKETS] == ["0-3", "4-7", "8-14", "15+"]


def test_days_held_count_whole_days_and_never_below_zero():
    today = date(2026, 12, 10)
    assert rules.days_held(date(2026, 12, 10), today) == 0
    assert rules.days_held(date(2026, 12, 3), today) == 7
    assert rules.days_held(date(2026, 12, 11), today) == 0


def test_cash_is_overdue_one_day_past_the_deadline_not_on_it():
    assert rules.overdue(7, 7) is False
    assert rules.overdue(8, 7) is True
    assert rules.overdue(0, 0) is False
    assert rules.overdue(1, 0) is True


# --- amounts --------------------------------------------------------------------------------------------------------


def amount(value, currency="USD", mark=".", required=True):
    return rules.parse_amount(value, field="f", currency=currency, decimal_mark=mark, required=required)


@pytest.mark.parametrize(
    ("value", "currency", "mark", "expected"),
    [
        ("1234.50", "USD", ".", "1234.50"),
        ("1,234.50", "USD", ".", "1234.50"),
        ("1,234,567.50", "USD", ".", "1234567.50"),
        ("1.234,50", "USD", ",", "1234.50"),
        ("1.234.567,50", "USD", ",", "1234567.50"),
        ("1 234,50", "USD", ",", "1234.50"),
        ("1\u00a0234.50", "USD", ".", "1234.50"),
        ("  12.5 ", "USD", ".", "12.50"),
        ("0", "USD", ".", "0"),
        ("300", "JPY", ".", "300"),
        ("0.500", "KWD", ".", "0.500"),
        ("999999999999.999", "KWD", ".", "999999999999.999"),
        ("999999999999.99", "USD", ".", "999999999999.99"),
        (1234.5, "USD", ".", "1234.50"),  # a spreadsheet's number cell
        (0.1 + 0.2 - 0.00000000000000004, "USD", ".", "0.30"),
        (42, "JPY", ".", "42"),
        (Decimal("7.25"), "USD", ".", "7.25"),
    ],
)
def test_amounts_read_in_the_couriers_format(value, currency, mark, expected):
    assert amount(value, currency, mark) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "currency", "mark", "code"),
    [
        ("-5.00", "USD", ".", CodErrorCode.NEGATIVE_AMOUNT),
        ("-0.01", "USD", ".", CodErrorCode.NEGATIVE_AMOUNT),
        ("12.345", "USD", ".", CodErrorCode.AMOUNT_PRECISION),
        ("100.5", "JPY", ".", CodErrorCode.AMOUNT_PRECISION),
        ("1.2345", "KWD", ".", CodErrorCode.AMOUNT_PRECISION),
        ("999999999999.999", "USD", ".", CodErrorCode.AMOUNT_PRECISION),
        ("1000000000000.000", "KWD", ".", CodErrorCode.AMOUNT_TOO_LARGE),
        ("1000000000000", "USD", ".", CodErrorCode.AMOUNT_TOO_LARGE),
        (0.1 + 0.2, "USD", ".", CodErrorCode.AMOUNT_PRECISION),  # 0.30000000000000004: not what was meant
        (1e16, "USD", ".", CodErrorCode.AMOUNT_TOO_LARGE),
        ("twelve", "USD", ".", CodErrorCode.BAD_NUMBER),
        ("NaN", "USD", ".", CodErrorCode.BAD_NUMBER),
        ("Infinity", "USD", ".", CodErrorCode.BAD_NUMBER),
        ("1" * 41, "USD", ".", CodErrorCode.BAD_NUMBER),
        (True, "USD", ".", CodErrorCode.BAD_NUMBER),
        ([1], "USD", ".", CodErrorCode.BAD_NUMBER),
        ("1,5", "USD", ".", CodErrorCode.BAD_NUMBER),  # a comma where the point was meant: not 15
        ("1.5", "USD", ",", CodErrorCode.BAD_NUMBER),  # and the other way round: not 15
        ("12,34,567.00", "USD", ".", CodErrorCode.BAD_NUMBER),
        ("1,234.50", "USD", ",", CodErrorCode.BAD_NUMBER),
    ],
)
def test_amounts_that_do_not_fit_are_refused_with_their_code(value, currency, mark, code):
    assert code_of(lambda: amount(value, currency, mark)) == (code, "f")


def test_a_missing_amount_is_required_or_zero():
    assert code_of(lambda: amount("")) == (CodErrorCode.REQUIRED, "f")
    assert code_of(lambda: amount(None)) == (CodErrorCode.REQUIRED, "f")
    assert amount(" ", required=False) == amount(None, required=False) == Decimal(0)


def test_check_amount_at_the_largest_and_one_unit_past():
    largest = Decimal("999999999999.99")
    assert rules.check_amount(largest, field="f", currency="USD") == largest
    assert code_of(lambda: rules.check_amount(largest + Decimal("0.01"), field="f", currency="USD")) == (
        CodErrorCode.AMOUNT_TOO_LARGE,
        "f",
    )


# --- dates ----------------------------------------------------------------------------------------------------------


def day(value, fmt="%Y-%m-%d"):
    return rules.parse_date(value, field="d", date_format=fmt)


def test_dates_read_in_the_couriers_format_or_from_a_cell():
    assert day("2026-12-31") == date(2026, 12, 31)
    assert day(" 31/12/2026 ", "%d/%m/%Y") == date(2026, 12, 31)
    assert day(datetime(2026, 12, 31, 23, 59)) == date(2026, 12, 31)
    assert day(date(2026, 12, 31)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2000-01-01", date(2000, 1, 1)), ("8999-12-31", date(8999, 12, 31))],
)
def test_dates_at_the_edges_of_the_range_are_taken(value, expected):
    assert day(value) == expected


@pytest.mark.parametrize(
    "value", ["1999-12-31", "9000-01-01", "31/12/2026", "2026-02-30", "", None, 45000, "2" * 41, date(1999, 12, 31)]
)
def test_dates_out_of_range_or_format_are_bad(value):
    assert code_of(lambda: day(value)) == (CodErrorCode.BAD_DATE, "d")


# --- sums -----------------------------------------------------------------------------------------------------------

LINES = {
    "collected": Decimal("200.00"),
    "cod_charge": Decimal("4.00"),
    "shipping": Decimal("6.00"),
    "return_shipping": Decimal("0"),
    "other_deductions": Decimal("0"),
}
DEDUCTIONS = {"cod_charge": Decimal("4.00"), "shipping": Decimal("6.00")}


def totals(total="200.00", net="190.00", deductions=None):
    rules.check_totals(
        total=Decimal(total), net=Decimal(net), deductions=DEDUCTIONS if deductions is None else deductions, lines=LINES
    )


def test_totals_that_add_up_exactly_pass():
    totals()
    totals(deductions={**DEDUCTIONS, "return_shipping": Decimal(0), "other_deductions": Decimal(0)})


def test_a_net_is_the_total_less_the_lines_deductions_even_when_their_kinds_are_not_given():
    totals(deductions={})
    assert code_of(lambda: totals(net="200.00", deductions={})) == (CodErrorCode.NET_MISMATCH, "net")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"total": "200.01"}, (CodErrorCode.TOTAL_MISMATCH, "total")),
        ({"total": "199.99"}, (CodErrorCode.TOTAL_MISMATCH, "total")),
        ({"net": "190.01"}, (CodErrorCode.NET_MISMATCH, "net")),
        ({"net": "189.99"}, (CodErrorCode.NET_MISMATCH, "net")),
        ({"deductions": {"cod_charge": Decimal("4.01")}}, (CodErrorCode.DEDUCTIONS_MISMATCH, "deductions")),
        ({"deductions": {"shipping": Decimal("5.99")}}, (CodErrorCode.DEDUCTIONS_MISMATCH, "deductions")),
    ],
)
def test_totals_one_minor_unit_off_are_refused(kwargs, expected):
    assert code_of(lambda: totals(**kwargs)) == expected


def line(collected="100.00", deductions="3.00", remitted="97.00"):
    return rules.check_line(
        collected=Decimal(collected),
        deductions=Decimal(deductions),
        remitted=None if remitted is None else Decimal(remitted),
        field="lines.1",
    )


def test_a_line_remits_the_cash_collected_less_its_deductions():
    assert line() == Decimal("97.00")
    assert line(remitted=None) == Decimal("97.00")
    assert line(deductions="100.00", remitted="0") == Decimal(0)


@pytest.mark.parametrize(
    ("kwargs"), [{"remitted": "97.01"}, {"remitted": "96.99"}, {"deductions": "100.01", "remitted": None}]
)
def test_a_line_one_unit_off_or_deducting_more_than_it_collected_is_refused(kwargs):
    assert code_of(lambda: line(**kwargs)) == (CodErrorCode.LINE_MISMATCH, "lines.1")
