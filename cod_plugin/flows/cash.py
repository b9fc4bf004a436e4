"""Finance's work on couriers' cash after a remittance is in: an order's money status, resolving the exceptions,
and confirming deposits (recorded by hand, or from the bank statement's lines).

Two finance staff may work the same queue at once: resolving takes the exception's row lock (and, matching by
hand, the order's), recording a deposit the remittance's, so a second writer waits and then sees the first one's
result (``ALREADY_RESOLVED``, a settled remittance) instead of applying twice."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import is_currency
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import (
    CodBankStatementLine,
    CodOrder,
    CodPaymentRecord,
    CodReconciliationException,
    CodRemittance,
    CodRemittanceLine,
)
from ..rules import bounds
from ..rules import reconciliation as rules
from . import lifecycle

Status = CodRemittance.Status
OPEN = CodReconciliationException.Status.OPEN


@dataclass(frozen=True)
class MoneyStatus:
    currency: str
    expected: Decimal
    collected: Decimal | None
    collected_at: datetime | None
    remitted: Decimal | None
    remittance: CodRemittance | None
    line_status: str | None
    deposited: bool
    deposited_on: date | None
    exceptions: list[CodReconciliationException]

    @property
    def open_exceptions(self) -> int:
        return sum(1 for item in self.exceptions if item.status == OPEN)


def money_status(order: CodOrder) -> MoneyStatus:
    """Where the order's cash is, in three queries (its payment record, its remittance lines, its exceptions)."""
    return money_statuses([order])[order.pk]


def money_statuses(orders: Iterable[CodOrder]) -> dict[int, MoneyStatus]:
    """``money_status`` of many orders in the same three queries."""
    orders = {order.pk: order for order in orders}
    payments = _payments(orders.values())
    lines = _lines(orders)
    exceptions: dict[int, list] = {pk: [] for pk in orders}
    related = CodReconciliationException.objects.select_related("remittance", "line", "order")
    for item in _open_first(related.filter(order_id__in=orders)):
        exceptions[item.order_id].append(item)
    return {pk: _status(order, payments.get(pk), lines.get(pk), exceptions[pk]) for pk, order in orders.items()}


def _payments(orders) -> dict:
    return {payment.order_id: payment for payment in CodPaymentRecord.objects.filter(order__in=list(orders))}


def _lines(orders: dict) -> dict[int, CodRemittanceLine]:
    """Per order, the line that counts for it, else the latest line naming it."""
    found: dict[int, CodRemittanceLine] = {}
    lines = CodRemittanceLine.objects.filter(order_id__in=orders).select_related("remittance").order_by("pk")
    for line in lines:
        if not (line.order_id in found and found[line.order_id].counted):
            found[line.order_id] = line
    return found


def _open_first(exceptions):
    first = Case(When(status=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return exceptions.order_by(first, "-created_at", "-pk")


def _status(order: CodOrder, payment, line: CodRemittanceLine | None, exceptions: list) -> MoneyStatus:
    remittance = line.remittance if line is not None and line.counted else None
    settled = remittance is not None and remittance.status == Status.SETTLED
    return MoneyStatus(
        currency=str(order.amount_to_collect.currency),
        expected=order.amount_to_collect.amount,
        collected=payment.amount.amount if payment else None,
        collected_at=payment.created_at if payment else None,
        remitted=line.collected if remittance else None,
        remittance=remittance,
        line_status=line.status if line else None,
        deposited=settled,
        deposited_on=remittance.deposited_on if settled else None,
        exceptions=exceptions,
    )


# --- exceptions ---------------------------------------------------------------------------------------------------

NOTE = CodReconciliationException._meta.get_field("note").max_length


def resolve(
    exception_pk: int, *, outcome: str, note: str, actor: str, order_pk: int | None = None
) -> CodReconciliationException:
    """Resolve an open exception once, with an outcome and a note; MATCHED_BY_HAND gives its line the order."""
    if outcome not in rules.Outcome.values:
        raise CodError(CodErrorCode.INVALID, _("Choose one of the outcomes."), field="outcome")
    note = bounds.text(note, field="note", max_length=NOTE, required=True)
    with transaction.atomic():
        exception = CodReconciliationException.objects.select_for_update().filter(pk=exception_pk).first()
        if exception is None:
            raise CodError(CodErrorCode.NOT_FOUND, _("Exception not found."), field="exceptionId")
        if exception.status != OPEN:
            message = _("This exception was already resolved by %(actor)s.") % {"actor": exception.resolved_by}
            raise CodError(CodErrorCode.ALREADY_RESOLVED, message, field="exceptionId")
        if outcome == rules.Outcome.MATCHED_BY_HAND:
            _match_by_hand(exception, order_pk, actor=actor)
        exception.status, exception.outcome, exception.note = CodReconciliationException.Status.RESOLVED, outcome, note
        exception.resolved_by, exception.resolved_at = actor, timezone.now()
        exception.save(update_fields=["status", "outcome", "note", "resolved_by", "resolved_at", "order"])
        _count_open(exception.remittance_id, -1)
        if exception.order_id:
            data = {"exception": exception.pk, "kind": exception.kind, "outcome": outcome, "note": note}
            lifecycle.record(exception.order, "cash_exception_resolved", actor=actor, data=data)
        return exception


def _count_open(remittance_pk: int | None, change: int) -> None:
    if remittance_pk is not None and change:
        CodRemittance.objects.filter(pk=remittance_pk).update(open_exceptions=F("open_exceptions") + change)


def _match_by_hand(exception: CodReconciliationException, order_pk: int | None, *, actor: str) -> None:
    """Give the exception's line the order finance found for it, decide the line again and count it."""
    if exception.line_id is None:
        message = _("Only an exception about a remittance line can be matched to an order.")
        raise CodError(CodErrorCode.INVALID, message, field="outcome")
    if order_pk is None:
        raise CodError(CodErrorCode.REQUIRED, _("Choose the order the line is for."), field="orderId")
    order = CodOrder.objects.select_for_update().filter(pk=order_pk).first()
    if order is None:
        raise CodError(CodErrorCode.UNKNOWN_ORDER, _("Order not found."), field="orderId")
    if order.courier_id != exception.courier_id:
        message = _("Order %(number)s is not this courier's.") % {"number": order.order_number}
        raise CodError(CodErrorCode.OTHER_COURIER_ORDER, message, field="orderId")
    line = CodRemittanceLine.objects.select_for_update().select_related("remittance").get(pk=exception.line_id)
    currency = line.remittance.currency
    if str(order.amount_to_collect.currency) != currency:
        message = _("Order %(number)s is paid in %(currency)s.")
        message %= {"number": order.order_number, "currency": order.amount_to_collect.currency}
        raise CodError(CodErrorCode.CURRENCY_MISMATCH, message, field="orderId")
    _decide_again(line, order)
    exception.order = order
    _raise_for(line, order, actor=actor)


def _decide_again(line: CodRemittanceLine, order: CodOrder) -> None:
    others = CodRemittanceLine.objects.filter(order=order, counted=True).exclude(pk=line.pk)
    facts = rules.OrderFacts(
        courier_id=order.courier_id,
        status=order.status,
        expected=order.amount_to_collect.amount,
        already_remitted=others.exists(),
    )
    status = rules.line_status(facts, courier_id=line.remittance.courier_id, collected=line.collected)
    line.order, line.expected, line.status = order, order.amount_to_collect.amount, status
    line.counted = status in rules.COUNTED
    line.save(update_fields=["order", "expected", "status", "counted"])


def _raise_for(line: CodRemittanceLine, order: CodOrder, *, actor: str) -> None:
    """The differences the line shows now that it names its order: its status's, and deductions not agreed."""
    remittance = line.remittance
    raised = []
    kind = rules.exception_kind(line.status)
    if kind is not None:
        raised.append(_exception(line, order, kind, expected=line.expected, actual=line.collected))
    courier = remittance.courier
    schedule = rules.ChargeSchedule(
        currency=courier.charges_currency, percent=courier.charge_percent, fixed=courier.charge_fixed
    )
    differ = rules.charges_differ(
        schedule, currency=remittance.currency, collected=line.collected, deducted=line.deductions
    )
    if line.counted and differ:
        agreed = rules.agreed_charge(schedule, line.collected)
        raised.append(_exception(line, order, rules.ExceptionKind.DEDUCTIONS, expected=agreed, actual=line.deductions))
    CodReconciliationException.objects.bulk_create(raised)
    _count_open(remittance.pk, len(raised))


def _exception(line, order, kind, *, expected: Decimal | None, actual: Decimal | None) -> CodReconciliationException:
    remittance = line.remittance
    difference = (actual or 0) - (expected or 0)
    return CodReconciliationException(
        courier_id=remittance.courier_id,
        remittance=remittance,
        line=line,
        order=order,
        kind=kind,
        currency=remittance.currency,
        expected=expected,
        actual=actual,
        difference=difference,
    )


# --- deposits -----------------------------------------------------------------------------------------------------

BANK_REFERENCE = CodRemittance._meta.get_field("bank_reference").max_length


def record_deposit(
    remittance_pk: int, *, amount: Decimal, deposited_on: date, bank_reference: str, actor: str
) -> CodRemittance:
    """Record the bank deposit of a remittance awaiting it: SETTLED when it is the net, else DEPOSIT_DIFFERS with a
    DEPOSIT exception. The same deposit again changes nothing; another deposit for a remittance that has one is
    refused (a difference is resolved as an exception)."""
    bank_reference = bounds.text(bank_reference, field="bankReference", max_length=BANK_REFERENCE, required=True)
    _check_day(deposited_on, field="depositedOn")
    with transaction.atomic():
        remittance = (
            CodRemittance.objects.select_for_update().select_related("courier").filter(pk=remittance_pk).first()
        )
        if remittance is None:
            raise CodError(CodErrorCode.NOT_FOUND, _("Remittance not found."), field="remittanceId")
        amount = rules.check_amount(amount, field="amount", currency=remittance.currency)
        if remittance.status != Status.AWAITING_DEPOSIT:
            return _deposited_already(remittance, amount, deposited_on, bank_reference)
        remittance.deposited_amount, remittance.deposited_on = amount, deposited_on
        remittance.bank_reference = bank_reference
        remittance.status = Status.SETTLED if amount == remittance.net else Status.DEPOSIT_DIFFERS
        fields = ["deposited_amount", "deposited_on", "bank_reference", "status"]
        if remittance.status == Status.DEPOSIT_DIFFERS:
            CodReconciliationException.objects.create(
                courier_id=remittance.courier_id,
                remittance=remittance,
                kind=rules.ExceptionKind.DEPOSIT,
                currency=remittance.currency,
                expected=remittance.net,
                actual=amount,
                difference=amount - remittance.net,
            )
            remittance.open_exceptions += 1  # the row is locked: no other writer changes it meanwhile
            fields.append("open_exceptions")
        remittance.save(update_fields=fields)
        return remittance


def _deposited_already(remittance: CodRemittance, amount: Decimal, on: date, reference: str) -> CodRemittance:
    if (remittance.deposited_amount, remittance.deposited_on, remittance.bank_reference) == (amount, on, reference):
        return remittance
    message = _("The deposit of this remittance is already recorded (%(reference)s).")
    raise CodError(CodErrorCode.INVALID, message % {"reference": remittance.bank_reference}, field="remittanceId")


def _check_day(day: object, *, field: str) -> date:
    if not isinstance(day, date) or not rules.EARLIEST_DATE <= day < rules.LATEST_DATE:
        raise CodError(CodErrorCode.BAD_DATE, _("Give a date between the years 2000 and 9000."), field=field)
    return day


# --- bank statements ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    booked_on: date
    amount: Decimal
    currency: str
    reference: str
    description: str = ""


@dataclass(frozen=True)
class StatementResult:
    matched: int = 0  # settled a remittance
    differing: int = 0  # matched a remittance whose net is another amount: a DEPOSIT exception
    unmatched: int = 0  # named no remittance awaiting its deposit
    duplicates: int = 0  # imported before (same day, reference and amount)


COLUMNS = ("date", "amount", "currency", "reference", "description")
MAX_STATEMENT_ROWS = 10_000
STATEMENT_REFERENCE = CodBankStatementLine._meta.get_field("reference").max_length
DESCRIPTION = CodBankStatementLine._meta.get_field("description").max_length


def parse_statement(data: bytes) -> list[StatementRow]:
    """A bank statement as CSV: date (YYYY-MM-DD), amount, currency, reference and description, a header row
    first if it has one; at most ``MAX_STATEMENT_ROWS`` rows. A bad value is a CodError naming its row, "rows.3.amount"
    (the file's row number)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodError(CodErrorCode.UNREADABLE_FILE, _("The file is not UTF-8 text."), field="file") from None
    bounds.refuse_unstorable(text, field="file")
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not any(cell.strip() for cell in cells) or (number == 1 and cells[0].strip().lower() == COLUMNS[0]):
                continue
            if len(rows) == MAX_STATEMENT_ROWS:
                message = _("A statement has at most %(count)d rows.") % {"count": MAX_STATEMENT_ROWS}
                raise CodError(CodErrorCode.INVALID, message, field="file")
            rows.append(_statement_row(cells, number))
    except csv.Error:
        raise CodError(CodErrorCode.UNREADABLE_FILE, _("The file is not a CSV file."), field="file") from None
    return rows


def _statement_row(cells: list[str], number: int) -> StatementRow:
    field = f"rows.{number}"
    if not 4 <= len(cells) <= 5:
        message = _("Give the columns %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        raise CodError(CodErrorCode.MISSING_COLUMN, message, field=field)
    day, amount, currency, reference, *rest = (cell.strip() for cell in cells)
    currency = currency.upper()
    if not is_currency(currency):
        raise CodError(CodErrorCode.INVALID, _("Not a currency code: %(code)s") % {"code": currency[:8]}, field=field)
    return StatementRow(
        booked_on=rules.parse_date(day, field=f"{field}.date", date_format="%Y-%m-%d"),
        amount=rules.parse_amount(amount, field=f"{field}.amount", currency=currency),
        currency=currency,
        reference=bounds.text(reference, field=f"{field}.reference", max_length=STATEMENT_REFERENCE, required=True),
        description=bounds.text(rest[0] if rest else "", field=f"{field}.description", max_length=DESCRIPTION),
    )


def import_statement(rows: Iterable[StatementRow], *, actor: str) -> StatementResult:
    """Keep each statement line once and let it settle the remittance it names: the awaiting remittance, in its
    currency, whose reference is in the line's reference or description (the longest such reference, when one is
    part of another; none when two couriers' remittances share it)."""
    counts = {"matched": 0, "differing": 0, "unmatched": 0, "duplicates": 0}
    with transaction.atomic():
        awaiting = _awaiting()
        for row in rows:
            line = _keep(row, actor=actor)
            if line is None:
                counts["duplicates"] += 1
                continue
            remittance_pk = _named(awaiting, row)
            if remittance_pk is None:
                counts["unmatched"] += 1
                continue
            remittance = record_deposit(
                remittance_pk, amount=row.amount, deposited_on=row.booked_on, bank_reference=row.reference, actor=actor
            )
            line.remittance = remittance
            line.save(update_fields=["remittance"])
            counts["matched" if remittance.status == Status.SETTLED else "differing"] += 1
    return StatementResult(**counts)


def _awaiting() -> dict[str, dict[str, list[int]]]:
    """Remittances awaiting their deposit: by currency, by reference, their pks."""
    found: dict[str, dict[str, list[int]]] = {}
    for pk, currency, reference in CodRemittance.objects.filter(status=Status.AWAITING_DEPOSIT).values_list(
        "pk", "currency", "reference"
    ):
        found.setdefault(currency, {}).setdefault(reference, []).append(pk)
    return found


def _named(awaiting: dict, row: StatementRow) -> int | None:
    """The remittance the row names, taken out of ``awaiting`` (a remittance is deposited once)."""
    candidates = awaiting.get(row.currency, {})
    texts = f"{row.reference}\n{row.description}"
    named = sorted((ref for ref in candidates if ref and ref in texts), key=len, reverse=True)
    if not named or len(candidates[named[0]]) != 1:
        return None
    return candidates.pop(named[0])[0]


def _keep(row: StatementRow, *, actor: str) -> CodBankStatementLine | None:
    """The row stored as a statement line; None when it was imported before."""
    same = {"booked_on": row.booked_on, "reference": row.reference, "amount": row.amount}
    if CodBankStatementLine.objects.filter(**same).exists():
        return None
    try:
        with transaction.atomic():
            return CodBankStatementLine.objects.create(
                **same, currency=row.currency, description=row.description, imported_by=actor
            )
    except IntegrityError:  # the same line imported at this moment by someone else
        return None
