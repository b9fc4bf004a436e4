"""How money, dates and times read to a person: one format per language, through babel (CLDR).

Every screen, page and message of the plugin shows amounts and dates through these functions (templates through
the ``cod_format`` filters), so that one page never shows "Nov. 28, 2026" beside "11/28/2026", nor the admin
"IDR1,505,600.00" where the message says "Rp1.505.600,00". The language is the active one unless given; times are
shown in the active time zone. Digits are Latin in every language, as in Django's admin.
"""

import datetime as dt
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation

from .money import round_money

EMPTY = "—"


def locale_for(language: str | None = None) -> Locale:
    """The babel locale of a Django language code ("en", "pt-br", "id"); English when babel does not know it."""
    code = language or translation.get_language() or "en"
    try:
        return Locale.parse(translation.to_locale(code))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """``$1,000.00``, ``1 000,00 $US``, ``Rp1.505.600,00``, ``KWD0.500``: rounded to the currency's minor unit."""
    if amount is None:
        return EMPTY
    return babel_numbers.format_currency(round_money(amount, currency), currency, locale=locale_for(language))


def money_of(value, language: str | None = None) -> str:
    """A django-money ``Money`` (or None) as :func:`money` shows it."""
    if value is None:
        return EMPTY
    return money(value.amount, str(value.currency), language)


def number(value, language: str | None = None) -> str:
    if value is None:
        return EMPTY
    return babel_numbers.format_decimal(value, locale=locale_for(language))


def percent(value, language: str | None = None) -> str:
    """A ratio (0.625) as ``62.5%`` / ``62,5 %``."""
    if value is None:
        return EMPTY
    return babel_numbers.format_percent(value, "#,##0.#%", locale=locale_for(language))


def date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """``Nov 28, 2026`` / ``28 nov. 2026`` / ``28 Nov 2026``; a datetime is first put in the active time zone."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return babel_dates.format_date(value, "medium", locale=locale_for(language))


def datetime(value: dt.datetime | None, language: str | None = None) -> str:
    """``Nov 28, 2026, 3:05 PM`` / ``28 nov. 2026, 15:05``, in the active time zone."""
    if value is None:
        return EMPTY
    locale = locale_for(language)
    value = _local(value)
    pattern = babel_dates.get_datetime_format("medium", locale=locale)
    time = babel_dates.format_time(value, "short", locale=locale)
    day = babel_dates.format_date(value.date(), "medium", locale=locale)
    return pattern.replace("{1}", day).replace("{0}", time).replace("'", "")


def time(value: dt.datetime | dt.time | None, language: str | None = None) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        value = _local(value)
    return babel_dates.format_time(value, "short", locale=locale_for(language))


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value
