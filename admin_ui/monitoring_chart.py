"""The monitoring's trend charts: a rate over the weeks, one line per key (the five with the most orders), drawn as
an inline SVG on the server, with the same numbers as a table. A week without a rate (nothing to count) breaks
the line rather than dropping it to zero.

Coordinates are written as plain text, never through the template's number localisation (SVG needs "12.5")."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cod_plugin.flows.metrics import WeekFigures
from cod_plugin.rules.metrics import Rate

WIDTH, HEIGHT = 300, 100
COLOURS = 6  # cod-line-0 … cod-line-5 in cash_hand.css
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    label: str
    segments: list[str]  # each an SVG polyline's "x,y x,y …": the runs of weeks that have a rate
    colour: str
    latest: str  # the last week's rate, formatted ("—" for none)


@dataclass(frozen=True)
class TrendChart:
    slug: str
    title: str
    lines: list[Line]
    first_week: date
    last_week: date
    rows: list[tuple[date, list[str]]]  # per week, each line's rate (formatted), in the lines' order


def percent_text(rate: Rate) -> str:
    return "—" if rate.percent is None else f"{rate.percent}%"


def trend(
    slug: str,
    title: str,
    weeks: list[date],
    series: dict[str, list[WeekFigures | None]],
    labels: dict[str, str],
    rate_of: Callable[[WeekFigures], Rate],
) -> TrendChart:
    """``series``: per key, its figures of each week (None: no orders that week), in ``weeks``' order."""
    lines, table = [], {key: [] for key in series}
    for index, (key, figures) in enumerate(series.items()):
        rates = [rate_of(week) if week else Rate(0, 0) for week in figures]
        table[key] = [percent_text(rate) for rate in rates]
        colour = f"cod-line-{index % COLOURS}"
        lines.append(Line(labels.get(key, key), segments([rate.percent for rate in rates]), colour, table[key][-1]))
    rows = [(week, [table[key][i] for key in series]) for i, week in enumerate(weeks)]
    return TrendChart(slug, title, lines, weeks[0], weeks[-1], rows)


def segments(percents: list[Decimal | None]) -> list[str]:
    """The weeks left to right over the width, 0% at the bottom and 100% at the top, cut where a week has no rate
    (a lone week is drawn as a short flat stroke, so that it shows)."""
    step = Decimal(WIDTH) / (len(percents) - 1) if len(percents) > 1 else Decimal(0)
    runs, run = [], []
    for index, percent in enumerate(percents):
        if percent is None:
            runs, run = _close(runs, run), []
            continue
        run.append((index * step, HEIGHT - percent * HEIGHT / HUNDRED))
    runs = _close(runs, run)
    return [" ".join(f"{x:.1f},{y:.1f}" for x, y in points) for points in runs]


def _close(runs: list, run: list) -> list:
    if len(run) == 1:
        (x, y), half = run[0], Decimal(2)
        run = [(max(x - half, Decimal(0)), y), (min(x + half, Decimal(WIDTH)), y)]
    return [*runs, run] if run else runs
