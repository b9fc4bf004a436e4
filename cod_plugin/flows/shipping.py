"""Booking a confirmed order's shipment with its courier, once, with the amount to collect at the door."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..couriers.client import Booking, Recipient, Shipment, client_for
from ..error_codes import CodError, CodErrorCode
from ..host import get_adapter
from ..models import CodOrder, CodPolicy, Courier
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import lifecycle


def book_shipment(order_pk: int) -> CodOrder:
    """Book the confirmed order with its courier (else its channel's default courier, else the first active
    courier with an API) and keep the tracking number. An order that has one is left alone; the courier's API is
    called outside any transaction, and two bookings racing past the check still make one shipment: the order
    number is the idempotency key."""
    order = CodOrder.objects.select_related("courier").filter(pk=order_pk).first()
    if order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    if order.tracking_number:
        return order
    if order.status != CodStatus.CONFIRMED:
        raise lifecycle.invalid(order, Event.SHIP)
    courier = order.courier or _default_courier(order.channel)
    booking = client_for(courier).book_shipment(_shipment(order))
    return _keep(order_pk, courier, booking)


def _default_courier(channel: str) -> Courier:
    usable = Courier.objects.filter(active=True).exclude(api_url="")
    chosen = usable.filter(pk__in=CodPolicy.objects.filter(channel=channel).values("default_courier")).first()
    courier = chosen or usable.order_by("pk").first()
    if courier is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("No courier to book the shipment with."), field="courier")
    return courier


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
