"""The COD lifecycle told to oscar: the order's status follows, stock is consumed at shipping, released at a cancel
before it, put back at a restock after it, and the COD source is debited when the courier's money arrives.

Oscar's two-stage stock: placing allocates (``num_allocated``), a shipping event consumes (``num_in_stock`` and
``num_allocated`` go down). A cancel releases only what is still allocated; shipped goods come back only through
``restock``, recorded as a "Restocked" shipping event so that no unit comes back twice.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from oscar.core.loading import get_class, get_model

from . import orders, stock
from .settings import oscar_settings

OrderNote = get_model("order", "OrderNote")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
PaymentEventType = get_model("order", "PaymentEventType")
EventHandler = get_class("order.processing", "EventHandler")
order_status_changed = get_class("order.signals", "order_status_changed")

SHIPPED, RESTOCKED = ("shipped", "Shipped"), ("restocked", "Restocked")
PAID, REFUNDED = ("paid", "Paid"), ("refunded", "Refunded")

_plugin_change: ContextVar[bool] = ContextVar("cod_oscar_plugin_change", default=False)


@contextmanager
def plugin_change():
    """Marks status changes made for the plugin, so the signal handler does not tell the plugin its own news."""
    token = _plugin_change.set(True)
    try:
        yield
    finally:
        _plugin_change.reset(token)


def is_plugin_change() -> bool:
    return _plugin_change.get()


def shipping_event_type(kind: tuple[str, str]):
    return ShippingEventType.objects.get_or_create(code=kind[0], defaults={"name": kind[1]})[0]


def payment_event_type(kind: tuple[str, str]):
    return PaymentEventType.objects.get_or_create(code=kind[0], defaults={"name": kind[1]})[0]


def move(order, event: str, *, note: str = "") -> None:
    """Set the status configured for ``event``; forced (with its ``OrderStatusChange``) when the pipeline has no such
    move, since the COD lifecycle already made it."""
    status = oscar_settings.STATUSES.get(event)
    with plugin_change():
        if status and status != order.status:
            if status in order.available_statuses():
                order.set_status(status)
            else:
                force_status(order, status)
        if note:
            OrderNote.objects.create(order=order, message=note, note_type=OrderNote.SYSTEM)


def force_status(order, status: str) -> None:
    old_status = order.status
    order.status = status
    order.save(update_fields=["status"])
    line_status = order.cascade.get(status)
    if line_status:
        order.lines.update(status=line_status)
    order_status_changed.send(sender=order, order=order, old_status=old_status, new_status=status)
    order.status_changes.create(old_status=old_status, new_status=status)


def tell(order_ref: str, event: str, note: str = "") -> None:
    with transaction.atomic(savepoint=False):
        move(orders.lock(order_ref), event, note=note)


def ship(order_ref: str) -> None:
    """One "Shipped" event for the order's allocated lines, consuming their allocations; a second call does nothing."""
    with transaction.atomic(savepoint=False):
        order = orders.lock(order_ref)
        if not order.shipping_events.filter(event_type__code=SHIPPED[0]).exists():
            lines = [line for line in order.lines.select_related("stockrecord") if line_allocated(line)]
            quantities = [line.num_allocated for line in lines]
            stock.lock_records(line.stockrecord_id for line in lines)
            handler = EventHandler()
            handler.consume_stock_allocations(order, lines, quantities)
            handler.create_shipping_event(order, shipping_event_type(SHIPPED), lines, quantities)
        move(order, "shipped")


def line_allocated(line) -> bool:
    return bool(line.num_allocated) and not line.allocation_cancelled and line.stockrecord_id is not None


def cancel(order_ref: str, *, reason: str) -> None:
    """Release what is still allocated (not what shipped) and set Cancelled with the reason; once only."""
    with transaction.atomic(savepoint=False):
        order = orders.lock(order_ref)
        if order.status == oscar_settings.STATUSES["cancelled"]:
            return
        release(order)
        move(order, "cancelled", note=reason)


def release(order) -> None:
    lines = [line for line in order.lines.select_related("stockrecord") if line_allocated(line)]
    stock.lock_records(line.stockrecord_id for line in lines)
    EventHandler().cancel_stock_allocations(order, lines, [line.num_allocated for line in lines])


def restock(order_ref: str, *, quantities: dict[str, int] | None, reason: str) -> None:
    """Put back shipped units not yet put back: all of them (``quantities`` None) or up to the SKUs' quantities."""
    with transaction.atomic(savepoint=False):
        order = orders.lock(order_ref)
        lines = list(order.lines.all())
        room = {line.pk: shipped_quantity(line, SHIPPED) - shipped_quantity(line, RESTOCKED) for line in lines}
        back = [
            (line, min(room[line.pk], room[line.pk] if quantities is None else quantities.get(line.partner_sku, 0)))
            for line in lines
        ]
        back = [(line, quantity) for line, quantity in back if quantity > 0]
        if not back:
            return
        stock.put_back(Counter({line.stockrecord_id: quantity for line, quantity in back if line.stockrecord_id}))
        EventHandler().create_shipping_event(
            order, shipping_event_type(RESTOCKED), [line for line, _ in back], [quantity for _, quantity in back]
        )
        OrderNote.objects.create(order=order, message=reason, note_type=OrderNote.SYSTEM)


def shipped_quantity(line, kind: tuple[str, str]) -> int:
    rows = ShippingEventQuantity.objects.filter(line=line, event__event_type__code=kind[0])
    return rows.aggregate(total=Sum("quantity"))["total"] or 0


def paid(order_ref: str) -> None:
    """Debit the COD source with what it still holds, record a "Paid" payment event, and complete the order."""
    with transaction.atomic(savepoint=False):
        order = orders.lock(order_ref)
        if not order.payment_events.filter(event_type__code=PAID[0]).exists():
            amount = Decimal(order.total_incl_tax)
            source = orders.cod_sources(order).first()
            if source is not None:
                amount = source.balance
                source.debit(amount, reference=order.number)
            EventHandler().handle_payment_event(order, payment_event_type(PAID), amount, reference=order.number)
        move(order, "paid")


def refunded(order_ref: str, *, amount: Decimal, currency: str) -> None:
    with transaction.atomic(savepoint=False):
        order = orders.lock(order_ref)
        source = orders.cod_sources(order).first()
        if source is not None:
            source.refund(amount, reference=order.number)
        EventHandler().handle_payment_event(order, payment_event_type(REFUNDED), amount, reference=order.number)
        OrderNote.objects.create(
            order=order, message=f"Cash on delivery refund: {amount} {currency}", note_type=OrderNote.SYSTEM
        )
