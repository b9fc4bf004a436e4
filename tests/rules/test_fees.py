from decimal import Decimal

import pytest

from cod_plugin.rules.fees import compute_fee, schedule_for_region
from cod_plugin.rules.policy import FeeSchedule, RegionRule


def fee(amount, currency="USD", **schedule):
    return compute_fee(Decimal(amount), FeeSchedule(**schedule), currency)


def test_default_fee_is_three_percent_rounded_half_up_to_cents():
    assert fee("100.50") == Decimal("3.02")  # 3.015 rounds up
    assert fee("0.10") == Decimal("0.00")


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [("JPY", "12345", Decimal("370")), ("KWD", "10.555", Decimal("0.317")), ("IDR", "250000", Decimal("7500"))],
)
def test_fee_is_rounded_to_the_currency_minor_unit(currency, amount, expected):
    result = fee(amount, currency)
    assert result == expected
    assert result.as_tuple().exponent == -{"JPY": 0, "KWD": 3, "IDR": 2}[currency]


def test_fixed_part_minimum_and_maximum():
    assert fee("10", percent=Decimal(3), fixed=Decimal("1.00")) == Decimal("1.30")
    assert fee("10", percent=Decimal(3), minimum=Decimal("5")) == Decimal("5.00")
    assert fee("10000", percent=Decimal(3), maximum=Decimal("50")) == Decimal("50.00")


def test_waiver_from_threshold_on():
    assert fee("999.99", waiver_above=Decimal("1000")) == Decimal("30.00")
    assert fee("1000", waiver_above=Decimal("1000"), minimum=Decimal("5")) == Decimal("0.00")


def test_region_override_replaces_only_what_it_sets():
    schedule = FeeSchedule(percent=Decimal(3), fixed=Decimal(2), minimum=Decimal(4))
    region = RegionRule(country="ID", fee_percent=Decimal("2.5"))
    merged = schedule_for_region(schedule, region)
    assert (merged.percent, merged.fixed, merged.minimum) == (Decimal("2.5"), Decimal(2), Decimal(4))
    assert schedule_for_region(schedule, RegionRule(country="ID")) is schedule
