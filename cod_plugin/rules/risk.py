"""Screening a COD order: the fraud signals, each a pure rule with a code and a readable detail, their weighted sum
as a score from 0 to 100, the band it falls in and the action the merchant chose for that band.

The flows gather ``RiskFacts`` (the order or checkout, and what the database knows of its phone, its address and its
region) and call ``assess``; nothing here reads the database. A signal's weight comes from the channel's settings
(``RiskSettings.weights``, defaults in ``DEFAULT_WEIGHTS``); a weight of 0 turns a signal off.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ..money import quantum, round_money


class SignalCode(StrEnum):
    PHONE_INVALID = "phone_invalid"  # not a valid, possible number for the shipping country
    PHONE_TYPE = "phone_type"  # valid, but of a type that takes no calls or SMS (premium, shared cost, pager...)
    PHONE_COUNTRY = "phone_country"  # a number of another country than the shipping address
    PHONE_HISTORY = "phone_history"  # refusals, strikes or cancellations of earlier orders with this phone
    ADDRESS_HISTORY = "address_history"  # the same of earlier orders to this address
    NEW_ACCOUNT = "new_account"  # the account was opened today
    DUPLICATE_ORDER = "duplicate_order"  # another open COD order, same phone or address, similar cart
    PHONE_VELOCITY = "phone_velocity"  # COD orders with this phone in the last day
    ADDRESS_VELOCITY = "address_velocity"  # ... to this address
    CLIENT_VELOCITY = "client_velocity"  # ... from this client (IP) address
    CART_ABOVE_USUAL = "cart_above_usual"  # far above the customer's usual COD order
    CART_ABOVE_CHANNEL = "cart_above_channel"  # above the channel's typical COD order
    QUANTITY_UNUSUAL = "quantity_unusual"  # a quantity no person buys
    REGION_REFUSALS = "region_refusals"  # the postal area's or region's refusal rate over the last 90 days
    UNREACHABLE = "unreachable"  # the customer did not answer the confirmation calls
    LINK_NOT_OPENED = "link_not_opened"  # the confirmation link was never opened


DEFAULT_WEIGHTS: dict[SignalCode, int] = {
    SignalCode.PHONE_INVALID: 40,
    SignalCode.PHONE_TYPE: 20,
    SignalCode.PHONE_COUNTRY: 15,
    SignalCode.PHONE_HISTORY: 35,
    SignalCode.ADDRESS_HISTORY: 25,
    SignalCode.NEW_ACCOUNT: 5,
    SignalCode.DUPLICATE_ORDER: 30,
    SignalCode.PHONE_VELOCITY: 20,
    SignalCode.ADDRESS_VELOCITY: 15,
    SignalCode.CLIENT_VELOCITY: 15,
    SignalCode.CART_ABOVE_USUAL: 15,
    SignalCode.CART_ABOVE_CHANNEL: 10,
    SignalCode.QUANTITY_UNUSUAL: 20,
    SignalCode.REGION_REFUSALS: 15,
    SignalCode.UNREACHABLE: 20,
    SignalCode.LINK_NOT_OPENED: 10,
}

SIGNAL_NAMES = {
    SignalCode.PHONE_INVALID: _("Phone number not valid"),
    SignalCode.PHONE_TYPE: _("Phone cannot take calls or SMS"),
    SignalCode.PHONE_COUNTRY: _("Phone of another country"),
    SignalCode.PHONE_HISTORY: _("Earlier refusals with this phone"),
    SignalCode.ADDRESS_HISTORY: _("Earlier refusals at this address"),
    SignalCode.NEW_ACCOUNT: _("Account opened today"),
    SignalCode.DUPLICATE_ORDER: _("Possible duplicate order"),
    SignalCode.PHONE_VELOCITY: _("Many orders with this phone today"),
    SignalCode.ADDRESS_VELOCITY: _("Many orders to this address today"),
    SignalCode.CLIENT_VELOCITY: _("Many orders from this device today"),
    SignalCode.CART_ABOVE_USUAL: _("Cart far above the customer's usual"),
    SignalCode.CART_ABOVE_CHANNEL: _("Cart above the shop's typical COD order"),
    SignalCode.QUANTITY_UNUSUAL: _("Unusual quantities"),
    SignalCode.REGION_REFUSALS: _("Area with many refusals"),
    SignalCode.UNREACHABLE: _("Customer unreachable"),
    SignalCode.LINK_NOT_OPENED: _("Confirmation link never opened"),
}

MAX_SCORE = 100
MAX_WEIGHT = 100


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


BAND_NAMES = {
    Band.LOW: _("Low risk"),
    Band.MEDIUM: _("Medium risk"),
    Band.HIGH: _("High risk"),
    Band.VERY_HIGH: _("Very high risk"),
}


class Action(StrEnum):
    ACCEPT = "accept"  # as any order: the SMS link or an agent confirms it
    AGENT_CALL = "agent_call"  # only an agent's call confirms it: the SMS link alone cannot
    DEPOSIT = "deposit"  # a part is paid online first (partial COD); the rest at the door
    REFUSE = "refuse"  # COD is not offered at checkout (RISK_TOO_HIGH)


ACTION_NAMES = {
    Action.ACCEPT: _("Accept"),
    Action.AGENT_CALL: _("Require an agent's call"),
    Action.DEPOSIT: _("Require a deposit"),
    Action.REFUSE: _("Refuse COD"),
}

# How strict each action is: an order never gets a milder action than one it already had (``stricter``).
STRICTNESS = {Action.ACCEPT: 0, Action.AGENT_CALL: 1, Action.DEPOSIT: 2, Action.REFUSE: 3}


@dataclass(frozen=True)
class RiskSettings:
    """A channel's screening settings (``CodPolicy``'s risk fields; these defaults are the fields' defaults).

    A score belongs to the highest band whose threshold it reaches: ``medium_from`` <= score < ``high_from`` is
    MEDIUM, and so on."""

    weights: dict[str, int] = field(default_factory=lambda: {str(code): w for code, w in DEFAULT_WEIGHTS.items()})
    medium_from: int = 25
    high_from: int = 50
    very_high_from: int = 75
    actions: dict[str, str] = field(
        default_factory=lambda: {
            Band.LOW: Action.ACCEPT,
            Band.MEDIUM: Action.AGENT_CALL,
            Band.HIGH: Action.DEPOSIT,
            Band.VERY_HIGH: Action.REFUSE,
        }
    )
    # Deposit: ``deposit_percent`` of the amount to collect, plus ``deposit_fixed`` (channel currency), never more
    # than the whole; required for the DEPOSIT band, and for any order whose amount exceeds ``deposit_above``.
    deposit_percent: Decimal = Decimal(20)
    deposit_fixed: Decimal = Decimal(0)
    deposit_above: Decimal | None = None
    deposit_hours: int = 48
    # The signals' limits.
    velocity_per_day: int = 3  # more than this many COD orders in 24 hours (this one included) is a signal
    duplicate_window_hours: int = 48
    usual_cart_factor: Decimal = Decimal(3)  # more than 3x the customer's median completed order
    channel_cart_factor: Decimal = Decimal(3)  # more than 3x the channel's median COD order of the last 90 days
    unusual_quantity: int = 10  # a line of more than 10 of one product
    region_min_orders: int = 20  # finished orders of the last 90 days before a region's rate counts
    region_refusal_percent: Decimal = Decimal(30)  # more refused than this, of the finished orders
    unreachable_attempts: int = 2  # this many unanswered calls
    link_unopened_hours: int = 24  # the link not opened this long after it was sent

    def weight(self, code: SignalCode) -> int:
        return int(self.weights.get(str(code), DEFAULT_WEIGHTS[code]))


@dataclass(frozen=True)
class History:
    """Earlier COD orders matching by one key (a phone or an address), across accounts and guests.

    ``strikes`` are the refusals that were the customer's fault (``rules.lifecycle.is_strike``); the others (a
    damaged or wrong product, a late courier) are counted in ``refusals`` and shown, but weigh nothing alone: a
    customer who refused a broken parcel is no risk."""

    refusals: int = 0
    strikes: int = 0
    cancellations: int = 0
    accounts: int = 0  # the number of distinct accounts/guests among the refused and cancelled

    @property
    def any(self) -> bool:
        return bool(self.strikes or self.cancellations)


@dataclass(frozen=True)
class RegionStats:
    """The finished COD orders of the last 90 days in the order's postal area (else its region)."""

    place: str
    finished: int = 0
    refused: int = 0


@dataclass(frozen=True)
class RiskFacts:
    """Everything the signals read, gathered by ``flows/screening.py``. Amounts are in the channel currency."""

    country: str
    currency: str
    phone: str  # as given
    phone_e164: str  # normalized (``identity.normalize_phone``), "" when it cannot be read
    amount: Decimal  # the order's amount (goods and shipping, before the COD fee and any deposit)
    quantities: tuple[int, ...]  # one per line
    now: datetime
    placed_at: datetime | None = None  # the order's placing (None: a checkout, placed now)
    account_joined_at: datetime | None = None  # None: a guest, or the store does not say
    phone_history: History = History()
    address_history: History = History()
    duplicates: int = 0  # other open COD orders with the same phone or address and a similar cart in the window
    phone_orders_today: int = 0  # COD orders with the phone in the last 24 hours, this one included
    address_orders_today: int = 0
    client_orders_today: int = 0
    customer_median: Decimal | None = None  # the customer's median completed COD order amount; None: none yet
    channel_median: Decimal | None = None  # the channel's median COD order amount of the last 90 days; None: none
    region: RegionStats | None = None
    confirmation_attempts: int = 0  # unanswered calls so far (an order, not a checkout)
    link_sent_at: datetime | None = None
    link_opened_at: datetime | None = None


@dataclass(frozen=True)
class Signal:
    """One signal that fired. ``data`` holds its facts as plain JSON values; ``detail`` puts them in words in the
    active language (for staff; never shown to the shopper), so a stored signal reads in each admin's language."""

    code: SignalCode
    weight: int
    data: dict = field(default_factory=dict)

    @property
    def detail(self) -> str:
        from .risk_signals import describe

        return describe(self.code, self.data)

    @property
    def name(self) -> str:
        return str(SIGNAL_NAMES[self.code])

    def as_dict(self) -> dict:
        """As stored with the order (``CodOrder.risk_signals``) and in its timeline."""
        return {"code": str(self.code), "weight": self.weight, "data": self.data}

    @classmethod
    def from_dict(cls, stored: dict) -> "Signal":
        return cls(code=SignalCode(stored["code"]), weight=int(stored["weight"]), data=dict(stored.get("data", {})))


@dataclass(frozen=True)
class Assessment:
    score: int
    band: Band
    action: Action
    signals: tuple[Signal, ...]


def band_for(score: int, settings: RiskSettings) -> Band:
    if score >= settings.very_high_from:
        return Band.VERY_HIGH
    if score >= settings.high_from:
        return Band.HIGH
    if score >= settings.medium_from:
        return Band.MEDIUM
    return Band.LOW


def action_for(band: Band, settings: RiskSettings) -> Action:
    return Action(settings.actions.get(str(band), Action.ACCEPT))


def stricter(first: Action, second: Action) -> Action:
    return first if STRICTNESS[first] >= STRICTNESS[second] else second


def score_of(signals: tuple[Signal, ...]) -> int:
    return min(MAX_SCORE, sum(signal.weight for signal in signals))


def assess(facts: RiskFacts, settings: RiskSettings) -> Assessment:
    """The signals that fire with a weight above 0, their score, band and action."""
    from .risk_signals import signals

    found = tuple(signal for signal in signals(facts, settings) if signal.weight > 0)
    score = score_of(found)
    band = band_for(score, settings)
    return Assessment(score=score, band=band, action=action_for(band, settings), signals=found)


def deposit_amount(amount: Decimal, currency: str, settings: RiskSettings) -> Decimal:
    """The part paid online first: the percent (rounded up to the currency's minor unit) plus the fixed part,
    never more than the whole amount."""
    percent = (amount * settings.deposit_percent / 100).quantize(quantum(currency), rounding=ROUND_CEILING)
    return min(amount, percent + round_money(settings.deposit_fixed, currency))


def deposit_required(action: Action, amount: Decimal, settings: RiskSettings) -> bool:
    """For the DEPOSIT action, and for any order above ``deposit_above`` (when set)."""
    return action is Action.DEPOSIT or (settings.deposit_above is not None and amount > settings.deposit_above)


def deposit_expires(placed: datetime, settings: RiskSettings) -> datetime:
    return placed + timedelta(hours=settings.deposit_hours)
