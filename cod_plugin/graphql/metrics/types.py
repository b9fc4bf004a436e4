"""The weekly figures as the API shows them: counts, rates in percent (null when nothing to count), money per
currency in the house's Money type."""

from datetime import date
from decimal import Decimal

import strawberry

from ...flows.metrics import Metrics, WeekFigures
from ...rules.lifecycle import RefusalReason
from ...rules.metrics import Dimension
from ..enums import CodRefusalReason, _upper_enum
from ..types import Money

CodMetricsDimension = _upper_enum(
    "CodMetricsDimension", [d.value for d in Dimension], "What the figures are broken down by; NONE: the totals."
)


@strawberry.type
class CodRefusalCount:
    reason: CodRefusalReason
    orders: int


@strawberry.type(description="One ISO week (from Monday) of one key of the dimension, in one currency.")
class CodMetricsRow:
    week: date = strawberry.field(description="The Monday the week starts on, in the store's time zone.")
    key: str = strawberry.field(description="The key of the dimension (empty for the totals): KW/Capital, a code.")
    label: str
    currency: str
    placed: int
    left_pending: int = strawberry.field(description="Orders confirmed or cancelled before confirmation.")
    confirmed: int
    at_door: int = strawberry.field(description="Orders delivered, completed or refused at the door.")
    signed_off: int
    refused: int
    refusals: list[CodRefusalCount] = strawberry.field(description="The refused orders per reason (none left out).")
    completed: int
    returned: int = strawberry.field(description="Completed orders with a return asked and not rejected.")
    confirmation_rate: Decimal | None = strawberry.field(description="Percent confirmed of leftPending.")
    sign_off_rate: Decimal | None = strawberry.field(description="Percent delivered or completed of atDoor.")
    refusal_rate: Decimal | None = strawberry.field(description="Percent refused of atDoor.")
    return_rate: Decimal | None = strawberry.field(description="Percent returned of completed.")
    collection_rate: Decimal | None = strawberry.field(description="Percent of toCollect the couriers collected.")
    value: Money = strawberry.field(description="The orders' value (all orders placed).")
    to_collect: Money = strawberry.field(description="The cash to collect of the orders at the door.")
    collected: Money
    fees: Money = strawberry.field(description="The COD fees of completed orders.")
    refunds: Money = strawberry.field(description="Refunds paid to these orders' customers.")


@strawberry.type
class CodMetrics:
    weeks: list[date] = strawberry.field(description="Every week asked for, also those without orders (no row).")
    rows: list[CodMetricsRow]
    penalties_outstanding: list[Money] = strawberry.field(
        description="The penalties customers owe today, per currency (not per week nor channel)."
    )


def row(figures: WeekFigures) -> CodMetricsRow:
    money = {
        name: Money.of(getattr(figures, name), figures.currency)
        for name in ("value", "to_collect", "collected", "fees", "refunds")
    }
    counts = ("placed", "left_pending", "confirmed", "at_door", "signed_off", "refused", "completed", "returned")
    return CodMetricsRow(
        week=figures.week,
        key=figures.key,
        label=figures.label,
        currency=figures.currency,
        refusals=[
            CodRefusalCount(reason=CodRefusalReason[reason.upper()], orders=figures.refusals[reason])
            for reason in (r.value for r in RefusalReason)
        ],
        confirmation_rate=figures.confirmation.percent,
        sign_off_rate=figures.sign_off.percent,
        refusal_rate=figures.refusal.percent,
        return_rate=figures.return_rate.percent,
        collection_rate=figures.collection.percent,
        **{name: getattr(figures, name) for name in counts},
        **money,
    )


def metrics(result: Metrics) -> CodMetrics:
    return CodMetrics(
        weeks=result.weeks,
        rows=[row(figures) for figures in result.rows],
        penalties_outstanding=[Money.of(amount, currency) for currency, amount in result.penalties.items()],
    )
