"""Builders of the facts the signals read; each test states only what it is about."""

from datetime import UTC, datetime
from decimal import Decimal

import phonenumbers

from cod_plugin.rules.risk import RiskFacts

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def example(country: str, kind: str) -> str:
    """phonenumbers' own example of a number of that type, in E.164."""
    number = phonenumbers.example_number_for_type(country, getattr(phonenumbers.PhoneNumberType, kind))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def facts(**kwargs) -> RiskFacts:
    """A plain, unremarkable order: a US mobile, nothing in its history, one line of one."""
    values = {
        "country": "US",
        "currency": "USD",
        "phone": example("US", "MOBILE"),
        "phone_e164": example("US", "MOBILE"),
        "amount": Decimal("50.00"),
        "quantities": (1,),
        "now": NOW,
    }
    values.update(kwargs)
    return RiskFacts(**values)
