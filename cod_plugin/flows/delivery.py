"""Courier and staff status updates, and delivery appointments."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder, Courier
from ..rules import bounds
from ..rules.lifecycle import Event, RefusalReason
from ..rules.statuses import CodStatus
from . import lifecycle, payment, standing

EVENTS = {
    CodStatus.SHIPPED: Event.SHIP,
    CodStatus.OUT_FOR_DELIVERY: Event.OUT_FOR_DELIVERY,
    CodStatus.DELIVERY_FAILED: Event.DELIVERY_FAILED,
    CodStatus.DELIVERED: Event.DELIVER,
    CodStatus.REFUSED: Event.REFUSE,
    CodStatus.RETURNED_TO_ORIGIN: Event.RETURN_TO_ORIGIN,
}
APPOINTABLE = {CodStatus.CONFIRMED, CodStatus.SHIPPED, CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERY_FAILED}


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Collected:
    amount: Decimal
    currency: str
    method: str
    receipt: str = ""


@dataclass(frozen=True)
class StatusUpdate:
    status: str
    tracking_number: str = ""
    window: Window | None = None
    reason: str = ""
    note: str = ""
    collected: Collected | None = None
    occurred_at: datetime | None = None


def update_status(order_pk: int, update: StatusUpdate, *, actor: str, courier: Courier | None = None) -> CodOrder:
    """A staff or courier update through the API: an update the order cannot take is an error."""
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        _require_courier(order, courier)
        apply(order, update, actor=actor, tolerate_late=False)
        return order


def apply(order: CodOrder, update: StatusUpdate, *, actor: str, tolerate_late: bool) -> str:
    """Apply ``update`` to the locked order. With ``tolerate_late`` (courier webhooks), an update the order is
    already past is recorded and ignored. Returns "applied" or "ignored"."""
    event = EVENTS.get(update.status)
    if event is None:
        raise CodError(CodErrorCode.INVALID, _("Unknown status."), field="status")
    _validate(order, update)
    if tolerate_late and _arrives_late(order, event, update):
        lifecycle.record(
            order,
            "ignored_late",
            actor=actor,
            reason=update.status,
            data={"status": order.status, "occurred_at": _iso(update.occurred_at)},
        )
        return "ignored"
    HANDLERS[event](order, update, actor, _seen(order, update))
    return "applied"


def _seen(order: CodOrder, update: StatusUpdate) -> dict:
    """The courier's latest event time, when ``update`` moves it on: saved with the handler's change."""
    last = order.last_courier_event_at
    if update.occurred_at and (last is None or update.occurred_at > last):
        return {"last_courier_event_at": update.occurred_at}
    return {}


def _arrives_late(order: CodOrder, event: Event, update: StatusUpdate) -> bool:
    older = update.occurred_at and order.last_courier_event_at and update.occurred_at < order.last_courier_event_at
    return bool(older) or lifecycle.is_late(order, event)


def _validate(order: CodOrder, update: StatusUpdate) -> None:
    if update.status == CodStatus.REFUSED and update.reason not in set(RefusalReason):
        raise CodError(CodErrorCode.INVALID, _("Give a refusal reason."), field="reason")
    if update.window:
        # Bounded around when the courier reported it: a report read late is still the same report.
        check_window(order, update.window, future=False, now=update.occurred_at)
    if update.collected and update.collected.amount <= 0:
        raise CodError(CodErrorCode.INVALID, _("The collected amount must be positive."), field="collectedAmount")


def check_window(order: CodOrder, window: Window, *, future: bool, now: datetime | None = None) -> None:
    """The window within the horizon of the order's channel (``rules.bounds.window``) from ``now``."""
    policy = standing.policy_for(order)
    bounds.window(
        window.start,
        window.end,
        field="window",
        now=now or timezone.now(),
        max_days=policy.appointment_max_days,
        max_hours=policy.appointment_max_hours,
        future=future,
    )


# Each handler moves the locked order first, saving only what it changes and ``seen`` (``_seen``) with it.


def _ship(order, update, actor, seen):
    lifecycle.move(
        order,
        Event.SHIP,
        actor=actor,
        data={"tracking_number": update.tracking_number},
        fields={"tracking_number": update.tracking_number or order.tracking_number, **seen},
        partial=True,
    )


def _out_for_delivery(order, update, actor, seen):
    window = update.window
    fields = {"appointment_start": window.start, "appointment_end": window.end} if window else {}
    lifecycle.move(
        order, Event.OUT_FOR_DELIVERY, actor=actor, data=_window_data(window), fields={**fields, **seen}, partial=True
    )


def _delivery_failed(order, update, actor, seen):
    lifecycle.move(
        order,
        Event.DELIVERY_FAILED,
        actor=actor,
        reason=update.reason,
        fields={"delivery_failures": order.delivery_failures + 1, **seen},
        partial=True,
    )


def _delivered(order, update, actor, seen):
    lifecycle.move(order, Event.DELIVER, actor=actor, fields=seen, partial=True)
    if update.collected:
        c = update.collected
        payment.record_payment(
            order,
            amount=c.amount,
            currency=c.currency,
            method=c.method,
            receipt=c.receipt,
            source="courier",
            actor=actor,
        )


def _refused(order, update, actor, seen):
    reason = RefusalReason(update.reason)
    lifecycle.move(
        order,
        Event.REFUSE,
        actor=actor,
        reason=reason.value,
        data={"note": update.note},
        fields={"refusal_reason": reason.value, "refusal_note": update.note, **seen},
        partial=True,
    )
    standing.refused(order, reason, actor=actor)


def _returned(order, update, actor, seen):
    # Back at the merchant: the store order ends and its goods are sellable again (``store_sync``).
    lifecycle.move(order, Event.RETURN_TO_ORIGIN, actor=actor, reason=update.reason, fields=seen, partial=True)


HANDLERS = {
    Event.SHIP: _ship,
    Event.OUT_FOR_DELIVERY: _out_for_delivery,
    Event.DELIVERY_FAILED: _delivery_failed,
    Event.DELIVER: _delivered,
    Event.REFUSE: _refused,
    Event.RETURN_TO_ORIGIN: _returned,
}


def reschedule(
    order_pk: int, window: Window, *, actor: str, customer_key: str | None = None, courier: Courier | None = None
) -> CodOrder:
    """Pick or move the delivery appointment, in the future and within the channel's horizon; moving it is
    limited by the channel's policy."""
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if customer_key is not None and order.customer_key != customer_key:
            raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
        _require_courier(order, courier)
        if order.status not in APPOINTABLE:
            raise lifecycle.invalid(order, Event.OUT_FOR_DELIVERY)
        check_window(order, window, future=True)
        moving = order.appointment_start is not None
        if moving and order.reschedules >= standing.policy_for(order).max_reschedules:
            raise CodError(CodErrorCode.RESCHEDULE_LIMIT, _("The appointment cannot be moved again."), field="window")
        order.appointment_start, order.appointment_end = window.start, window.end
        order.reschedules += moving
        order.save()
        lifecycle.record(order, "rescheduled" if moving else "appointment_set", actor=actor, data=_window_data(window))
        return order


def _require_courier(order: CodOrder, courier: Courier | None) -> None:
    """A courier acts only on the orders handed to it, in the channels it serves: any other is not found."""
    if courier is not None and (order.courier_id != courier.pk or not courier.serves(order.channel)):
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")


def _window_data(window: Window | None) -> dict:
    return {"start": _iso(window.start), "end": _iso(window.end)} if window else {}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
