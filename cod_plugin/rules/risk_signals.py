"""The fraud signals, one pure function each: ``(facts, settings) -> Signal | None``. ``signals`` runs them all in
the order of ``SIGNALS``; ``rules/risk.py`` weighs them."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import phonenumbers
from django.utils.translation import gettext_lazy as _

from ..money import display
from .risk import History, RiskFacts, RiskSettings, Signal, SignalCode

# Number types that take a call or an SMS; any other valid type (premium rate, shared cost, pager, UAN...) does not.
REACHABLE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    }
)


def _signal(code: SignalCode, settings: RiskSettings, **data) -> Signal:
    return Signal(code=code, weight=settings.weight(code), data=data)


def _parsed(facts: RiskFacts):
    try:
        return phonenumbers.parse(facts.phone, facts.country or None)
    except phonenumbers.NumberParseException:
        return None


def phone_invalid(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    number = _parsed(facts) if facts.phone else None
    if number is not None and phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number):
        return None
    return _signal(SignalCode.PHONE_INVALID, settings, phone=facts.phone, country=facts.country)


def phone_type(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    number = _parsed(facts) if facts.phone else None
    if number is None or not phonenumbers.is_valid_number(number):
        return None  # phone_invalid says it
    kind = phonenumbers.number_type(number)
    if kind in REACHABLE_TYPES:
        return None
    return _signal(SignalCode.PHONE_TYPE, settings, phone=facts.phone_e164 or facts.phone, type=int(kind))


def phone_country(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    number = _parsed(facts) if facts.phone else None
    if number is None or not phonenumbers.is_valid_number(number) or not facts.country:
        return None
    region = phonenumbers.region_code_for_number(number)
    if not region or region == facts.country.upper():
        return None
    return _signal(SignalCode.PHONE_COUNTRY, settings, phone_country=region, country=facts.country.upper())


def _history_detail(history: History) -> dict:
    return {
        "refusals": history.refusals,
        "strikes": history.strikes,
        "cancellations": history.cancellations,
        "accounts": history.accounts,
    }


def phone_history(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    history = facts.phone_history
    if not history.any:
        return None
    return _signal(SignalCode.PHONE_HISTORY, settings, **_history_detail(history))


def address_history(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    history = facts.address_history
    if not history.any:
        return None
    return _signal(SignalCode.ADDRESS_HISTORY, settings, **_history_detail(history))


def new_account(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    """An account opened less than a day before the order (a re-screening reads the day of the placing)."""
    joined = facts.account_joined_at
    if joined is None or (facts.placed_at or facts.now) - joined >= timedelta(days=1):
        return None
    return _signal(SignalCode.NEW_ACCOUNT, settings)


def duplicate_order(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    if facts.duplicates <= 0:
        return None
    return _signal(SignalCode.DUPLICATE_ORDER, settings, count=facts.duplicates, hours=settings.duplicate_window_hours)


def _velocity(code: SignalCode, count: int, settings: RiskSettings) -> Signal | None:
    if count <= settings.velocity_per_day:
        return None
    return _signal(code, settings, count=count, limit=settings.velocity_per_day)


def phone_velocity(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    return _velocity(SignalCode.PHONE_VELOCITY, facts.phone_orders_today, settings)


def address_velocity(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    return _velocity(SignalCode.ADDRESS_VELOCITY, facts.address_orders_today, settings)


def client_velocity(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    return _velocity(SignalCode.CLIENT_VELOCITY, facts.client_orders_today, settings)


def _cart_above(code: SignalCode, facts: RiskFacts, settings: RiskSettings, *, name: str, median, factor):
    """The cart is more than ``factor`` times ``median`` (``name`` is the median's key in the signal's data)."""
    if median is None or median <= 0 or facts.amount <= median * factor:
        return None
    data = {"amount": str(facts.amount), name: str(median), "currency": facts.currency, "factor": _factor(factor)}
    return _signal(code, settings, **data)


def cart_above_usual(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    return _cart_above(
        SignalCode.CART_ABOVE_USUAL,
        facts,
        settings,
        name="usual",
        median=facts.customer_median,
        factor=settings.usual_cart_factor,
    )


def cart_above_channel(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    return _cart_above(
        SignalCode.CART_ABOVE_CHANNEL,
        facts,
        settings,
        name="typical",
        median=facts.channel_median,
        factor=settings.channel_cart_factor,
    )


def quantity_unusual(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    highest = max(facts.quantities, default=0)
    if highest <= settings.unusual_quantity:
        return None
    return _signal(SignalCode.QUANTITY_UNUSUAL, settings, quantity=highest, limit=settings.unusual_quantity)


def region_refusals(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    region = facts.region
    if region is None or region.finished <= 0 or region.finished < settings.region_min_orders:
        return None
    percent = Decimal(region.refused * 100) / Decimal(region.finished)
    if percent <= settings.region_refusal_percent:
        return None
    return _signal(
        SignalCode.REGION_REFUSALS,
        settings,
        place=region.place,
        finished=region.finished,
        refused=region.refused,
        percent=f"{percent:.0f}",
    )


def unreachable(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    if facts.confirmation_attempts < settings.unreachable_attempts:
        return None
    return _signal(SignalCode.UNREACHABLE, settings, count=facts.confirmation_attempts)


def link_not_opened(facts: RiskFacts, settings: RiskSettings) -> Signal | None:
    sent = facts.link_sent_at
    if sent is None or facts.link_opened_at is not None:
        return None
    if facts.now - sent < timedelta(hours=settings.link_unopened_hours):
        return None
    return _signal(SignalCode.LINK_NOT_OPENED, settings, hours=int((facts.now - sent).total_seconds() // 3600))


def _factor(value: Decimal) -> str:
    return f"{value.normalize():f}"


SIGNALS: tuple[Callable[[RiskFacts, RiskSettings], Signal | None], ...] = (
    phone_invalid,
    phone_type,
    phone_country,
    phone_history,
    address_history,
    new_account,
    duplicate_order,
    phone_velocity,
    address_velocity,
    client_velocity,
    cart_above_usual,
    cart_above_channel,
    quantity_unusual,
    region_refusals,
    unreachable,
    link_not_opened,
)


def signals(facts: RiskFacts, settings: RiskSettings) -> tuple[Signal, ...]:
    return tuple(found for rule in SIGNALS if (found := rule(facts, settings)) is not None)


# Each signal's facts in words, read when shown (so in the reader's language).
DETAILS = {
    SignalCode.PHONE_INVALID: _("%(phone)s is not a valid phone number for %(country)s."),
    SignalCode.PHONE_TYPE: _("%(phone)s is a number that takes no calls or SMS."),
    SignalCode.PHONE_COUNTRY: _("The phone is a number of %(phone_country)s; the address is in %(country)s."),
    # Counts as "label: number", which reads right for 0, 1 and more in every language.
    SignalCode.PHONE_HISTORY: _(
        "Earlier orders with this phone: refused %(refusals)s (strikes %(strikes)s), cancelled %(cancellations)s; "
        "customers: %(accounts)s."
    ),
    SignalCode.ADDRESS_HISTORY: _(
        "Earlier orders to this address: refused %(refusals)s (strikes %(strikes)s), cancelled %(cancellations)s; "
        "customers: %(accounts)s."
    ),
    SignalCode.NEW_ACCOUNT: _("The account was opened less than a day ago."),
    SignalCode.DUPLICATE_ORDER: _(
        "Other open COD orders with the same phone or address and a similar cart in the last %(hours)s hours: "
        "%(count)s."
    ),
    SignalCode.PHONE_VELOCITY: _("COD orders with this phone in the last 24 hours, this one included: %(count)s."),
    SignalCode.ADDRESS_VELOCITY: _("COD orders to this address in the last 24 hours, this one included: %(count)s."),
    SignalCode.CLIENT_VELOCITY: _(
        "COD orders from this device's network address in the last 24 hours, this one included: %(count)s."
    ),
    SignalCode.CART_ABOVE_USUAL: _(
        "%(amount)s is more than %(factor)s times this customer's usual order of %(usual)s."
    ),
    SignalCode.CART_ABOVE_CHANNEL: _(
        "%(amount)s is more than %(factor)s times the shop's typical COD order of %(typical)s."
    ),
    SignalCode.QUANTITY_UNUSUAL: _("A line of %(quantity)s of one product."),
    SignalCode.REGION_REFUSALS: _(
        "%(percent)s%% of the %(finished)s finished COD orders to %(place)s in the last 90 days were refused."
    ),
    SignalCode.UNREACHABLE: _("Confirmation calls not answered: %(count)s."),
    SignalCode.LINK_NOT_OPENED: _("The confirmation link sent %(hours)s hours ago was never opened."),
}
NO_PHONE = _("No phone number was given.")
MONEY_FIELDS = ("amount", "usual", "typical")


def describe(code: SignalCode, data: dict) -> str:
    """A stored signal in words, in the active language."""
    if code is SignalCode.PHONE_INVALID and not data.get("phone"):
        return str(NO_PHONE)
    values = dict(data)
    currency = values.get("currency")
    for name in MONEY_FIELDS:
        if currency and name in values:
            values[name] = display(Decimal(values[name]), currency)
    try:
        return str(DETAILS[code]) % values
    except (KeyError, TypeError, ValueError):  # a signal stored by an older version: its name says enough
        from .risk import SIGNAL_NAMES

        return str(SIGNAL_NAMES[code])
