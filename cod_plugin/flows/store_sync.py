"""What the store is told as a COD order moves: one table, called by ``lifecycle.move`` right after the status
change, inside its transaction. Every call goes through ``store.call``, so a store that refuses (``HostError``)
fails the whole change and the COD status is rolled back with it.

The rules, by the event applied and the status it came from:

- CONFIRM → ``order_confirmed``.
- The goods left: the first of SHIP, OUT_FOR_DELIVERY, DELIVER or REFUSE coming from CONFIRMED → ``order_shipped``,
  before any other call of that event. An order already in transit was told when it left CONFIRMED, so the status
  it comes from says it all (no query), and the store hears "shipped" once per order, even when the courier's
  first word is "delivered" or "refused".
- DELIVER → ``order_delivered``; COMPLETE → ``mark_order_paid``.
- CANCEL → ``cancel_order`` (the store releases what it still holds; goods in transit are not released).
- REFUSE → ``cancel_order``, then ``restock`` of every line: the parcel comes back from the door.
- RETURN_TO_ORIGIN from DELIVERY_FAILED, or from CANCELLED when the cancel came in transit → ``cancel_order`` (a
  no-op for a store that has it cancelled already), then ``restock`` of every line. From REFUSED: nothing more,
  the refusal restocked; from a CANCELLED that never shipped: nothing, the cancel released the goods.
- REFUND → ``order_refunded`` with the refund's amount (and every later refund paid: ``refund_paid``).
- A customer's return received (not a status change: ``goods_returned``) → ``restock`` of the returned quantities.

The reasons the store is given: "COD confirmation: <reason>" for a cancel before confirmation, "COD refused:
<reason>" for a refusal, "COD: returned to origin", and "COD: <reason>" for any other cancel.

A change the store itself made (``cod_plugin.api.store_cancelled``) is applied with ``tell_store=False``: the
store is not told back what it did. ``cancel_order`` and ``mark_order_paid`` every adapter has; the other calls
are optional (``host.tell``: ``BaseHostAdapter`` gives them as no-ops).
"""

from decimal import Decimal

from ..host import get_adapter, tell
from ..models import CodOrder, CodOrderEvent
from ..rules.lifecycle import IN_TRANSIT, Event
from ..rules.statuses import CodStatus
from . import store

# The events that show the goods left the merchant when they come straight from CONFIRMED.
LEAVING = frozenset({Event.SHIP, Event.OUT_FOR_DELIVERY, Event.DELIVER, Event.REFUSE})
RETURNED = "COD: returned to origin"


def moved(order: CodOrder, event: Event, from_status: str, *, reason: str, data: dict) -> None:
    """Tell the store what ``event`` (applied to ``order``, which was ``from_status``) means for its order."""
    if event in LEAVING and from_status == CodStatus.CONFIRMED:
        _tell("order_shipped", order.order_ref)
    TELLS[event](order, from_status, reason, data)


def refund_paid(order: CodOrder, *, amount: Decimal, currency: str) -> None:
    _tell("order_refunded", order.order_ref, amount=amount, currency=currency)


def goods_returned(order: CodOrder, quantities: dict[str, int]) -> None:
    """A customer's return came back: the store can sell the received quantities (SKU to quantity) again."""
    back = {sku: quantity for sku, quantity in quantities.items() if quantity}
    if back:
        _tell("restock", order.order_ref, quantities=back, reason="COD: customer return received")


def _confirm(order, from_status, reason, data):
    _tell("order_confirmed", order.order_ref)


def _cancel(order, from_status, reason, data):
    prefix = "COD confirmation" if from_status == CodStatus.PENDING_CONFIRMATION else "COD"
    _cancel_order(order, f"{prefix}: {reason}")


def _deliver(order, from_status, reason, data):
    _tell("order_delivered", order.order_ref)


def _complete(order, from_status, reason, data):
    store.call(get_adapter().mark_order_paid, order.order_ref)


def _refuse(order, from_status, reason, data):
    _back_from_the_road(order, f"COD refused: {reason}")


def _return_to_origin(order, from_status, reason, data):
    if from_status == CodStatus.DELIVERY_FAILED or (
        from_status == CodStatus.CANCELLED and _cancelled_in_transit(order)
    ):
        _back_from_the_road(order, RETURNED)


def _refund(order, from_status, reason, data):
    refund_paid(order, amount=Decimal(data["amount"]), currency=data["currency"])


def _nothing(order, from_status, reason, data):
    pass


TELLS = {
    Event.CONFIRM: _confirm,
    Event.CANCEL: _cancel,
    Event.SHIP: _nothing,
    Event.OUT_FOR_DELIVERY: _nothing,
    Event.DELIVERY_FAILED: _nothing,
    Event.DELIVER: _deliver,
    Event.COMPLETE: _complete,
    Event.REFUSE: _refuse,
    Event.RETURN_TO_ORIGIN: _return_to_origin,
    Event.REFUND: _refund,
}


def _back_from_the_road(order: CodOrder, reason: str) -> None:
    """Shipped goods come back to the merchant: the store's order ends, then its goods are sellable again."""
    _cancel_order(order, reason)
    _tell("restock", order.order_ref, quantities=None, reason=reason)


def _cancelled_in_transit(order: CodOrder) -> bool:
    """Whether the order's cancel came after the goods left (one query, only on a return after a cancel)."""
    cancels = CodOrderEvent.objects.filter(order=order, kind=Event.CANCEL.value, from_status__in=IN_TRANSIT)
    return cancels.exists()


def _cancel_order(order: CodOrder, reason: str) -> None:
    store.call(get_adapter().cancel_order, order.order_ref, reason=reason)


def _tell(method: str, *args, **kwargs) -> None:
    store.call(tell, method, *args, **kwargs)
