"""Bounds of every value a caller sends: texts, amounts and times, checked once where they come in.

The GraphQL inputs, the courier webhook's parser and the admin's forms call these before anything is read from
or written to the database, so a value the database cannot store (a NUL, an unpaired surrogate, an amount past
its column, a time past year 9999 in UTC) never gets that far. Each failure is a ``CodError`` with a code, the
field and a message a person can read. A text that is too long is refused, never cut; an amount with more
decimals than its currency has is refused, never rounded.

Written here rather than taken from a library: the table in DESIGN.md has none for this, and Django's form
fields cover only the admin of the three ways in (babel gives the minor units, through ``money``).
"""

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..error_codes import CodError, CodErrorCode
from ..money import display, minor_units

# The amount columns: DecimalField(max_digits=15, decimal_places=3).
AMOUNT_DIGITS = 15
AMOUNT_PLACES = 3
LARGEST_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES) - Decimal(1).scaleb(-AMOUNT_PLACES)
# How long an amount or a time may be as text: longer ones are no amount or time this plugin takes.
NUMBER_TEXT = 40
# Times any stored value may take: a UTC offset cannot move them past what Python and the databases read back.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def text(value: object, *, field: str, max_length: int, required: bool = False, strip: bool = True) -> str:
    """``value`` as a string of at most ``max_length`` characters (after stripping the ends, with ``strip``);
    "" when it is missing and not ``required``. INVALID for a non-string, a NUL or an unpaired surrogate."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CodError(CodErrorCode.INVALID, _("Give a text."), field=field)
    refuse_unstorable(value, field=field)
    value = value.strip() if strip else value
    if required and not value:
        raise CodError(CodErrorCode.REQUIRED, _("This field is required."), field=field)
    if len(value) > max_length:
        message = ngettext("Give at most %(count)d character.", "Give at most %(count)d characters.", max_length)
        message %= {"count": max_length}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    return value


def refuse_unstorable(value: str, *, field: str) -> None:
    """INVALID when ``value`` holds a NUL or an unpaired surrogate, which no database column stores."""
    if "\x00" in value:
        raise CodError(CodErrorCode.INVALID, _("The text contains a NUL character."), field=field)
    try:
        value.encode("utf-8")  # fails exactly on surrogates that JSON's pairs did not join into a character
    except UnicodeEncodeError:
        raise CodError(CodErrorCode.INVALID, _("The text contains an invalid character."), field=field) from None


def refuse_unstorable_json(value: object, *, field: str) -> None:
    """``refuse_unstorable`` for every key and string of a parsed JSON document, and INVALID for a number past
    what a float holds (``1e400`` parses as infinity, which no JSON column stores); the field names where. Walked
    without recursion: a document nested as deep as the parser allows is no deeper here."""
    waiting = [(field, value)]
    while waiting:
        path, item = waiting.pop()
        if isinstance(item, str):
            refuse_unstorable(item, field=path)
        elif isinstance(item, float) and not math.isfinite(item):
            raise CodError(CodErrorCode.INVALID, _("Give a finite number."), field=path)
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                refuse_unstorable(str(key), field=child_path)
                waiting.append((child_path, child))
        elif isinstance(item, list):
            waiting.extend((path, child) for child in item)


def amount(
    value: object, *, field: str, currency: str, maximum: Decimal | None = None, positive: bool = True
) -> Decimal:
    """``value`` (a decimal string, or a Decimal) as a Decimal: finite, within the amount columns, in whole
    minor units of ``currency``, above zero (``positive``) and at most ``maximum`` when one is given."""
    number = _decimal(value, field=field)
    if abs(number) > LARGEST_AMOUNT:
        message = _("Give an amount of at most %(largest)s.") % {"largest": LARGEST_AMOUNT}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    places = minor_units(currency)
    exact = number.quantize(Decimal(1).scaleb(-places))
    if exact != number:
        message = ngettext(
            "%(currency)s amounts have at most %(count)d decimal.",
            "%(currency)s amounts have at most %(count)d decimals.",
            places,
        )
        message %= {"currency": currency, "count": places}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    if positive and number <= 0:
        raise CodError(CodErrorCode.INVALID, _("The amount must be above zero."), field=field)
    if maximum is not None and number > maximum:
        message = _("The amount can be at most %(maximum)s.") % {"maximum": display(maximum, currency)}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    return exact


def _decimal(value: object, *, field: str) -> Decimal:
    if isinstance(value, str) and len(value.strip()) <= NUMBER_TEXT:
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            pass
    if not isinstance(value, Decimal) or not value.is_finite():
        raise CodError(CodErrorCode.INVALID, _("Give the amount as a decimal string, e.g. 12.50."), field=field)
    return value


def moment(value: datetime, *, field: str) -> datetime:
    """An aware time between the years 2000 and 9000 (UTC); a time without its UTC offset is INVALID, as the
    plugin serves channels in many zones and would have to guess which one was meant."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise CodError(CodErrorCode.INVALID, _("Give the time with its UTC offset."), field=field)
    if not EARLIEST <= value <= LATEST:
        raise CodError(CodErrorCode.INVALID, _("Give a time between the years 2000 and 9000."), field=field)
    return value


def parse_moment(value: object, *, field: str) -> datetime:
    """An ISO 8601 text with its UTC offset, as ``moment`` takes it."""
    raw = text(value, field=field, max_length=NUMBER_TEXT, required=True)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise CodError(CodErrorCode.INVALID, _("Give an ISO 8601 time with its UTC offset."), field=field) from None
    return moment(parsed, field=field)


def window(
    start: datetime, end: datetime, *, field: str, now: datetime, max_days: int, max_hours: int, future: bool
) -> None:
    """An appointment window: it ends after it starts, lasts at most ``max_hours``, ends at most ``max_days``
    after ``now``; with ``future`` it starts after ``now`` (a courier's report, ``now`` being when it was made,
    may name a window that has begun)."""
    moment(start, field=f"{field}.start")
    moment(end, field=f"{field}.end")
    if end <= start:
        raise CodError(CodErrorCode.INVALID, _("The window must end after it starts."), field=field)
    if end - start > timedelta(hours=max_hours):
        message = ngettext(
            "A window can last at most %(count)d hour.", "A window can last at most %(count)d hours.", max_hours
        )
        message %= {"count": max_hours}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    if end > now + timedelta(days=max_days):
        message = ngettext(
            "A window can end at most %(count)d day from now.",
            "A window can end at most %(count)d days from now.",
            max_days,
        )
        message %= {"count": max_days}
        raise CodError(CodErrorCode.INVALID, message, field=field)
    if future and start <= now:
        message = _("Choose a window in the future that ends after it starts.")
        raise CodError(CodErrorCode.INVALID, message, field=field)
