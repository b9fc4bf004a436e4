"""Output types of the screening: the score, its band, the action and each signal in words."""

import strawberry

from ...rules.risk import ACTION_NAMES, BAND_NAMES, Action, Band, SignalCode
from ..enums import _upper_enum
from ..types import Money

CodRiskBand = _upper_enum("CodRiskBand", [band.value for band in Band], "How risky an order's score makes it.")
CodRiskAction = _upper_enum(
    "CodRiskAction",
    [action.value for action in Action],
    "What the channel does at a band: ACCEPT; AGENT_CALL (only an agent's call confirms, not the SMS link); "
    "DEPOSIT (a part paid online first); REFUSE (COD not offered at checkout).",
)
CodRiskSignalCode = _upper_enum(
    "CodRiskSignalCode", [code.value for code in SignalCode], "A fraud signal that weighed on an order's score."
)


@strawberry.type(description="One signal that fired, its weight in the score and its facts in words.")
class CodRiskSignal:
    code: CodRiskSignalCode
    weight: int
    name: str
    detail: str


@strawberry.type(description="An order's screening: a score from 0 to 100, the sum of its signals' weights.")
class CodRisk:
    score: int
    band: CodRiskBand
    band_name: str
    action: CodRiskAction
    action_name: str
    signals: list[CodRiskSignal]


@strawberry.type(description="Partial COD: whether a part must be paid online before the order goes on, and how much.")
class CodEligibilityDeposit:
    required: bool
    amount: Money | None = strawberry.field(description="Null when no deposit is required. The door collects the rest.")


def band_name(value: str) -> str:
    return str(BAND_NAMES[Band(value)])


def action_name(value: str) -> str:
    return str(ACTION_NAMES[Action(value)])
