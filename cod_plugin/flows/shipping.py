"""Handing a confirmed order to its courier and booking its shipment, once, with the amount to collect.

An order gets its courier when it is handed over: on confirmation its channel's default courier, or the courier
dispatch staff assign. A courier carries only orders of the channels it serves; one without a booking API is
assigned and not booked (dispatch reports its deliveries)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..couriers.client import Booking, Recipient, Shipment, client_for
from ..error_codes import CodError, CodErrorCode
from ..host import get_adapter
from ..models import CodOrder, CodPolicy, Courier
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import lifecycle

# Before the parcel leaves, the order may change courier; after, it stays with the one that has it.
ASSIGNABLE = frozenset({CodStatus.PENDING_CONFIRMATION, CodStatus.CONFIRMED})


def hand_over(order: CodOrder, *, actor: str) -> None:
    """In the confirming transaction, on the locked order: its channel's default courier takes it (when active and
    serving the channel), and the booking starts once the confirmation commits. An order with a courier keeps it."""
    if order.courier_id is not None:  # assigned while the order waited for its confirmation
        _book_on_commit(order, order.courier)
        return
    courier = _default_courier(order.channel)
    if courier is not None:
        _give(order, courier, actor=actor, reason="channel_default")


def assign(order_pk: int, courier_code: str, *, actor: str) -> CodOrder:
    """Dispatch hands the order to a courier that serves its channel, before the parcel leaves (no tracking number
    yet); assigning the courier it has changes nothing."""
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        courier = Courier.objects.filter(code=courier_code, active=True).first()
        if courier is None or not courier.serves(order.channel):
            message = _("No active courier with this code serves the order's channel.")
            raise CodError(CodErrorCode.INVALID, message, field="courier")
        if order.courier_id == courier.pk:
            return order
        if order.status not in ASSIGNABLE or order.tracking_number:
            message = _("An order that is %(status)s keeps its courier.") % {"status": order.get_status_display()}
            raise CodError(CodErrorCode.INVALID_TRANSITION, message, field="courier", status=order.status)
        _give(order, courier, actor=actor, reason="assigned")
        return order


def _give(order: CodOrder, courier: Courier, *, actor: str, reason: str) -> None:
    data = {"courier": courier.code, "from": order.courier.code if order.courier_id else None}
    order.courier = courier
    order.save(update_fields=["courier", "updated_at"])
    lifecycle.record(order, "courier_assigned", actor=actor, reason=reason, data=data)
    _book_on_commit(order, courier)


def _book_on_commit(order: CodOrder, courier: Courier) -> None:
    """A confirmed order is booked with a courier that has a booking API, once the caller's transaction commits."""
    if courier.api_url and order.status == CodStatus.CONFIRMED:
        from .. import tasks  # tasks.py imports the flows it wraps: looked up when needed, not at import

        lifecycle.on_commit(tasks.book_shipment, order.pk)


def book_shipment(order_pk: int) -> CodOrder:
    """Book the confirmed order with its courier (else its channel's default courier, which then carries it) and
    keep the tracking number. An order that has one is left alone; the courier's API is called outside any
    transaction, and two bookings racing past the check still make one shipment: the order number is the
    idempotency key."""
    order = CodOrder.objects.select_related("courier").filter(pk=order_pk).first()
    if order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    if order.tracking_number:
        return order
    if order.status != CodStatus.CONFIRMED:
        raise lifecycle.invalid(order, Event.SHIP)
    courier = order.courier or _default_courier(order.channel)
    if courier is None or not courier.api_url:
        raise CodError(CodErrorCode.NOT_FOUND, _("No courier to book the shipment with."), field="courier")
    booking = client_for(courier).book_shipment(_shipment(order))
    return _keep(order_pk, courier, booking)


def _default_courier(channel: str) -> Courier | None:
    """The channel's default courier, when it is active and serves the channel."""
    policy = CodPolicy.objects.select_related("default_courier").filter(channel=channel).first()
    courier = policy.default_courier if policy else None
    return courier if courier is not None and courier.serves(channel) else None


def _shipment(order: CodOrder) -> Shipment:
    snapshot = get_adapter().get_order(order.order_ref)
    address = snapshot.shipping_address if snapshot else None
    name = f"{address.first_name} {address.last_name}".strip() if address else ""
    recipient = Recipient(
        phone=order.phone, country=order.country, area=order.area, postal_code=order.postal_code, name=name
    )
    amount = order.amount_to_collect
    return Shipment(
        reference=order.order_number, cod_amount=amount.amount, currency=str(amount.currency), recipient=recipient
    )


def _keep(order_pk: int, courier: Courier, booking: Booking) -> CodOrder:
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if order.tracking_number:  # a concurrent booking, or the courier's "shipped" event, came first
            return order
        order.courier_id = order.courier_id or courier.pk
        order.tracking_number = booking.tracking_number
        order.save(update_fields=["courier", "tracking_number", "updated_at"])
        data = {"courier": courier.code, "tracking_number": booking.tracking_number, "label_url": booking.label_url}
        lifecycle.record(order, "shipment_booked", actor="system", data=data)
        return order
