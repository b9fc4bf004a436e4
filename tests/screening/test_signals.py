"""Each signal alone, at its limit and one past it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cod_plugin.rules import risk_signals as rules
from cod_plugin.rules.risk import DEFAULT_WEIGHTS, SIGNAL_NAMES, History, RegionStats, RiskSettings, SignalCode, assess

from .builders import NOW, example, facts

SETTINGS = RiskSettings()


def fired(facts_, settings=SETTINGS) -> set[SignalCode]:
    return {signal.code for signal in assess(facts_, settings).signals}


def test_a_plain_order_fires_nothing():
    assert fired(facts()) == set()
    assert assess(facts(), SETTINGS).score == 0


@pytest.mark.parametrize("phone", ["", "12345", "+1 212 555 01", "not a phone"])
def test_a_missing_or_unreadable_phone_is_invalid(phone):
    assert fired(facts(phone=phone, phone_e164="")) == {SignalCode.PHONE_INVALID}


def test_no_phone_at_all_says_so_in_words():
    (signal,) = assess(facts(phone="", phone_e164=""), SETTINGS).signals
    assert signal.detail == "No phone number was given."


def test_a_local_number_is_read_in_the_shipping_country():
    assert fired(facts(country="AE", phone="050 123 4567")) == set()
    assert fired(facts(country="US", phone="050 123 4567")) == {SignalCode.PHONE_INVALID}


@pytest.mark.parametrize("kind", ["PREMIUM_RATE", "TOLL_FREE"])
def test_a_number_that_takes_no_calls_from_customers_is_of_the_wrong_type(kind):
    assert fired(facts(phone=example("US", kind))) == {SignalCode.PHONE_TYPE}


@pytest.mark.parametrize("kind", ["MOBILE", "FIXED_LINE"])
def test_a_mobile_or_a_landline_is_reachable(kind):
    assert fired(facts(country="GB", phone=example("GB", kind))) == set()


def test_a_phone_of_another_country_than_the_address():
    signal = rules.phone_country(facts(phone=example("GB", "MOBILE")), SETTINGS)
    assert signal.data == {"phone_country": "GB", "country": "US"}
    assert signal.detail == "The phone is a number of GB; the address is in US."
    assert rules.phone_country(facts(country="us"), SETTINGS) is None


@pytest.mark.parametrize(
    ("history", "fires"),
    [
        (History(), False),
        (History(refusals=1, accounts=1), False),  # a damaged parcel or a late courier: not the customer's fault
        (History(refusals=1, strikes=1, accounts=1), True),
        (History(cancellations=1, accounts=1), True),
    ],
)
def test_history_by_phone_and_by_address(history, fires):
    assert (SignalCode.PHONE_HISTORY in fired(facts(phone_history=history))) is fires
    assert (SignalCode.ADDRESS_HISTORY in fired(facts(address_history=history))) is fires


def test_the_history_in_words_counts_the_accounts():
    history = History(refusals=2, strikes=1, cancellations=3, accounts=2)
    signal = rules.address_history(facts(address_history=history), SETTINGS)
    assert signal.detail == ("Earlier orders to this address: refused 2 (strikes 1), cancelled 3; customers: 2.")


def test_an_account_opened_less_than_a_day_before_the_order_is_new():
    assert rules.new_account(facts(account_joined_at=NOW - timedelta(days=1)), SETTINGS) is None
    assert rules.new_account(facts(account_joined_at=NOW - timedelta(days=1) + timedelta(seconds=1)), SETTINGS)
    assert rules.new_account(facts(account_joined_at=None), SETTINGS) is None


def test_an_account_new_at_placing_stays_new_when_screened_later():
    later = facts(now=NOW + timedelta(days=3), placed_at=NOW, account_joined_at=NOW - timedelta(hours=1))
    assert rules.new_account(later, SETTINGS) is not None


def test_one_duplicate_is_enough():
    assert rules.duplicate_order(facts(duplicates=0), SETTINGS) is None
    assert rules.duplicate_order(facts(duplicates=1), SETTINGS).data == {"count": 1, "hours": 48}


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("phone_orders_today", SignalCode.PHONE_VELOCITY),
        ("address_orders_today", SignalCode.ADDRESS_VELOCITY),
        ("client_orders_today", SignalCode.CLIENT_VELOCITY),
    ],
)
def test_velocity_is_more_than_three_orders_a_day(field, code):
    assert code not in fired(facts(**{field: 3}))
    assert code in fired(facts(**{field: 4}))


def test_velocity_follows_the_channels_limit():
    settings = RiskSettings(velocity_per_day=5)
    assert SignalCode.PHONE_VELOCITY not in fired(facts(phone_orders_today=5), settings)
    assert SignalCode.PHONE_VELOCITY in fired(facts(phone_orders_today=6), settings)


def test_a_cart_exactly_three_times_the_usual_is_not_far_above_it():
    assert rules.cart_above_usual(facts(amount=Decimal("60.00"), customer_median=Decimal("20.00")), SETTINGS) is None
    signal = rules.cart_above_usual(facts(amount=Decimal("60.01"), customer_median=Decimal("20.00")), SETTINGS)
    assert signal.detail == "$60.01 is more than 3 times this customer's usual order of $20.00."


def test_a_customer_without_completed_orders_has_no_usual():
    assert rules.cart_above_usual(facts(amount=Decimal("9999"), customer_median=None), SETTINGS) is None
    assert rules.cart_above_usual(facts(amount=Decimal("9999"), customer_median=Decimal(0)), SETTINGS) is None


def test_a_cart_exactly_three_times_the_channels_typical_order_is_not_above_it():
    assert rules.cart_above_channel(facts(amount=Decimal("150"), channel_median=Decimal("50")), SETTINGS) is None
    signal = rules.cart_above_channel(facts(amount=Decimal("150.01"), channel_median=Decimal("50")), SETTINGS)
    assert signal.detail == "$150.01 is more than 3 times the shop's typical COD order of $50.00."
    assert rules.cart_above_channel(facts(amount=Decimal("150.01"), channel_median=None), SETTINGS) is None


def test_a_line_of_ten_is_usual_and_of_eleven_is_not():
    assert rules.quantity_unusual(facts(quantities=(1, 10)), SETTINGS) is None
    assert rules.quantity_unusual(facts(quantities=(11, 1)), SETTINGS).data == {"quantity": 11, "limit": 10}
    assert rules.quantity_unusual(facts(quantities=()), SETTINGS) is None


def test_a_region_counts_from_twenty_finished_orders():
    assert rules.region_refusals(facts(region=RegionStats(place="10001", finished=19, refused=19)), SETTINGS) is None
    assert rules.region_refusals(facts(region=RegionStats(place="10001", finished=20, refused=7)), SETTINGS)


def test_a_region_refusing_exactly_thirty_percent_is_not_flagged():
    assert rules.region_refusals(facts(region=RegionStats(place="10001", finished=20, refused=6)), SETTINGS) is None
    signal = rules.region_refusals(facts(region=RegionStats(place="10001", finished=100, refused=31)), SETTINGS)
    assert signal.detail == "31% of the 100 finished COD orders to 10001 in the last 90 days were refused."


def test_a_region_without_orders_is_not_flagged_whatever_the_minimum():
    settings = RiskSettings(region_min_orders=0)
    assert rules.region_refusals(facts(region=RegionStats(place="10001")), settings) is None
    assert rules.region_refusals(facts(region=None), settings) is None


def test_unreachable_from_the_second_unanswered_call():
    assert rules.unreachable(facts(confirmation_attempts=1), SETTINGS) is None
    assert rules.unreachable(facts(confirmation_attempts=2), SETTINGS).detail == ("Confirmation calls not answered: 2.")


def test_a_link_unopened_for_exactly_a_day_is_a_signal_and_a_second_less_is_not():
    assert rules.link_not_opened(facts(link_sent_at=NOW - timedelta(hours=24)), SETTINGS).data == {"hours": 24}
    assert rules.link_not_opened(facts(link_sent_at=NOW - timedelta(hours=24) + timedelta(seconds=1)), SETTINGS) is None


def test_an_opened_or_unsent_link_is_no_signal():
    opened = facts(link_sent_at=NOW - timedelta(days=3), link_opened_at=NOW - timedelta(days=2))
    assert rules.link_not_opened(opened, SETTINGS) is None
    assert rules.link_not_opened(facts(link_sent_at=None), SETTINGS) is None


def test_a_weight_of_zero_turns_a_signal_off():
    settings = RiskSettings(weights={**RiskSettings().weights, "quantity_unusual": 0})
    assert fired(facts(quantities=(11,)), settings) == set()
    assert fired(facts(quantities=(11,))) == {SignalCode.QUANTITY_UNUSUAL}


def test_every_signal_has_a_rule_a_default_weight_a_name_and_words():
    everything = facts(
        phone=example("US", "PREMIUM_RATE"),
        account_joined_at=NOW,
        phone_history=History(refusals=1, strikes=1, accounts=1),
        address_history=History(refusals=1, strikes=1, accounts=1),
        duplicates=1,
        phone_orders_today=4,
        address_orders_today=4,
        client_orders_today=4,
        amount=Decimal(1000),
        customer_median=Decimal(10),
        channel_median=Decimal(10),
        quantities=(11,),
        region=RegionStats(place="10001", finished=20, refused=20),
        confirmation_attempts=2,
        link_sent_at=NOW - timedelta(days=2),
    )
    signals = assess(everything, SETTINGS).signals
    # PHONE_INVALID and PHONE_COUNTRY cannot fire with PHONE_TYPE (a valid number of the address's country)
    assert {s.code for s in signals} == set(SignalCode) - {SignalCode.PHONE_INVALID, SignalCode.PHONE_COUNTRY}
    for signal in signals:
        assert signal.weight == DEFAULT_WEIGHTS[signal.code]
        assert signal.detail and signal.detail != str(SIGNAL_NAMES[signal.code])  # its own words, not the fallback
    assert len(rules.SIGNALS) == len(SignalCode) == len(rules.DETAILS)
