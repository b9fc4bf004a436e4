"""What may be refunded on a COD order: the amount left, whether the COD fee goes back, a returned goods' value.

Amounts are Decimals in the order's currency, in its minor units (JPY 0 decimals, KWD 3, most 2).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ..money import quantum, round_money

# Return reasons (``models.ReturnReason`` values) that are the merchant's fault, not the customer's change of mind.
PRODUCT_PROBLEMS = frozenset({"damaged", "defective", "wrong_item", "missing_parts", "not_as_described"})


class FeeRefund(StrEnum):
    """A channel's ``refund_fee`` setting: when the COD fee is given back with a refund."""

    PRODUCT_PROBLEM = "product_problem"
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True)
class ReceivedLine:
    unit_price: Decimal
    received_quantity: int


def in_minor_units(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` has no more decimals than the currency: 10.005 USD is refused, never rounded."""
    return Decimal(amount) % quantum(currency) == 0


def remaining(collected: Decimal, refunds: Iterable[Decimal], currency: str) -> Decimal:
    """What can still be refunded: collected less every refund made so far, pending or paid (never below zero)."""
    left = round_money(collected, currency) - sum((round_money(a, currency) for a in refunds), Decimal(0))
    return max(left, Decimal(0).quantize(quantum(currency)))


def refunds_fee(setting: str, reason: str | None) -> bool:
    """Whether a refund gives the COD fee back; ``reason`` is the return's, None for a refund without a return."""
    if setting == FeeRefund.ALWAYS:
        return True
    if setting == FeeRefund.NEVER:
        return False
    return reason in PRODUCT_PROBLEMS


def returned_value(lines: Iterable[ReceivedLine], currency: str) -> Decimal:
    """The value of the goods that came back: unit price times the received quantity."""
    return round_money(sum((line.unit_price * line.received_quantity for line in lines), Decimal(0)), currency)


def suggested_refund(
    lines: Iterable[ReceivedLine],
    *,
    fee: Decimal,
    with_fee: bool,
    left: Decimal,
    currency: str,
    already: Decimal = Decimal(0),
) -> Decimal:
    """The refund a received return calls for: the goods back, plus the fee when it is refunded, less what was
    ``already`` refunded for the return, capped at ``left`` (never below zero)."""
    amount = returned_value(lines, currency) + (round_money(fee, currency) if with_fee else Decimal(0))
    amount -= round_money(already, currency)
    return max(min(amount, round_money(left, currency)), Decimal(0).quantize(quantum(currency)))
