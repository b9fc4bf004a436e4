"""COD orders made straight in the table, many at once: for the list, the overview and their query counts."""

from datetime import datetime

from djmoney.money import Money

from cod_plugin.models import CodOrder, CodOrderEvent


def make_orders(count: int, *, start: int = 5001, currency: str = "USD", **fields) -> list[CodOrder]:
    """``count`` orders numbered from ``start``; ``fields`` override the defaults (default-channel, US/NY)."""
    defaults = {"channel": "default-channel", "country": "US", "area": "NY", "status": "pending_confirmation"}
    rows = [
        CodOrder(
            order_ref=f"bulk-{number}",
            order_number=str(number),
            checkout_ref=f"bulk-checkout-{number}",
            customer_key=f"customer{number}@example.com",
            order_amount=Money(100, currency),
            fee=Money(3, currency),
            amount_to_collect=Money(103, currency),
            tier="NEW",
            terms_version=1,
            terms_language="en",
            phone=f"+1212555{number % 10000:04d}",
            **{**defaults, **fields},
        )
        for number in range(start, start + count)
    ]
    return CodOrder.objects.bulk_create(rows, batch_size=500)


def make_moves(orders, moves: list[tuple[str, str]], *, at: datetime | None = None, reason: str = "") -> None:
    """A timeline event per order and move ``(from_status, to_status)``; ``at`` backdates them."""
    events = CodOrderEvent.objects.bulk_create(
        [
            CodOrderEvent(order=order, kind=to, from_status=before, to_status=to, actor="test", reason=reason)
            for order in orders
            for before, to in moves
        ],
        batch_size=500,
    )
    if at is not None:
        CodOrderEvent.objects.filter(pk__in=[event.pk for event in events]).update(created_at=at)
