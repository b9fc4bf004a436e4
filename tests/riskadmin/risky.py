"""Orders as screening leaves them: the risk fields set directly, as ``flows.screening.store`` would."""

from datetime import datetime

from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import Signal, SignalCode
from tests.admin.cod_orders import make_orders


def signals(*pairs: tuple[SignalCode, int], data: dict | None = None) -> list[dict]:
    return [Signal(code, weight, (data or {}).get(code, {})).as_dict() for code, weight in pairs]


def screened(order: CodOrder, score: int | None, band: str = "", *pairs, action: str = "accept") -> CodOrder:
    fields = {"risk_score": score, "risk_band": band, "risk_action": action if score is not None else ""}
    CodOrder.objects.filter(pk=order.pk).update(**fields, risk_signals=signals(*pairs))
    order.refresh_from_db()
    return order


def finished(count: int, *, status: str, score: int | None, band: str = "", codes=(), start: int, **fields):
    """``count`` finished orders, each with ``codes``' signals (weight 10 each) and this score and band."""
    return make_orders(
        count,
        start=start,
        status=status,
        risk_score=score,
        risk_band=band,
        risk_signals=signals(*((code, 10) for code in codes)),
        **fields,
    )


def placed_at(orders, when: datetime) -> None:
    CodOrder.objects.filter(pk__in=[order.pk for order in orders]).update(created_at=when)
