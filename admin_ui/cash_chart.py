"""The overview's chart of cash with couriers over time: per currency, one line per courier drawn as an inline SVG
on the server (no script, no library), with the same numbers as a table for whoever reads rather than looks.

Coordinates are written as plain text here, never through the template's number localisation (a French page
would write "12,5" where SVG needs "12.5")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cod_plugin import formatting
from cod_plugin.flows.cash_in_hand import HistoryPoint

WIDTH, HEIGHT = 300, 100
COLOURS = 6  # cod-line-0 … cod-line-5 in cash_hand.css, then again from the first


@dataclass(frozen=True)
class Line:
    courier: str
    points: str  # the SVG polyline's "x,y x,y …"
    colour: str  # its CSS class
    latest: str  # the last day's amount, formatted


@dataclass(frozen=True)
class Chart:
    currency: str
    lines: list[Line]
    first_day: date
    last_day: date
    largest: str
    rows: list[tuple[date, list[str]]]  # per day, each courier's amount (formatted), in the lines' order


def charts(points: list[HistoryPoint]) -> list[Chart]:
    """One chart per currency, by currency code; its couriers in the order of their codes."""
    by_currency: dict[str, dict[str, list[HistoryPoint]]] = {}
    for point in points:
        by_currency.setdefault(point.currency, {}).setdefault(point.courier_code, []).append(point)
    return [_chart(currency, by_currency[currency]) for currency in sorted(by_currency)]


def _chart(currency: str, series: dict[str, list[HistoryPoint]]) -> Chart:
    codes = sorted(series)
    days = [point.day for point in series[codes[0]]]
    largest = max((point.amount for code in codes for point in series[code]), default=Decimal(0))
    lines = [
        Line(
            courier=series[code][0].courier_name or code,
            points=polyline([point.amount for point in series[code]], largest),
            colour=f"cod-line-{index % COLOURS}",
            latest=formatting.money(series[code][-1].amount, currency),
        )
        for index, code in enumerate(codes)
    ]
    rows = [(day, [formatting.money(series[code][i].amount, currency) for code in codes]) for i, day in enumerate(days)]
    return Chart(currency, lines, days[0], days[-1], formatting.money(largest, currency), rows)


def polyline(amounts: list[Decimal], largest: Decimal) -> str:
    """The amounts left to right over the chart's width, scaled so that ``largest`` touches the top (in Decimal:
    amounts never pass through a float)."""
    step = Decimal(WIDTH) / (len(amounts) - 1) if len(amounts) > 1 else Decimal(0)
    scale = Decimal(HEIGHT) / largest if largest else Decimal(0)
    return " ".join(f"{i * step:.1f},{HEIGHT - amount * scale:.1f}" for i, amount in enumerate(amounts))
