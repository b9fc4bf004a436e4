"""``codRiskBacktest``: how the score would have done on the finished orders of the last N days, for managers who
tune the weights and bands (``VIEW_METRICS``). Rates are percents as decimal strings, null for an empty group."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import backtest
from ...rules import bounds
from ...rules.backtest import Rate
from ...rules.risk import BAND_NAMES, SIGNAL_NAMES
from ..errors import top_level
from ..permissions import require
from .types import CodRiskBand, CodRiskSignalCode


@strawberry.type
class CodRiskRate:
    orders: int
    refused: int
    percent: str | None = strawberry.field(description="Refused of the orders, in percent; null when none.")


@strawberry.type
class CodRiskBandRate:
    band: CodRiskBand
    name: str
    rate: CodRiskRate


@strawberry.type
class CodRiskSignalRate:
    code: CodRiskSignalCode
    name: str
    rate: CodRiskRate


@strawberry.type
class CodRiskThreshold:
    score: int = strawberry.field(description="Refusing COD from this score up.")
    orders: int = strawberry.field(description="The orders it would have refused COD.")
    refused: int = strawberry.field(description="Of them, refused at the door.")
    delivered: int = strawberry.field(description="Of them, delivered: the sales it would have lost.")


@strawberry.type
class CodRiskBacktest:
    days: int
    channel: str | None
    orders: int = strawberry.field(description="Finished orders read (delivered, completed, refused, returned).")
    unscreened: int = strawberry.field(description="Of them, never screened: left out of every rate.")
    overall: CodRiskRate
    bands: list[CodRiskBandRate]
    signals: list[CodRiskSignalRate] = strawberry.field(description="Signals that fired, most refused first.")
    thresholds: list[CodRiskThreshold] = strawberry.field(description="Scores 0 to 100 in steps of 5.")


def _rate(rate: Rate) -> CodRiskRate:
    percent = rate.percent
    return CodRiskRate(orders=rate.orders, refused=rate.refused, percent=None if percent is None else str(percent))


def cod_risk_backtest(info: Info, days: int = backtest.DEFAULT_DAYS, channel: str | None = None) -> CodRiskBacktest:
    require(info, "codRiskBacktest")
    try:
        channel = bounds.text(channel, field="channel", max_length=limits.CHANNEL) or None
        result = backtest.run(backtest.check_days(days), channel=channel)
    except CodError as error:
        raise top_level(error) from error
    return CodRiskBacktest(
        days=days,
        channel=channel,
        orders=result.orders,
        unscreened=result.unscreened,
        overall=_rate(result.overall),
        bands=[
            CodRiskBandRate(band=CodRiskBand(str(band)), name=str(BAND_NAMES[band]), rate=_rate(r))
            for band, r in result.bands
        ],
        signals=[
            CodRiskSignalRate(code=CodRiskSignalCode(str(code)), name=str(SIGNAL_NAMES[code]), rate=_rate(r))
            for code, r in result.signals
        ],
        thresholds=[
            CodRiskThreshold(score=row.score, orders=row.orders, refused=row.refused, delivered=row.delivered)
            for row in result.thresholds
        ],
    )


@strawberry.type
class RiskQuery:
    cod_risk_backtest: CodRiskBacktest = strawberry.field(
        resolver=cod_risk_backtest,
        description="The risk score's backtest on the finished COD orders placed in the last `days` days (1 to "
        "365), of one channel or all.",
    )
