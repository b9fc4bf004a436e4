"""The score (capped at 100), its bands at each threshold, the actions, and the deposit's amount."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from cod_plugin.rules.risk import (
    Action,
    Band,
    History,
    RiskSettings,
    Signal,
    SignalCode,
    action_for,
    assess,
    band_for,
    deposit_amount,
    deposit_expires,
    deposit_required,
    score_of,
    stricter,
)

from .builders import facts

SETTINGS = RiskSettings()


def test_the_score_is_the_sum_of_the_weights_and_never_above_100():
    assert score_of((Signal(SignalCode.PHONE_HISTORY, 35), Signal(SignalCode.ADDRESS_HISTORY, 25))) == 60
    assert score_of((Signal(SignalCode.PHONE_INVALID, 60), Signal(SignalCode.PHONE_HISTORY, 40))) == 100
    assert score_of((Signal(SignalCode.PHONE_INVALID, 60), Signal(SignalCode.PHONE_HISTORY, 41))) == 100
    risky = facts(
        phone="",
        phone_e164="",
        phone_history=History(refusals=3, strikes=3, accounts=2),
        address_history=History(refusals=3, strikes=3, accounts=2),
        duplicates=1,
    )
    assessment = assess(risky, SETTINGS)
    assert sum(signal.weight for signal in assessment.signals) == 130
    assert assessment.score == 100 and assessment.band is Band.VERY_HIGH and assessment.action is Action.REFUSE


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, Band.LOW),
        (24, Band.LOW),
        (25, Band.MEDIUM),
        (49, Band.MEDIUM),
        (50, Band.HIGH),
        (74, Band.HIGH),
        (75, Band.VERY_HIGH),
        (100, Band.VERY_HIGH),
    ],
)
def test_a_score_belongs_to_the_highest_band_whose_threshold_it_reaches(score, band):
    assert band_for(score, SETTINGS) is band


def test_the_channel_moves_the_thresholds():
    settings = RiskSettings(medium_from=10, high_from=20, very_high_from=90)
    assert [band_for(s, settings) for s in (9, 10, 19, 20, 89, 90)] == [
        Band.LOW,
        Band.MEDIUM,
        Band.MEDIUM,
        Band.HIGH,
        Band.HIGH,
        Band.VERY_HIGH,
    ]


def test_each_band_takes_the_action_the_merchant_chose():
    assert [action_for(band, SETTINGS) for band in Band] == [
        Action.ACCEPT,
        Action.AGENT_CALL,
        Action.DEPOSIT,
        Action.REFUSE,
    ]
    lenient = RiskSettings(actions={Band.VERY_HIGH: Action.AGENT_CALL})
    assert action_for(Band.VERY_HIGH, lenient) is Action.AGENT_CALL
    assert action_for(Band.HIGH, lenient) is Action.ACCEPT  # a band the merchant left out accepts


def test_the_stricter_of_two_actions():
    order = [Action.ACCEPT, Action.AGENT_CALL, Action.DEPOSIT, Action.REFUSE]
    for i, first in enumerate(order):
        for j, second in enumerate(order):
            assert stricter(first, second) is order[max(i, j)]


@pytest.mark.parametrize(
    ("amount", "currency", "deposit"),
    [
        ("10.01", "USD", "2.01"),  # 2.002 rounds up to the cent
        ("10.00", "USD", "2.00"),
        ("1001", "JPY", "201"),  # 200.2 yen: no minor unit, up to the yen
        ("1000", "JPY", "200"),
        ("10.001", "KWD", "2.001"),  # 2.0002 dinars: up to the fils (3 decimals)
        ("10.000", "KWD", "2.000"),
    ],
)
def test_the_deposit_is_rounded_up_to_the_currencys_minor_unit(amount, currency, deposit):
    assert deposit_amount(Decimal(amount), currency, SETTINGS) == Decimal(deposit)
    assert (
        deposit_amount(Decimal(amount), currency, SETTINGS).as_tuple().exponent == Decimal(deposit).as_tuple().exponent
    )


def test_a_fixed_part_is_added_and_the_deposit_is_never_more_than_the_amount():
    assert deposit_amount(
        Decimal("100"), "USD", RiskSettings(deposit_percent=Decimal(10), deposit_fixed=Decimal(5))
    ) == (Decimal("15.00"))
    whole = RiskSettings(deposit_percent=Decimal(100), deposit_fixed=Decimal("0.01"))
    assert deposit_amount(Decimal("40.00"), "USD", whole) == Decimal("40.00")
    fixed_only = RiskSettings(deposit_percent=Decimal(0), deposit_fixed=Decimal("25.005"))
    assert deposit_amount(Decimal("100"), "USD", fixed_only) == Decimal("25.01")


def test_a_deposit_is_required_for_the_deposit_band_and_above_the_threshold():
    settings = RiskSettings(deposit_above=Decimal("500.00"))
    assert deposit_required(Action.DEPOSIT, Decimal(1), settings)
    assert not deposit_required(Action.ACCEPT, Decimal("500.00"), settings)
    assert deposit_required(Action.ACCEPT, Decimal("500.01"), settings)
    assert not deposit_required(Action.ACCEPT, Decimal("1000000"), SETTINGS)  # no threshold set


def test_the_deposit_expires_after_the_channels_hours():
    placed = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    assert deposit_expires(placed, RiskSettings(deposit_hours=6)) == placed + timedelta(hours=6)


def test_a_stored_signal_reads_back_the_same():
    signal = Signal(SignalCode.CART_ABOVE_USUAL, 15, {"amount": "90.00", "usual": "20.00", "currency": "USD"})
    assert Signal.from_dict(signal.as_dict()) == signal
