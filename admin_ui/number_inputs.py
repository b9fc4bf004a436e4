"""Amounts pre-filled into ``<input type="number">``: a dot, no grouping, the currency's minor units, any language.

A number input parses only that form and drops anything else, so a value localized for Arabic (``693,190``)
would reach the server as an empty amount. Django forms render their fields unlocalized; the order page's own
inputs and the forms' initial amounts go through here.
"""

from decimal import Decimal

from cod_plugin.money import quantum, round_money


def input_value(amount: Decimal, currency: str) -> str:
    """``693.19`` for AED 693.190, ``12.345`` for KWD, ``1000`` for JPY."""
    return format(round_money(amount, currency), "f")


def input_step(currency: str) -> str:
    """The currency's minor unit as a number input's ``step``: ``0.01``, ``0.001`` or ``1``."""
    return format(quantum(currency), "f")
