"""Finance's work after a remittance is in (``flows/cash.py``): an order's money status, resolving exceptions,
recording deposits and importing the bank statement."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import cash
from cod_plugin.models import CodBankStatementLine, CodOrderEvent, CodReconciliationException, CodRemittance
from cod_plugin.rules.reconciliation import ExceptionKind, LineStatus, Outcome

from .conftest import delivered
from .remittance_rows import add_line, remittance

pytestmark = pytest.mark.django_db
Status = CodRemittance.Status


def code_of(call) -> tuple[str, str | None]:
    with pytest.raises(CodError) as raised:
        call()
    return raised.value.code, raised.value.field


# --- money status ---------------------------------------------------------------------------------------------------


def test_an_order_remitted_and_deposited_shows_every_figure(fastship):
    # given an order collected, remitted short in a settled remittance
    order = delivered(fastship)
    made = remittance(fastship, lines=[(order, "100.00", LineStatus.SHORT)], status=Status.SETTLED)
    CodRemittance.objects.filter(pk=made.pk).update(deposited_on=date(2026, 12, 1))
    # when
    status = cash.money_status(order)
    # then
    assert (status.currency, status.expected, status.collected, status.remitted) == (
        "USD",
        Decimal("105.000"),
        Decimal("105.000"),
        Decimal("100.000"),
    )
    assert (status.remittance.pk, status.line_status, status.deposited, status.deposited_on) == (
        made.pk,
        LineStatus.SHORT,
        True,
        date(2026, 12, 1),
    )
    assert [e.kind for e in status.exceptions] == [ExceptionKind.SHORT] and status.open_exceptions == 1


def test_an_order_not_yet_remitted_has_no_remittance(fastship):
    status = cash.money_status(delivered(fastship, paid=False))
    assert (status.collected, status.remitted, status.remittance, status.line_status, status.deposited) == (
        None,
        None,
        None,
        None,
        False,
    )


def test_a_second_line_does_not_hide_the_one_that_counts_and_open_exceptions_come_first(fastship):
    order = delivered(fastship)
    first = remittance(fastship, lines=[(order, "105.00", LineStatus.MATCHED)])
    again = remittance(fastship, reference="R-2", lines=[(order, "105.00", LineStatus.REMITTED_TWICE)])
    resolved = CodReconciliationException.objects.create(
        courier=fastship, remittance=again, order=order, kind=ExceptionKind.DEDUCTIONS, currency="USD"
    )
    CodReconciliationException.objects.filter(pk=resolved.pk).update(status="resolved")
    status = cash.money_status(order)
    assert (status.remittance.pk, status.line_status, status.deposited) == (first.pk, LineStatus.MATCHED, False)
    assert [(e.kind, e.status) for e in status.exceptions] == [
        (ExceptionKind.REMITTED_TWICE, "open"),
        (ExceptionKind.DEDUCTIONS, "resolved"),
    ]


def test_money_status_reads_three_queries_however_many_lines_and_exceptions(fastship):
    order = delivered(fastship)
    counts = []
    for size in (1, 10):
        made = remittance(fastship, reference=f"R-{size}")
        for row in range(1, size + 1):
            add_line(made, row=row, order=order, collected="1.00", status=LineStatus.REMITTED_TWICE)
        with CaptureQueriesContext(connection) as captured:
            cash.money_status(order)
        counts.append(len(captured))
    assert counts == [3, 3]


# --- resolving ------------------------------------------------------------------------------------------------------


def an_exception(courier, order=None, *, status=LineStatus.SHORT, collected="100.00"):
    made = remittance(courier, lines=[(order, collected, status)])
    return CodReconciliationException.objects.get(remittance=made)


def test_resolving_keeps_the_outcome_the_note_and_who_and_tells_the_order(fastship):
    order = delivered(fastship)
    exception = an_exception(fastship, order)
    resolved = cash.resolve(exception.pk, outcome=Outcome.COURIER_PAYS_BACK, note="  Owes 5.00 ", actor="fin@x")
    assert (resolved.status, resolved.outcome, resolved.note, resolved.resolved_by) == (
        "resolved",
        "courier_pays_back",
        "Owes 5.00",
        "fin@x",
    )
    assert resolved.resolved_at is not None
    assert CodRemittance.objects.get(pk=exception.remittance_id).open_exceptions == 0
    event = CodOrderEvent.objects.get(order=order, kind="cash_exception_resolved")
    assert (event.actor, event.data["outcome"], event.data["kind"]) == ("fin@x", "courier_pays_back", "short")


def test_an_exception_is_resolved_once(fastship):
    exception = an_exception(fastship, delivered(fastship))
    cash.resolve(exception.pk, outcome=Outcome.WRITTEN_OFF, note="ok", actor="a")
    again = lambda: cash.resolve(exception.pk, outcome=Outcome.CORRECTED, note="again", actor="b")  # noqa: E731
    assert code_of(again) == (CodErrorCode.ALREADY_RESOLVED, "exceptionId")
    assert CodRemittance.objects.get(pk=exception.remittance_id).open_exceptions == 0


@pytest.mark.parametrize(
    ("note", "outcome", "expected"),
    [
        ("", Outcome.WRITTEN_OFF, (CodErrorCode.REQUIRED, "note")),
        ("   ", Outcome.WRITTEN_OFF, (CodErrorCode.REQUIRED, "note")),
        ("n" * 256, Outcome.WRITTEN_OFF, (CodErrorCode.INVALID, "note")),
        ("ok", "forgiven", (CodErrorCode.INVALID, "outcome")),
    ],
)
def test_a_resolution_needs_a_note_of_at_most_255_characters_and_a_known_outcome(fastship, note, outcome, expected):
    exception = an_exception(fastship, delivered(fastship))
    assert code_of(lambda: cash.resolve(exception.pk, outcome=outcome, note=note, actor="a")) == expected
    assert CodReconciliationException.objects.get(pk=exception.pk).status == "open"


def test_a_note_of_255_characters_is_kept_whole(fastship):
    exception = an_exception(fastship, delivered(fastship))
    assert cash.resolve(exception.pk, outcome=Outcome.WRITTEN_OFF, note="n" * 255, actor="a").note == "n" * 255


def test_an_unknown_exception_is_not_found(db):
    assert code_of(lambda: cash.resolve(999, outcome=Outcome.WRITTEN_OFF, note="x", actor="a")) == (
        CodErrorCode.NOT_FOUND,
        "exceptionId",
    )


def test_matched_by_hand_gives_the_line_its_order_and_counts_it(fastship):
    # given a line that named no order, and the order finance found for it
    order = delivered(fastship)
    exception = an_exception(fastship, status=LineStatus.UNKNOWN, collected="105.00")
    # when
    cash.resolve(exception.pk, outcome=Outcome.MATCHED_BY_HAND, note="typo", actor="fin", order_pk=order.pk)
    # then
    line = exception.line
    line.refresh_from_db()
    assert (line.order_id, line.status, line.counted, line.expected) == (order.pk, "matched", True, Decimal("105"))
    assert cash.money_status(order).remitted == Decimal("105.000")
    assert CodRemittance.objects.get(pk=exception.remittance_id).open_exceptions == 0
    assert CodOrderEvent.objects.filter(order=order, kind="cash_exception_resolved").count() == 1


def test_matched_by_hand_to_an_order_remitted_before_is_remitted_twice_and_raises_that(fastship):
    order = delivered(fastship)
    remittance(fastship, reference="R-0", lines=[(order, "105.00", LineStatus.MATCHED)])
    exception = an_exception(fastship, status=LineStatus.UNKNOWN, collected="105.00")
    cash.resolve(exception.pk, outcome=Outcome.MATCHED_BY_HAND, note="x", actor="fin", order_pk=order.pk)
    line = exception.line
    line.refresh_from_db()
    assert (line.status, line.counted) == ("remitted_twice", False)
    raised = CodReconciliationException.objects.get(line=line, status="open")
    assert (raised.kind, raised.order_id) == (ExceptionKind.REMITTED_TWICE, order.pk)
    assert CodRemittance.objects.get(pk=exception.remittance_id).open_exceptions == 1


def test_matched_by_hand_checks_the_agreed_charges(fastship):
    fastship.charges_currency, fastship.charge_fixed = "USD", Decimal("2.00")
    fastship.save()
    order = delivered(fastship)
    exception = an_exception(fastship, status=LineStatus.UNKNOWN, collected="105.00")
    cash.resolve(exception.pk, outcome=Outcome.MATCHED_BY_HAND, note="x", actor="fin", order_pk=order.pk)
    raised = CodReconciliationException.objects.get(line=exception.line_id, status="open")
    assert (raised.kind, raised.expected, raised.actual) == (ExceptionKind.DEDUCTIONS, Decimal("2"), Decimal("0"))


def test_matched_by_hand_needs_an_order_of_that_courier(fastship, slowship):
    exception = an_exception(fastship, status=LineStatus.UNKNOWN)
    others = delivered(slowship)

    def match(order_pk):
        return lambda: cash.resolve(
            exception.pk, outcome=Outcome.MATCHED_BY_HAND, note="x", actor="a", order_pk=order_pk
        )

    assert code_of(match(None)) == (CodErrorCode.REQUIRED, "orderId")
    assert code_of(match(999999)) == (CodErrorCode.UNKNOWN_ORDER, "orderId")
    assert code_of(match(others.pk)) == (CodErrorCode.OTHER_COURIER_ORDER, "orderId")
    assert code_of(match(delivered(fastship, currency="EUR").pk)) == (CodErrorCode.CURRENCY_MISMATCH, "orderId")
    assert CodReconciliationException.objects.get(pk=exception.pk).status == "open"


# --- deposits -------------------------------------------------------------------------------------------------------

DAY = date(2026, 12, 1)


def deposit(made, amount, reference="BANK-1", on=DAY):
    return cash.record_deposit(made.pk, amount=Decimal(amount), deposited_on=on, bank_reference=reference, actor="fin")


def test_a_deposit_of_the_net_settles_the_remittance(fastship):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)], net="100.00")
    settled = deposit(made, "100.00")
    assert (settled.status, settled.deposited_amount, settled.deposited_on, settled.bank_reference) == (
        Status.SETTLED,
        Decimal("100.00"),
        DAY,
        "BANK-1",
    )
    assert not CodReconciliationException.objects.filter(remittance=made).exists()


def test_a_deposit_one_unit_off_differs_and_raises_a_deposit_exception(fastship):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)], net="100.00")
    differs = deposit(made, "99.99")
    assert (differs.status, differs.open_exceptions) == (Status.DEPOSIT_DIFFERS, 1)
    raised = CodReconciliationException.objects.get(remittance=made)
    assert (raised.kind, raised.expected, raised.actual, raised.difference) == (
        ExceptionKind.DEPOSIT,
        Decimal("100"),
        Decimal("99.99"),
        Decimal("-0.01"),
    )
    assert CodRemittance.objects.get(pk=made.pk).open_exceptions == 1


def test_the_same_deposit_again_changes_nothing_and_another_is_refused(fastship):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)])
    deposit(made, "105.00")
    assert deposit(made, "105.00").status == Status.SETTLED
    assert code_of(lambda: deposit(made, "105.00", reference="BANK-2")) == (CodErrorCode.INVALID, "remittanceId")


@pytest.mark.parametrize(
    ("amount", "reference", "expected"),
    [
        ("-1.00", "B", (CodErrorCode.NEGATIVE_AMOUNT, "amount")),
        ("1.001", "B", (CodErrorCode.AMOUNT_PRECISION, "amount")),
        ("1000000000000", "B", (CodErrorCode.AMOUNT_TOO_LARGE, "amount")),
        ("1.00", "", (CodErrorCode.REQUIRED, "bankReference")),
        ("1.00", "B" * 101, (CodErrorCode.INVALID, "bankReference")),
    ],
)
def test_a_deposit_is_checked_before_anything_is_written(fastship, amount, reference, expected):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)])
    assert code_of(lambda: deposit(made, amount, reference=reference)) == expected
    assert CodRemittance.objects.get(pk=made.pk).status == Status.AWAITING_DEPOSIT


def test_a_bank_reference_of_100_characters_is_kept_and_a_day_out_of_range_refused(fastship):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)])
    assert code_of(lambda: deposit(made, "105.00", on=date(1999, 12, 31))) == (CodErrorCode.BAD_DATE, "depositedOn")
    assert deposit(made, "105.00", reference="B" * 100).bank_reference == "B" * 100


def test_an_unknown_remittance_is_not_found(db):
    assert code_of(lambda: cash.record_deposit(9, amount=Decimal(1), deposited_on=DAY, bank_reference="B", actor="a"))[
        0
    ] == (CodErrorCode.NOT_FOUND)


# --- the bank statement ---------------------------------------------------------------------------------------------


def test_a_statement_reads_with_or_without_its_header():
    data = b"date,amount,currency,reference,description\n2026-12-01,1234.50,usd,TRX-1,FastShip R-1\n\n"
    assert cash.parse_statement(data) == [
        cash.StatementRow(date(2026, 12, 1), Decimal("1234.50"), "USD", "TRX-1", "FastShip R-1")
    ]
    assert cash.parse_statement(b"\xef\xbb\xbf2026-12-01,3,JPY,TRX-2") == [
        cash.StatementRow(date(2026, 12, 1), Decimal("3"), "JPY", "TRX-2", "")
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"date,amount,currency,reference\n2026-12-01,12.345,USD,T", (CodErrorCode.AMOUNT_PRECISION, "rows.2.amount")),
        (b"2026-12-01,-5.00,USD,T", (CodErrorCode.NEGATIVE_AMOUNT, "rows.1.amount")),
        (b"2026-12-01,five,USD,T", (CodErrorCode.BAD_NUMBER, "rows.1.amount")),
        (b"01/12/2026,5.00,USD,T", (CodErrorCode.BAD_DATE, "rows.1.date")),
        (b"2026-12-01,5.00,XXQ,T", (CodErrorCode.INVALID, "rows.1")),
        (b"2026-12-01,5.00,USD", (CodErrorCode.MISSING_COLUMN, "rows.1")),
        (b"2026-12-01,5.00,USD,", (CodErrorCode.REQUIRED, "rows.1.reference")),
        (b"2026-12-01,5.00,USD," + b"T" * 101, (CodErrorCode.INVALID, "rows.1.reference")),
        (b"2026-12-01,5.00,USD,T,\xff", (CodErrorCode.UNREADABLE_FILE, "file")),
        (b"2026-12-01,5.00,USD,T,\x00", (CodErrorCode.INVALID, "file")),
    ],
)
def test_a_bad_statement_row_is_named(data, expected):
    assert code_of(lambda: cash.parse_statement(data)) == expected


def test_a_statement_has_at_most_10000_rows():
    row = b"2026-12-01,5.00,USD,T\n"
    assert len(cash.parse_statement(row * 10_000)) == 10_000
    assert code_of(lambda: cash.parse_statement(row * 10_001)) == (CodErrorCode.INVALID, "file")


def row(reference, amount="105.00", description="", currency="USD", on=DAY):
    return cash.StatementRow(on, Decimal(amount), currency, reference, description)


def test_statement_lines_settle_the_remittances_they_name_once(fastship, slowship):
    # given four remittances awaiting their deposit
    order = delivered(fastship)
    r1 = remittance(fastship, reference="FS-1", lines=[(order, "105.00", LineStatus.MATCHED)])
    r10 = remittance(fastship, reference="FS-10", lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)])
    shared = [
        remittance(c, reference="SAME", lines=[(delivered(c), "105.00", "matched")]) for c in (fastship, slowship)
    ]
    rows = [
        row("TRX-1", description="Payout FS-10"),  # FS-10, not FS-1
        row("FS-1", amount="104.00"),  # FS-1, a cent... a dollar short
        row("FS-1", amount="104.00", on=date(2026, 12, 2)),  # FS-1 again: no longer awaiting
        row("SAME"),  # two couriers' reference: which is unknown
        row("FS-1", amount="104.00"),  # the second line again: a duplicate
        row("OTHER", currency="EUR"),
    ]
    # when
    result = cash.import_statement(rows, actor="fin")
    # then
    assert result == cash.StatementResult(matched=1, differing=1, unmatched=3, duplicates=1)
    states = {r.reference: r.status for r in CodRemittance.objects.filter(pk__in=[r1.pk, r10.pk])}
    assert states == {"FS-10": Status.SETTLED, "FS-1": Status.DEPOSIT_DIFFERS}
    assert {r.status for r in CodRemittance.objects.filter(pk__in=[s.pk for s in shared])} == {Status.AWAITING_DEPOSIT}
    assert CodBankStatementLine.objects.count() == 5
    assert CodBankStatementLine.objects.get(reference="TRX-1").remittance_id == r10.pk
    assert cash.import_statement(rows[:2], actor="fin") == cash.StatementResult(duplicates=2)
