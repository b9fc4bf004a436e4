"""Shaping the stored screening and the eligibility's deposit into the API's types."""

from decimal import Decimal

from strawberry.types import Info

from ...permissions import ORDER_RISK
from ...rules.risk import Signal
from ..permissions import staff_may
from ..types import Money
from . import types


def order_risk(order, info: Info) -> types.CodRisk | None:
    """``order`` is a ``graphql.types.CodOrder``; its stored screening is read from the row it was shaped from
    (no query). Only staff who read orders see it: a customer or a courier gets null, never a signal."""
    stored = order.risk_stored
    if stored is None or stored.risk_score is None or not staff_may(info, ORDER_RISK):
        return None
    signals = [Signal.from_dict(item) for item in stored.risk_signals or []]
    return types.CodRisk(
        score=stored.risk_score,
        band=types.CodRiskBand(stored.risk_band),
        band_name=types.band_name(stored.risk_band),
        action=types.CodRiskAction(stored.risk_action),
        action_name=types.action_name(stored.risk_action),
        signals=[
            types.CodRiskSignal(
                code=types.CodRiskSignalCode(str(signal.code)),
                weight=signal.weight,
                name=signal.name,
                detail=signal.detail,
            )
            for signal in signals
        ],
    )


def deposit(amount: Decimal | None, currency: str) -> types.CodEligibilityDeposit:
    return types.CodEligibilityDeposit(required=amount is not None, amount=Money.of(amount, currency))
