"""Confirming a remittance's bank deposit: recorded by finance, or read from the bank statement's lines, each of
which settles the remittance it names. The remittance's row lock makes two deposits of one remittance record one."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import is_currency
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodBankStatementLine, CodReconciliationException, CodRemittance
from ..rules import bounds
from ..rules import reconciliation as rules

Status = CodRemittance.Status

# --- by hand --------------------------------------------------------------------------------------------------------

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


# --- the bank statement --------------------------------------------------------------------------------------------


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
