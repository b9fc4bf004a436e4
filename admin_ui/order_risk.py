"""The order page's risk panel: the score as screening stored it, its band in words (the colour repeats it), the
action the band asks for, and each signal that fired with its detail in the reader's language and its weight, the
heaviest first. "Not screened" for an order placed before screening or never screened."""

from dataclasses import dataclass

from django.utils.translation import gettext

from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import ACTION_NAMES, BAND_NAMES, Signal

RISK = "orders: risk score and signals"  # the role table's entry


@dataclass(frozen=True)
class SignalRow:
    code: str
    name: str
    detail: str
    weight: int


@dataclass(frozen=True)
class RiskPanel:
    score: int | None
    band: str  # the band's code ("" when not screened): the CSS class of its colour
    band_name: str
    action: str
    signals: tuple[SignalRow, ...]

    @property
    def screened(self) -> bool:
        return self.score is not None


def band_name(band: str) -> str:
    known = {str(code): name for code, name in BAND_NAMES.items()}
    return str(known[band]) if band in known else gettext("Not screened")


def action_name(action: str) -> str:
    return str({str(code): name for code, name in ACTION_NAMES.items()}.get(action, ""))


def signal_rows(stored: list[dict]) -> tuple[SignalRow, ...]:
    signals = sorted((Signal.from_dict(item) for item in stored or ()), key=lambda s: (-s.weight, s.code))
    return tuple(SignalRow(str(s.code), s.name, s.detail, s.weight) for s in signals)


def risk_panel(order: CodOrder) -> RiskPanel:
    if order.risk_score is None:
        return RiskPanel(score=None, band="", band_name=gettext("Not screened"), action="", signals=())
    return RiskPanel(
        score=order.risk_score,
        band=order.risk_band,
        band_name=band_name(order.risk_band),
        action=action_name(order.risk_action),
        signals=signal_rows(order.risk_signals),
    )
