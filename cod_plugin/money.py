"""Currency-aware rounding and conversion to the limit currency.

Minor units come from babel's ISO 4217 data (JPY 0 decimals, KWD 3, most 2). Conversion takes a rate that the
caller has already read, so that the pure rules never do I/O.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    """Babel's ISO 4217 data, which does not change while a process runs: read once per currency (an import
    checks hundreds of thousands of amounts)."""
    return get_currency_precision(currency)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (commercial rounding)."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def convert(amount: Decimal, rate: Decimal, target_currency: str) -> Decimal:
    return round_money(Decimal(amount) * Decimal(rate), target_currency)


def fits(amount: Decimal, *, max_digits: int, decimal_places: int) -> bool:
    """Whether the amount can be stored in a decimal column of this size."""
    return abs(amount) < Decimal(10) ** (max_digits - decimal_places)


def display(amount: Decimal, currency: str) -> str:
    """The amount as a person reads it in the active language, e.g. ``$1,000.00`` or ``KWD 0.500``."""
    from .formatting import money  # formatting rounds through this module

    return money(amount, currency)
