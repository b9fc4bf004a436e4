"""Risk in the confirmation queue: the orders sorted by it (the highest score first, then as the queue always
ran: due retries, then the oldest), each order's score and band, and the questions its signals raise for the call
script. Every figure is a column of the order's own row: the queue costs no query more for showing risk."""

from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import Signal
from cod_plugin.rules.risk_questions import questions

from .order_risk import band_name

CALL_ORDER = (F("next_call_at").asc(nulls_last=True), "created_at", "pk")
SORTS = {
    "risk": (_("Highest risk first"), (F("risk_score").desc(nulls_last=True), *CALL_ORDER)),
    "oldest": (_("Due retries, then oldest first"), CALL_ORDER),
}
DEFAULT_SORT = "risk"


def sort_of(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def ordering(sort: str) -> tuple:
    return SORTS[sort_of(sort)][1]


def sort_choices(current: str) -> list[tuple[str, str, bool]]:
    """(value, label, chosen) for the links above the queue."""
    return [(value, str(label), value == current) for value, (label, _ordering) in SORTS.items()]


@dataclass(frozen=True)
class RiskCell:
    score: int | None
    band: str
    name: str


def risk_cell(order: CodOrder) -> RiskCell:
    return RiskCell(score=order.risk_score, band=order.risk_band or "none", name=band_name(order.risk_band))


def script_questions(order: CodOrder) -> list[str]:
    """The signals' questions, the heaviest signal's first, in the active language (the script's)."""
    signals = sorted((Signal.from_dict(item) for item in order.risk_signals or ()), key=lambda s: -s.weight)
    return questions(signal.code for signal in signals)
