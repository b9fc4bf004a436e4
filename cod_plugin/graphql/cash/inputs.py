"""The input of ``codRemittanceCreate``, each value bounded where it comes in: texts by their columns' lengths,
amounts as decimal strings in the remittance currency's minor units, dates within the years 2000 to 9000, and at
most ``MAX_LINES`` lines a call."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import strawberry
from babel.numbers import is_currency
from django.utils.translation import gettext as _

from ... import limits
from ...error_codes import CodError, CodErrorCode
from ...models import CodRemittance, CodRemittanceLine
from ...rules import bounds
from ...rules import reconciliation as rules

MAX_LINES = 10_000
REFERENCE = CodRemittance._meta.get_field("reference").max_length
LINE_REFERENCE = CodRemittanceLine._meta.get_field("reference").max_length
AMOUNT_HELP = 'A decimal string in the currency\'s minor units, e.g. "12.50" (USD), "0.500" (KWD), "300" (JPY).'


def amount(value: str | None, *, field: str, currency: str) -> Decimal | None:
    """A decimal string as a Decimal: zero or more, within the amount columns, in ``currency``'s minor units."""
    if value is None:
        return None
    text = bounds.text(value, field=field, max_length=bounds.NUMBER_TEXT, required=True)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CodError(CodErrorCode.INVALID, _("Give the amount as a decimal string, e.g. 12.50."), field=field)
    return rules.check_amount(number, field=field, currency=currency)


def day(value: date | None, *, field: str) -> date | None:
    return None if value is None else rules.parse_date(value, field=field, date_format="%Y-%m-%d")


def currency_code(value: str, *, field: str = "currency") -> str:
    code = bounds.text(value, field=field, max_length=limits.CURRENCY, required=True).upper()
    if not is_currency(code):
        raise CodError(CodErrorCode.INVALID, _("Not a currency code: %(code)s") % {"code": code}, field=field)
    return code


@strawberry.input(description="Deductions by kind, each a decimal string; a kind not given is none.")
class CodDeductionsInput:
    cod_charge: str | None = strawberry.field(default=None, description="The COD handling charge.")
    shipping: str | None = None
    return_shipping: str | None = None
    other: str | None = None

    def to_amounts(self, *, field: str, currency: str) -> dict[str, Decimal]:
        """The kinds given, by ``rules.reconciliation.DEDUCTION_KINDS`` name."""
        given = {
            "cod_charge": ("codCharge", self.cod_charge),
            "shipping": ("shipping", self.shipping),
            "return_shipping": ("returnShipping", self.return_shipping),
            "other_deductions": ("other", self.other),
        }
        return {
            kind: amount(value, field=f"{field}.{name}", currency=currency)
            for kind, (name, value) in given.items()
            if value is not None
        }


@strawberry.input(description="One order's cash: name the order by its number or its tracking number.")
class CodRemittanceLineInput:
    order_number: str | None = None
    tracking_number: str | None = None
    collected: str = strawberry.field(description=f"The cash collected. {AMOUNT_HELP}")
    deductions: CodDeductionsInput | None = None
    remitted: str | None = strawberry.field(
        default=None, description="What the line remits: when given, the cash collected less the deductions."
    )
    collected_on: date | None = None


@strawberry.input(description="A courier's remittance: the same reference again with the same content is a replay.")
class CodRemittanceInput:
    courier: str | None = strawberry.field(
        default=None, description="The courier's code: finance gives it; a courier's own account may leave it out."
    )
    reference: str = strawberry.field(description="The courier's reference, unique per courier.")
    remitted_on: date
    currency: str
    total: str | None = strawberry.field(default=None, description="When given: the sum of the lines' collected.")
    net: str | None = strawberry.field(default=None, description="When given: the total less the deductions.")
    deductions: CodDeductionsInput | None = strawberry.field(
        default=None, description="When given: each kind the sum of the lines' deductions of that kind."
    )
    lines: list[CodRemittanceLineInput] = strawberry.field(description=f"At most {MAX_LINES:,} lines a call.")


@dataclass(frozen=True)
class Remittance:
    """What the input says, checked: the flow's header fields and lines (``flows.remittances`` Header and Line)."""

    header: dict
    lines: list[dict]


def checked(data: CodRemittanceInput) -> Remittance:
    currency = currency_code(data.currency)
    if len(data.lines) > MAX_LINES:
        message = _("Send at most %(count)s lines a call.") % {"count": f"{MAX_LINES:,}"}
        raise CodError(CodErrorCode.INVALID, message, field="lines")
    header = {
        "reference": bounds.text(data.reference, field="reference", max_length=REFERENCE, required=True),
        "remitted_on": day(data.remitted_on, field="remittedOn"),
        "currency": currency,
        "total": amount(data.total, field="total", currency=currency),
        "net": amount(data.net, field="net", currency=currency),
        "deductions": data.deductions and data.deductions.to_amounts(field="deductions", currency=currency),
    }
    return Remittance(header=header, lines=[_line(line, index, currency) for index, line in enumerate(data.lines)])


def _line(line: CodRemittanceLineInput, index: int, currency: str) -> dict:
    """The line at ``index`` of the input's list, which errors name as GraphQL does ("lines.0.collected")."""
    field = f"lines.{index}"
    order_number, tracking = line.order_number, line.tracking_number
    if (order_number is None) == (tracking is None):
        message = _("Give the order number or the tracking number (one of them).")
        raise CodError(CodErrorCode.REQUIRED if order_number is None else CodErrorCode.INVALID, message, field=field)
    by, name = ("order", "orderNumber") if order_number is not None else ("tracking", "trackingNumber")
    reference = bounds.text(order_number or tracking, field=f"{field}.{name}", max_length=LINE_REFERENCE, required=True)
    deductions = line.deductions.to_amounts(field=f"{field}.deductions", currency=currency) if line.deductions else {}
    return {
        "row": index + 1,
        "reference": reference,
        "by": by,
        "collected": amount(line.collected, field=f"{field}.collected", currency=currency),
        **deductions,
        "remitted": amount(line.remitted, field=f"{field}.remitted", currency=currency),
        "collected_on": day(line.collected_on, field=f"{field}.collectedOn"),
    }
