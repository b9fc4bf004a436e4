"""The monitoring's arithmetic: ISO weeks (Monday to Sunday) as the buckets of every figure, the span a request may
cover, and the rates (a count of a count, or money of money), kept exact as fractions and shown to one decimal.

Pure: dates and numbers in, dates and numbers out; the flows read the orders (``flows/metrics.py``)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MAX_WEEKS = 53  # a year of weeks and the one it started in: the longest span one request covers
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


class Dimension(StrEnum):
    """What the figures are broken down by; ``NONE`` gives the totals of each week."""

    NONE = "none"
    CHANNEL = "channel"
    REGION = "region"  # country and area: "KW/Capital"
    POSTAL_AREA = "postal_area"  # country and postal code: "KW/13001"
    PRODUCT = "product"
    COURIER = "courier"
    AGENT = "agent"  # who confirmed the order on the phone


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """The Mondays of every week from ``first``'s to ``last``'s, both included, oldest first."""
    start, end = week_of(first), week_of(last)
    return [start + timedelta(weeks=n) for n in range((end - start).days // 7 + 1)] if start <= end else []


def span_error(first: date, last: date) -> str | None:
    """Why ``first`` to ``last`` cannot be asked for ("reversed", "too_long"), or None."""
    if first > last:
        return "reversed"
    if len(weeks_between(first, last)) > MAX_WEEKS:
        return "too_long"
    return None


@dataclass(frozen=True)
class Rate:
    """``part`` of ``whole`` (counts or amounts); no rate at all when the whole is zero."""

    part: Decimal | int
    whole: Decimal | int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (HUNDRED * Decimal(self.part) / Decimal(self.whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def above(self, percent: Decimal) -> bool:
        """Strictly above ``percent``, compared exactly (40.04% is above 40%, though it shows as 40.0%)."""
        return bool(self.whole) and HUNDRED * Decimal(self.part) > Decimal(percent) * Decimal(self.whole)


def top_keys(totals: dict[str, int], count: int) -> list[str]:
    """The ``count`` keys with the largest totals, ties by key: the lines a trend chart draws."""
    return [key for key, _total in sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))[:count]]
