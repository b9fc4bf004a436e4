"""One format of money and dates per language: what a merchant and a shopper read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from djmoney.money import Money

from cod_plugin import formatting

MOMENT = dt.datetime(2026, 11, 28, 15, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "IDR1,505,600.00"), ("id", "Rp1.505.600,00"), ("fr", "1\u202f505\u202f600,00\xa0IDR")],
)
def test_money_reads_the_same_way_everywhere_in_one_language(language, expected):
    assert formatting.money(Decimal("1505600"), "IDR", language) == expected


def test_money_is_rounded_to_the_currencys_minor_unit_half_up():
    assert formatting.money(Decimal("0.0005"), "KWD", "en") == "KWD0.001"
    assert formatting.money(Decimal("0.0004"), "KWD", "en") == "KWD0.000"
    assert formatting.money(Decimal("10.5"), "JPY", "en") == "¥11"


def test_the_active_language_is_used_when_none_is_given():
    with translation.override("fr"):
        assert formatting.money(Decimal("12.5"), "EUR") == "12,50\xa0€"
    with translation.override("en"):
        assert formatting.money(Decimal("12.5"), "EUR") == "€12.50"


def test_dates_and_times_are_in_the_active_time_zone_and_language():
    with timezone.override("Asia/Jakarta"):  # UTC+7: 15:05 UTC is 22:05 the same day
        assert formatting.datetime(MOMENT, "en") == "Nov 28, 2026, 10:05\u202fPM"
        assert formatting.datetime(MOMENT, "fr") == "28 nov. 2026, 22:05"
        assert formatting.date(MOMENT, "id") == "28 Nov 2026"
    with timezone.override("Pacific/Kiritimati"):  # UTC+14: already the next day
        assert formatting.date(MOMENT, "en") == "Nov 29, 2026"


def test_nothing_shows_as_a_dash():
    assert formatting.money(None, "USD") == formatting.datetime(None) == formatting.money_of(None) == "—"


def test_template_filters_use_the_same_formats():
    template = Template("{% load cod_format %}{{ m|money }} | {{ a|money:'USD' }} | {{ t|when }} | {{ t|day }}")
    with translation.override("en"), timezone.override("UTC"):
        rendered = template.render(Context({"m": Money("1505600", "IDR"), "a": Decimal("5"), "t": MOMENT}))
    assert rendered == "IDR1,505,600.00 | $5.00 | Nov 28, 2026, 3:05\u202fPM | Nov 28, 2026"
