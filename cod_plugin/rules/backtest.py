"""The backtest: how the score would have done on orders that are finished (delivered or refused). For each band
and each signal, the share of its orders that were refused; for each threshold, what refusing COD from that score
would have refused: the orders, how many of them were in fact refused, and how many were delivered (sales lost).

A merchant reads it to tell whether the weights separate refused orders from delivered ones. Pure: the flow reads
the orders (``flows/backtest.py``) and hands them over as ``Finished`` rows."""

from dataclasses import dataclass
from decimal import Decimal

from .risk import MAX_SCORE, Band, SignalCode

THRESHOLD_STEP = 5
THRESHOLDS = tuple(range(0, MAX_SCORE + 1, THRESHOLD_STEP))


@dataclass(frozen=True)
class Finished:
    """A finished COD order as the backtest reads it; ``score`` None: it was never screened."""

    score: int | None
    band: str
    codes: tuple[str, ...]
    refused: bool


@dataclass(frozen=True)
class Rate:
    """Orders of one group and how many of them were refused; ``percent`` None when the group is empty."""

    orders: int
    refused: int

    @property
    def percent(self) -> Decimal | None:
        if not self.orders:
            return None
        return (Decimal(100) * self.refused / self.orders).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Threshold:
    """Refusing COD from ``score`` up: ``orders`` it would have refused, of them ``refused`` (rightly) and
    ``delivered`` (sales it would have lost)."""

    score: int
    orders: int
    refused: int

    @property
    def delivered(self) -> int:
        return self.orders - self.refused


@dataclass(frozen=True)
class Backtest:
    orders: int  # finished orders read, screened or not
    unscreened: int  # of them, never screened (no score): left out of every table
    overall: Rate
    bands: tuple[tuple[Band, Rate], ...]  # every band, lowest first
    signals: tuple[tuple[SignalCode, Rate], ...]  # every signal that fired on some order, most refused first
    thresholds: tuple[Threshold, ...]  # 0, 5, ... 100


def _rate(rows: list[Finished]) -> Rate:
    return Rate(orders=len(rows), refused=sum(row.refused for row in rows))


def backtest(rows: list[Finished]) -> Backtest:
    screened = [row for row in rows if row.score is not None]
    bands = tuple((band, _rate([row for row in screened if row.band == band])) for band in Band)
    by_signal = {
        code: _rate([row for row in screened if code in row.codes])
        for code in SignalCode
        if any(code in row.codes for row in screened)
    }
    signals = sorted(by_signal.items(), key=lambda item: (-(item[1].percent or 0), -item[1].orders, item[0]))
    thresholds = tuple(
        Threshold(score=score, **_counts([row for row in screened if row.score >= score])) for score in THRESHOLDS
    )
    return Backtest(
        orders=len(rows),
        unscreened=len(rows) - len(screened),
        overall=_rate(screened),
        bands=bands,
        signals=tuple(signals),
        thresholds=thresholds,
    )


def _counts(rows: list[Finished]) -> dict[str, int]:
    return {"orders": len(rows), "refused": sum(row.refused for row in rows)}
