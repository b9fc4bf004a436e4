"""A history of COD orders made straight in the tables, each with the timeline its outcome leaves: the figures
read the moves (``confirmed``, ``refused``), the statuses, the payment records, the returns and the refunds."""

from datetime import datetime
from decimal import Decimal
from itertools import count

from djmoney.money import Money

from cod_plugin.models import (
    CodOrder,
    CodOrderEvent,
    CodOrderLine,
    CodPaymentRecord,
    CodRefund,
    CodReturnRequest,
)
from cod_plugin.rules.statuses import CodStatus as S

NUMBERS = count(7001)
AGENT = "agent@example.com"
# The moves each outcome leaves in the timeline, and the status the order is in after them.
OUTCOMES = {
    "pending": ((), S.PENDING_CONFIRMATION),
    "cancelled": (((S.PENDING_CONFIRMATION, S.CANCELLED),), S.CANCELLED),
    "confirmed": (((S.PENDING_CONFIRMATION, S.CONFIRMED),), S.CONFIRMED),
    "delivered": (((S.PENDING_CONFIRMATION, S.CONFIRMED), (S.OUT_FOR_DELIVERY, S.DELIVERED)), S.DELIVERED),
    "completed": (((S.PENDING_CONFIRMATION, S.CONFIRMED), (S.DELIVERED, S.COMPLETED)), S.COMPLETED),
    "refunded": (
        ((S.PENDING_CONFIRMATION, S.CONFIRMED), (S.DELIVERED, S.COMPLETED), (S.COMPLETED, S.REFUNDED)),
        S.REFUNDED,
    ),
    "refused": (((S.PENDING_CONFIRMATION, S.CONFIRMED), (S.OUT_FOR_DELIVERY, S.REFUSED)), S.REFUSED),
    "returned": (
        ((S.PENDING_CONFIRMATION, S.CONFIRMED), (S.OUT_FOR_DELIVERY, S.REFUSED), (S.REFUSED, S.RETURNED_TO_ORIGIN)),
        S.RETURNED_TO_ORIGIN,
    ),
}
PAID = {S.DELIVERED, S.COMPLETED, S.REFUNDED}


def build(
    outcome: str,
    *,
    at: datetime,
    count: int = 1,
    currency: str = "USD",
    amount: str = "100.00",
    fee: str = "5.00",
    collected: str | None = None,
    agent: str = AGENT,
    product: str | None = None,
    **fields,
) -> list[CodOrder]:
    """``count`` orders placed ``at``, with ``outcome`` (its moves dated ``at`` too); the cash collected is the
    amount to collect unless given."""
    moves, status = OUTCOMES[outcome]
    orders = CodOrder.objects.bulk_create([_order(status, currency, amount, fee, fields) for _ in range(count)])
    CodOrder.objects.filter(pk__in=[order.pk for order in orders]).update(created_at=at)
    events = [
        CodOrderEvent(order=order, kind=to, from_status=before, to_status=to, actor=agent if to == S.CONFIRMED else "x")
        for order in orders
        for before, to in moves
    ]
    CodOrderEvent.objects.bulk_create(events)
    CodOrderEvent.objects.filter(order__in=orders).update(created_at=at)  # the moves, on the day it was placed
    if status in PAID:
        taken = Money(collected or str(orders[0].amount_to_collect.amount), currency)
        CodPaymentRecord.objects.bulk_create(
            [CodPaymentRecord(order=order, amount=taken, method="cash", source="courier") for order in orders]
        )
    if product:
        CodOrderLine.objects.bulk_create(
            [
                CodOrderLine(
                    order=o,
                    product_ref=product,
                    sku=product,
                    name=product.title(),
                    quantity=1,
                    unit_price=Decimal(amount),
                )
                for o in orders
            ]
        )
    for order in orders:
        order.created_at = at
    return orders


def _order(status, currency: str, amount: str, fee: str, fields: dict) -> CodOrder:
    number = next(NUMBERS)
    defaults = {
        "order_ref": f"m-{number}",
        "order_number": str(number),
        "checkout_ref": f"m-checkout-{number}",
        "channel": "default-channel",
        "customer_key": f"guest:buyer{number}@example.com",
        "order_amount": Money(amount, currency),
        "fee": Money(fee, currency),
        "amount_to_collect": Money(Decimal(amount) + Decimal(fee), currency),
        "shipping_amount": Money("0", currency),
        "tier": "NEW",
        "terms_version": 1,
        "terms_language": "en",
        "country": "KW",
        "area": "Capital",
        "status": status,
    }
    return CodOrder(**{**defaults, **fields})


def refund(order: CodOrder, amount: str, *, paid: bool = True) -> CodRefund:
    status = CodRefund.Status.PAID if paid else CodRefund.Status.PENDING
    return CodRefund.objects.create(
        order=order,
        amount=Money(amount, order.order_amount.currency),
        method="bank_transfer",
        status=status,
        idempotency_key=f"refund-{order.pk}-{amount}-{paid}",
    )


def returned(order: CodOrder, *, status=CodReturnRequest.Status.REQUESTED) -> CodReturnRequest:
    return CodReturnRequest.objects.create(order=order, reason="damaged", status=status)
