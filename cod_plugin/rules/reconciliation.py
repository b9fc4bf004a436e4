"""Reconciling couriers' cash, as pure decisions: how a remittance line stands against its order, the charges a
courier may deduct, how long cash has been held and when it is overdue, and how a report's numbers and dates read.

The statuses are decided by one ordered table (``DECISIONS``): the first fact that holds gives the status. The
import (``flows/remittances.py``) matches a whole file in SQL, one CASE over the same table in the same order, so
a line gets the same status on the set-based path as ``line_status`` gives it here."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..error_codes import CodError, CodErrorCode
from ..money import minor_units, round_money
from .bounds import LARGEST_AMOUNT, NUMBER_TEXT
from .statuses import CodStatus


class LineStatus(TextChoices):
    MATCHED = "matched", gettext_lazy("Matched")
    SHORT = "short", gettext_lazy("Short: less than the amount to collect")
    EXCESS = "excess", gettext_lazy("Excess: more than the amount to collect")
    REMITTED_TWICE = "remitted_twice", gettext_lazy("Remitted twice")
    UNKNOWN = "unknown", gettext_lazy("Unknown order")
    OTHER_COURIER = "other_courier", gettext_lazy("Another courier's order")
    NOT_DELIVERED = "not_delivered", gettext_lazy("Order not delivered")
    CANCELLED = "cancelled", gettext_lazy("Order cancelled, refused or returned")


# A line that counts as its order's remittance: the order's cash is no longer with the courier.
COUNTED = (LineStatus.MATCHED, LineStatus.SHORT, LineStatus.EXCESS)


class ExceptionKind(TextChoices):
    SHORT = "short", gettext_lazy("Short payment")
    EXCESS = "excess", gettext_lazy("Excess payment")
    REMITTED_TWICE = "remitted_twice", gettext_lazy("Remitted twice")
    UNKNOWN = "unknown", gettext_lazy("Unknown order")
    OTHER_COURIER = "other_courier", gettext_lazy("Another courier's order")
    NOT_DELIVERED = "not_delivered", gettext_lazy("Order not delivered")
    CANCELLED = "cancelled", gettext_lazy("Order cancelled, refused or returned")
    DEDUCTIONS = "deductions", gettext_lazy("Deductions other than agreed")
    DEPOSIT = "deposit", gettext_lazy("Deposit differs from the net")


class Outcome(TextChoices):
    COURIER_PAYS_BACK = "courier_pays_back", gettext_lazy("Courier to pay back")
    WRITTEN_OFF = "written_off", gettext_lazy("Written off")
    CORRECTED = "corrected", gettext_lazy("Corrected")
    MATCHED_BY_HAND = "matched_by_hand", gettext_lazy("Matched by hand to an order")


class Fact(StrEnum):
    """What is known of a line and its order, each a predicate the SQL of the import states too."""

    NO_ORDER = "no_order"
    OTHER_COURIER = "other_courier"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_NOT_DELIVERED = "order_not_delivered"
    ALREADY_REMITTED = "already_remitted"
    BELOW_EXPECTED = "below_expected"
    ABOVE_EXPECTED = "above_expected"


DECISIONS: tuple[tuple[Fact, LineStatus], ...] = (
    (Fact.NO_ORDER, LineStatus.UNKNOWN),
    (Fact.OTHER_COURIER, LineStatus.OTHER_COURIER),
    (Fact.ORDER_CANCELLED, LineStatus.CANCELLED),
    (Fact.ORDER_NOT_DELIVERED, LineStatus.NOT_DELIVERED),
    (Fact.ALREADY_REMITTED, LineStatus.REMITTED_TWICE),
    (Fact.BELOW_EXPECTED, LineStatus.SHORT),
    (Fact.ABOVE_EXPECTED, LineStatus.EXCESS),
)
# The order's cash was collected: the courier has it, or has remitted it.
COLLECTED_STATUSES = (CodStatus.DELIVERED, CodStatus.COMPLETED, CodStatus.REFUNDED)
# The order ended without a delivery: no cash should come for it.
ENDED_STATUSES = (CodStatus.CANCELLED, CodStatus.REFUSED, CodStatus.RETURNED_TO_ORIGIN)


@dataclass(frozen=True)
class OrderFacts:
    """The order a line names, as the matching reads it."""

    courier_id: int | None
    status: str
    expected: Decimal
    already_remitted: bool


def facts(order: OrderFacts | None, *, courier_id: int, collected: Decimal) -> set[Fact]:
    if order is None:
        return {Fact.NO_ORDER}
    found = set()
    if order.courier_id != courier_id:
        found.add(Fact.OTHER_COURIER)
    if order.status in ENDED_STATUSES:
        found.add(Fact.ORDER_CANCELLED)
    elif order.status not in COLLECTED_STATUSES:
        found.add(Fact.ORDER_NOT_DELIVERED)
    if order.already_remitted:
        found.add(Fact.ALREADY_REMITTED)
    if collected < order.expected:
        found.add(Fact.BELOW_EXPECTED)
    elif collected > order.expected:
        found.add(Fact.ABOVE_EXPECTED)
    return found


def line_status(order: OrderFacts | None, *, courier_id: int, collected: Decimal) -> LineStatus:
    """The first decision whose fact holds; MATCHED when none does."""
    found = facts(order, courier_id=courier_id, collected=collected)
    return next((status for fact, status in DECISIONS if fact in found), LineStatus.MATCHED)


def exception_kind(status: str) -> ExceptionKind | None:
    """The exception a line of this status raises; a matched line raises none."""
    return None if status == LineStatus.MATCHED else ExceptionKind(status)


# --- charges --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeSchedule:
    """What a courier agreed to deduct per order, in one currency: a percentage of the cash collected and/or a
    fixed amount."""

    currency: str
    percent: Decimal
    fixed: Decimal

    def applies_to(self, currency: str) -> bool:
        return currency == self.currency and bool(self.percent or self.fixed)


def agreed_charge(schedule: ChargeSchedule, collected: Decimal) -> Decimal:
    """The charge the courier may deduct from one order's cash, rounded half up to the currency's unit."""
    return round_money(collected * schedule.percent / 100 + schedule.fixed, schedule.currency)


def charges_differ(schedule: ChargeSchedule | None, *, currency: str, collected: Decimal, deducted: Decimal) -> bool:
    """Whether a line's deductions differ from the agreed charge (unchecked without a schedule in its currency)."""
    if schedule is None or not schedule.applies_to(currency):
        return False
    return deducted != agreed_charge(schedule, collected)


# --- ageing ---------------------------------------------------------------------------------------------------

# Days a courier has held cash, in the buckets finance reads: first and last day of each, None for no end.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15+", 15, None),
)


def days_held(collected_on: date, today: date) -> int:
    return max((today - collected_on).days, 0)


def bucket(days: int) -> str:
    for name, first, last in BUCKETS:
        if days >= first and (last is None or days <= last):
            return name
    return BUCKETS[0][0]


def overdue(days: int, deadline_days: int) -> bool:
    """Cash held longer than the courier's remittance deadline: on the deadline's day it is still on time."""
    return days > deadline_days


# --- reading a report -----------------------------------------------------------------------------------------


def parse_amount(value: object, *, field: str, currency: str, decimal_mark: str = ".", required: bool = True):
    """A report's amount: a text in the courier's number format (``1,234.50`` or ``1.234,50``, spaces allowed
    between thousands), or a number a spreadsheet cell holds; a Decimal in whole minor units of ``currency``,
    zero or more. "" or None is zero unless ``required``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CodError(CodErrorCode.REQUIRED, _("The amount is missing."), field=field)
        return Decimal(0)
    if isinstance(value, bool):
        raise CodError(CodErrorCode.BAD_NUMBER, _("Not an amount."), field=field)
    if isinstance(value, int | float):
        # A spreadsheet's number cell: its shortest text, which is what the spreadsheet showed.
        text = repr(value)
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = _ungrouped(value.strip(), field=field, decimal_mark=decimal_mark)
    else:
        raise CodError(CodErrorCode.BAD_NUMBER, _("Not an amount."), field=field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CodError(
            CodErrorCode.BAD_NUMBER, _("Not an amount: %(value)s") % {"value": text[:40]}, field=field
        ) from None
    if not number.is_finite():
        raise CodError(CodErrorCode.BAD_NUMBER, _("Not an amount."), field=field)
    return check_amount(number, field=field, currency=currency)


# Thousands in groups of three, by a space or the mark that is not the decimal mark: "1,5" in a file of points is no
# fifteen, it is a comma where a point was meant.
_GROUPED = {
    ".": re.compile(r"[-+]?\d{1,3}(?:[, \u00a0]\d{3})+(?:\.\d*)?"),
    ",": re.compile(r"[-+]?\d{1,3}(?:[. \u00a0]\d{3})+(?:,\d*)?"),
}


def _ungrouped(text: str, *, field: str, decimal_mark: str) -> str:
    """The amount's text without its thousands separators, with a point for its decimal mark."""
    if len(text) > NUMBER_TEXT:
        raise CodError(CodErrorCode.BAD_NUMBER, _("Not an amount."), field=field)
    thousands = "," if decimal_mark == "." else "."
    if any(mark in text for mark in (thousands, " ", "\u00a0")) and not _GROUPED[decimal_mark].fullmatch(text):
        raise CodError(CodErrorCode.BAD_NUMBER, _("Not an amount: %(value)s") % {"value": text}, field=field)
    text = text.replace(" ", "").replace("\u00a0", "").replace(thousands, "")
    return text.replace(decimal_mark, ".") if decimal_mark != "." else text


def check_amount(number: Decimal, *, field: str, currency: str) -> Decimal:
    """Zero or more, within the amount columns, in whole minor units of ``currency``."""
    if number < 0:
        raise CodError(CodErrorCode.NEGATIVE_AMOUNT, _("The amount cannot be negative."), field=field)
    if number > LARGEST_AMOUNT:
        message = _("Give an amount of at most %(largest)s.") % {"largest": LARGEST_AMOUNT}
        raise CodError(CodErrorCode.AMOUNT_TOO_LARGE, message, field=field)
    places = minor_units(currency)
    exact = number.quantize(Decimal(1).scaleb(-places))
    if exact != number:
        message = _("%(currency)s amounts have at most %(count)d decimals.") % {"currency": currency, "count": places}
        raise CodError(CodErrorCode.AMOUNT_PRECISION, message, field=field)
    return exact


EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(9000, 1, 1)


def parse_date(value: object, *, field: str, date_format: str) -> date:
    """A report's date: a text in the courier's format, or the date or time a spreadsheet cell holds; between
    the years 2000 and 9000."""
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and value.strip() and len(value) <= NUMBER_TEXT:
        try:
            parsed = datetime.strptime(value.strip(), date_format).date()
        except ValueError:
            message = _("Not a date in the format %(format)s: %(value)s") % {"format": date_format, "value": value}
            raise CodError(CodErrorCode.BAD_DATE, message, field=field) from None
    else:
        raise CodError(CodErrorCode.BAD_DATE, _("The date is missing or not a date."), field=field)
    if not EARLIEST_DATE <= parsed < LATEST_DATE:
        raise CodError(CodErrorCode.BAD_DATE, _("Give a date between the years 2000 and 9000."), field=field)
    return parsed


def check_totals(*, total: Decimal, net: Decimal, deductions: dict[str, Decimal], lines: dict[str, Decimal]) -> None:
    """A remittance adds up: its total is the sum of its lines' collected cash, each kind of deduction the sum of
    its lines' deductions of that kind, and the net the total less the deductions, to the last minor unit.
    ``lines`` holds the lines' sums under ``collected`` and each deduction kind."""
    if total != lines["collected"]:
        message = _("The total %(total)s is not the sum of the lines, %(sum)s.")
        raise CodError(
            CodErrorCode.TOTAL_MISMATCH, message % {"total": total, "sum": lines["collected"]}, field="total"
        )
    for kind, amount in deductions.items():
        if amount != lines[kind]:
            message = _("The %(kind)s deductions %(amount)s are not the sum of the lines, %(sum)s.")
            message %= {"kind": kind, "amount": amount, "sum": lines[kind]}
            raise CodError(CodErrorCode.DEDUCTIONS_MISMATCH, message, field="deductions")
    # The lines' deductions of every kind, whether or not the remittance stated each kind.
    expected_net = total - sum((lines.get(kind, Decimal(0)) for kind in DEDUCTION_KINDS), Decimal(0))
    if net != expected_net:
        message = _("The net %(net)s is not the total less the deductions, %(expected)s.")
        raise CodError(CodErrorCode.NET_MISMATCH, message % {"net": net, "expected": expected_net}, field="net")


DEDUCTION_KINDS = ("cod_charge", "shipping", "return_shipping", "other_deductions")


def check_line(*, collected: Decimal, deductions: Decimal, remitted: Decimal | None, field: str) -> Decimal:
    """What a line remits: the cash collected less its deductions; a remitted amount given otherwise is refused."""
    expected = collected - deductions
    if expected < 0:
        message = _("The deductions %(deductions)s are more than the cash collected, %(collected)s.")
        raise CodError(
            CodErrorCode.LINE_MISMATCH, message % {"deductions": deductions, "collected": collected}, field=field
        )
    if remitted is not None and remitted != expected:
        message = _("The remitted %(remitted)s is not the collected cash less the deductions, %(expected)s.")
        raise CodError(CodErrorCode.LINE_MISMATCH, message % {"remitted": remitted, "expected": expected}, field=field)
    return expected
