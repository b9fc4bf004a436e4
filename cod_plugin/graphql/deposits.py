"""``codOrder { deposit }``: the part of a partial-COD order paid online, for its customer and for staff who read
orders (a courier collects ``amountToCollect`` and reads null here). Read with the order (``select_related``): no
query of its own, however many orders a page shows."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from .enums import CodOrderDepositStatus
from .permissions import courier_of, staff_may
from .types import Money


@strawberry.type(description="A deposit paid online before a COD order goes on; the rest is paid at the door.")
class CodOrderDeposit:
    amount: Money
    status: CodOrderDepositStatus
    pay_url: str = strawberry.field(description="The store's page where the customer pays it (empty when none).")
    expires_at: datetime = strawberry.field(description="Unpaid past this moment, the order is cancelled.")
    paid_at: datetime | None
    refunded: Money = strawberry.field(description="What of it went back to the customer.")


def shape(order) -> CodOrderDeposit | None:
    """``order`` comes with its deposit read (``flows.orders``); None when it has none."""
    deposit = getattr(order, "deposit", None)
    if deposit is None:
        return None
    currency = str(deposit.amount.currency)
    return CodOrderDeposit(
        amount=Money.of(deposit.amount.amount, currency),
        status=CodOrderDepositStatus(deposit.status),
        pay_url=deposit.pay_url,
        expires_at=deposit.expires_at,
        paid_at=deposit.paid_at,
        refunded=Money.of(deposit.refunded.amount, currency),
    )


def visible(info: Info, deposit: CodOrderDeposit | None) -> CodOrderDeposit | None:
    """The customer and staff who read orders see it; the order's courier does not."""
    if deposit is None or staff_may(info, "codOrder") or courier_of(info) is None:
        return deposit
    return None
