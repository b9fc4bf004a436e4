"""What a remittance says, as the flows receive it (``Header``, ``Line``), and each line checked once, at the edge:
its reference and amounts bounded, what it remits, the courier's agreed charge; then the row the staging table
holds. Both ways in (the API's lines and a report's rows) come through here, so they are checked alike."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import Courier
from ..rules import bounds
from ..rules import reconciliation as rules

REFERENCE_LENGTH = 100  # CodRemittance.reference
LINE_REFERENCE_LENGTH = 64  # CodRemittanceLine.reference
KINDS = ("order", "tracking")


@dataclass(frozen=True)
class Header:
    reference: str
    remitted_on: date
    currency: str
    total: Decimal | None = None
    net: Decimal | None = None
    deductions: dict[str, Decimal] | None = None


@dataclass(frozen=True)
class Line:
    row: int
    reference: str
    by: str
    collected: Decimal
    cod_charge: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    return_shipping: Decimal = Decimal(0)
    other_deductions: Decimal = Decimal(0)
    remitted: Decimal | None = None
    collected_on: date | None = None


@dataclass(frozen=True)
class StagedLine:
    """A line checked and ready for the staging table, in the order of ``STAGED_COLUMNS``."""

    row: int
    reference: str
    by: str
    collected: Decimal
    cod_charge: Decimal
    shipping: Decimal
    return_shipping: Decimal
    other_deductions: Decimal
    remitted: Decimal
    collected_on: date | None
    agreed: Decimal | None
    charge_differs: bool

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in STAGED_COLUMNS)


STAGED_COLUMNS = (
    "row",
    "reference",
    "by",
    "collected",
    "cod_charge",
    "shipping",
    "return_shipping",
    "other_deductions",
    "remitted",
    "collected_on",
    "agreed",
    "charge_differs",
)


def schedule_of(courier: Courier) -> rules.ChargeSchedule | None:
    if not courier.charges_currency:
        return None
    return rules.ChargeSchedule(courier.charges_currency, courier.charge_percent, courier.charge_fixed)


def check_currency(currency: object, *, field: str = "currency") -> str:
    code = bounds.text(currency, field=field, max_length=3, required=True).upper()
    if len(code) != 3 or not code.isalpha():
        raise CodError(CodErrorCode.INVALID, _("Give a three-letter ISO 4217 currency code."), field=field)
    return code


def check_header(header: Header) -> Header:
    """The header's reference, date and currency bounded; its amounts in whole units of its currency."""
    reference = bounds.text(header.reference, field="reference", max_length=REFERENCE_LENGTH, required=True)
    currency = check_currency(header.currency)
    if not isinstance(header.remitted_on, date) or not rules.EARLIEST_DATE <= header.remitted_on < rules.LATEST_DATE:
        raise CodError(CodErrorCode.BAD_DATE, _("Give a date between the years 2000 and 9000."), field="remittedOn")

    def amount(value, field):
        return None if value is None else rules.check_amount(Decimal(value), field=field, currency=currency)

    deductions = None
    if header.deductions is not None:
        unknown = set(header.deductions) - set(rules.DEDUCTION_KINDS)
        if unknown:
            message = _("Unknown kind of deduction: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
            raise CodError(CodErrorCode.INVALID, message, field="deductions")
        deductions = {kind: amount(value, f"deductions.{kind}") for kind, value in header.deductions.items()}
    return Header(
        reference=reference,
        remitted_on=header.remitted_on,
        currency=currency,
        total=amount(header.total, "total"),
        net=amount(header.net, "net"),
        deductions=deductions,
    )


def check_line(
    line: Line, *, currency: str, schedule: rules.ChargeSchedule | None, field: str, amounts_checked: bool = False
) -> StagedLine:
    """One line checked: CodError naming ``field`` + the line's own field ("lines.3.collected").
    ``amounts_checked``: the line comes from a report's reader, which checked its reference and amounts (in this
    currency) already."""
    reference = line.reference
    if not amounts_checked:
        reference = bounds.text(reference, field=f"{field}.reference", max_length=LINE_REFERENCE_LENGTH, required=True)
    if line.by not in KINDS:
        raise CodError(CodErrorCode.INVALID, _("Say whether it is an order or a tracking number."), field=f"{field}.by")

    def amount(name):
        if amounts_checked:
            return getattr(line, name)
        return rules.check_amount(Decimal(getattr(line, name)), field=f"{field}.{name}", currency=currency)

    collected = amount("collected")
    deductions = {kind: amount(kind) for kind in rules.DEDUCTION_KINDS}
    deducted = sum(deductions.values(), Decimal(0))
    remitted = None if line.remitted is None else amount("remitted")
    remitted = rules.check_line(collected=collected, deductions=deducted, remitted=remitted, field=f"{field}.remitted")
    agreed = None
    if schedule is not None and schedule.applies_to(currency):
        agreed = rules.agreed_charge(schedule, collected)
    differs = rules.charges_differ(schedule, currency=currency, collected=collected, deducted=deducted)
    return StagedLine(
        line.row, reference, line.by, collected, *deductions.values(), remitted, line.collected_on, agreed, differs
    )


class Totals:
    """The sums of a remittance's lines, kept as they are checked (exact: Decimal in Python)."""

    def __init__(self):
        self.sums = dict.fromkeys(("collected", *rules.DEDUCTION_KINDS), Decimal(0))
        self.count = 0

    def add(self, line: StagedLine) -> None:
        self.count += 1
        for name in self.sums:
            self.sums[name] += getattr(line, name)

    def check(self, header: Header) -> None:
        """TOTAL_MISMATCH, DEDUCTIONS_MISMATCH, NET_MISMATCH: what the header gives against the lines' sums (a kind
        of deduction the header leaves out is taken from the lines)."""
        given = header.deductions or {}
        deductions = {kind: given.get(kind, self.sums[kind]) for kind in rules.DEDUCTION_KINDS}
        total = self.sums["collected"] if header.total is None else header.total
        net = total - sum(deductions.values(), Decimal(0)) if header.net is None else header.net
        rules.check_totals(total=total, net=net, deductions=deductions, lines=self.sums)

    def of(self, name: str) -> Decimal:
        return self.sums[name]


class Fingerprint:
    """SHA-256 of a canonical form of what was received: the same header and lines always give the same digest,
    whatever the notation of their amounts (10.5 and 10.50 are one amount)."""

    def __init__(self, header: Header):
        self.digest = hashlib.sha256()
        deductions = sorted((header.deductions or {}).items())
        self._add("header", header.reference, header.remitted_on, header.currency, header.total, header.net, deductions)

    def add(self, line: StagedLine) -> None:
        self._add("line", *line.values()[:10])

    def _add(self, *parts) -> None:
        self.digest.update(repr(tuple(canonical(part) for part in parts)).encode())

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def canonical(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [(key, canonical(amount)) for key, amount in value]
    return value
