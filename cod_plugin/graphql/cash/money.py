"""``codOrder { money }``: an order's money status, for finance only (``permissions.ORDER_MONEY``); read for every
order of a list at once, on the first order whose money is asked."""

from strawberry.types import Info

from ...flows import cash
from ...permissions import ORDER_MONEY
from ..permissions import staff_may
from . import shapes, types


class MoneyBatch:
    """The orders shaped together; their money is read in one go (``flows.cash.money_statuses``) when first asked."""

    def __init__(self, orders) -> None:
        self.orders = list(orders)
        self.statuses = None

    def get(self, pk: int) -> cash.MoneyStatus:
        if self.statuses is None:
            self.statuses = cash.money_statuses(self.orders)
        return self.statuses[pk]


def order_money(order, info: Info) -> types.CodOrderMoney | None:
    """``order`` is a ``graphql.types.CodOrder`` shaped with its batch."""
    if order.money_batch is None or not staff_may(info, ORDER_MONEY):
        return None
    return shapes.money(order.money_batch.get(order.pk))
