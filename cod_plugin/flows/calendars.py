"""Which public holidays a business-day deadline skips: the channel's chosen country, else the delivery country."""

import holidays

from ..models import CodOrder, CodPolicy


def for_country(country: str) -> holidays.HolidayBase:
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:  # a country the package does not know (or none): weekends only
        return holidays.HolidayBase()


def country_of(order: CodOrder, policy: CodPolicy) -> str:
    return policy.holiday_country or order.country


def for_order(order: CodOrder, policy: CodPolicy) -> holidays.HolidayBase:
    return for_country(country_of(order, policy))


class Calendars:
    """Calendars by country, each built once: a sweep meets the same few countries again and again."""

    def __init__(self):
        self._by_country: dict[str, holidays.HolidayBase] = {}

    def __call__(self, country: str) -> holidays.HolidayBase:
        if country not in self._by_country:
            self._by_country[country] = for_country(country)
        return self._by_country[country]
