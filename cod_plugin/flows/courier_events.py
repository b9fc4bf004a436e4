"""A courier's status event: recorded once per event id, applied to its order in the same transaction.

Events may arrive in any order and more than once. A copy of a recorded event id is a duplicate and changes
nothing. An event the order is already past is recorded and ignored (``delivery.apply``). An event the order is
not ready for yet (a failed attempt before the "out for delivery" it follows) is deferred: recorded, and applied
once an earlier event has moved the order. So shuffled events end where the same events in order end.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits
from ..couriers.signing import tolerance_seconds
from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder, Courier, CourierEvent
from ..rules import bounds
from ..rules import lifecycle as lifecycle_rules
from ..rules.lifecycle import IN_TRANSIT, RefusalReason
from ..rules.policy import CollectionMethod
from ..rules.statuses import CodStatus
from . import delivery, lifecycle, standing

TYPES = tuple(delivery.EVENTS)
# Statuses an event may be early for: the delivery leg before its outcome.
DEFERRABLE = frozenset({CodStatus.CONFIRMED}) | IN_TRANSIT


class Outcome(StrEnum):
    APPLIED = "applied"
    IGNORED = "ignored"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    UNKNOWN_ORDER = "unknown_order"
    DUPLICATE = "duplicate"  # never stored: the first copy keeps its own outcome


@dataclass(frozen=True)
class InboundEvent:
    event_id: str
    reference: str
    update: delivery.StatusUpdate
    payload: dict


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    error: CodError | None = None


class CourierChanged(Exception):
    """The courier is no longer stored as the caller read it (inactive, another secret, code or channels): nothing was
    recorded, and the event should be checked again with the courier as it is now."""


def receive(courier: Courier, event: InboundEvent, *, confirm_courier: bool = False) -> Receipt:
    """Record ``event`` unless its id is known, then apply it to the order when it is handed to this courier in a
    channel the courier serves; any other order (another courier's, or one with no courier yet) is an unknown
    order, exactly like a number that does not exist. With ``confirm_courier``, raise ``CourierChanged`` unless
    the courier is still active with the secret, code and channels it has here (checked once the order is locked)."""
    try:
        with transaction.atomic():
            return _receive(courier, event, confirm_courier)
    except _Rejected as rejected:  # everything the update wrote is rolled back: only the event is kept
        with transaction.atomic():
            inserted = _insert(courier, event, order=rejected.order, outcome=Outcome.REJECTED)
        return Receipt(Outcome.DUPLICATE) if inserted is None else Receipt(Outcome.REJECTED, rejected.error)


class _Rejected(Exception):
    def __init__(self, order: CodOrder, error: CodError):
        super().__init__(error.message)
        self.order, self.error = order, error


def _receive(courier: Courier, event: InboundEvent, confirm_courier: bool) -> Receipt:
    order = _lock_order(courier, event.reference, confirm_courier)
    if order is None:
        inserted = _insert(courier, event, order=None, outcome=Outcome.UNKNOWN_ORDER)
        return Receipt(Outcome.DUPLICATE if inserted is None else Outcome.UNKNOWN_ORDER)
    # Recorded as applied, the common case, and corrected below otherwise: one query fewer per event. The same
    # statement says whether the order has deferred events: read after the lock, it sees every event recorded
    # by the transactions that held the lock before this one (most orders have none; a partial index answers).
    has_deferred = _insert(courier, event, order=order, outcome=Outcome.APPLIED, with_deferred=True)
    if has_deferred is None:
        return Receipt(Outcome.DUPLICATE)
    try:
        outcome = _take(order, event.update, actor=_actor(courier))
    except CodError as error:
        raise _Rejected(order, error) from error
    if outcome is not Outcome.APPLIED:
        _set_outcome(courier.pk, event.event_id, outcome)
    elif has_deferred:
        _apply_deferred(order, courier)
    return Receipt(outcome)


def _current(courier: Courier):
    """The courier as stored, if still as the caller read it: active, with the same code, secret and channels."""
    stored = Courier.objects.filter(pk=courier.pk, code=courier.code, active=True, channels=courier.channels)
    return stored.filter(webhook_secret=courier.webhook_secret)


def _lock_query(reference: str, courier: Courier):
    current = _current(courier)
    # Only the courier's own orders are locked: another courier's is not this one's to wait for.
    order = CodOrder.objects.select_for_update().filter(order_number=reference, courier_id=courier.pk).order_by("pk")
    return order.annotate(courier_current=Exists(current))[:1]


def _lock_order(courier: Courier, reference: str, confirm_courier: bool) -> CodOrder | None:
    """The courier's order, locked; None when there is no such order, it is not handed to this courier or its
    channel is not one the courier serves. With
    ``confirm_courier``, ``CourierChanged`` unless the courier is stored as it is here (in the same query)."""
    order = next(iter(_lock_query(reference, courier)), None)
    if confirm_courier:
        current = order.courier_current if order is not None else _courier_current(courier)
        if not current:
            raise CourierChanged
    return order if order is not None and courier.serves(order.channel) else None


def _courier_current(courier: Courier) -> bool:
    return _current(courier).exists()


def _insert(
    courier: Courier, event: InboundEvent, *, order: CodOrder | None, outcome: Outcome, with_deferred: bool = False
) -> bool | None:
    """INSERT ... ON CONFLICT DO NOTHING, in one statement and without a savepoint: None when the event id is
    known, else whether ``order`` has deferred events (``with_deferred``), else True.

    A concurrent copy of the event waits on the unique index until the first commits, then finds it.
    """
    row = {
        "courier": courier.pk,
        "event_id": event.event_id,
        "order": order.pk if order is not None else None,
        "kind": event.update.status,
        "occurred_at": event.update.occurred_at,
        "payload": event.payload,
        "outcome": outcome.value,
        "received_at": timezone.now(),
    }
    values = [field.get_db_prep_save(row[field.name], connection) for field in _insert_fields()]
    if with_deferred:
        values += [order.pk, Outcome.DEFERRED.value]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, with_deferred), values)
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    return bool(inserted[1]) if with_deferred else True


@cache
def _insert_fields() -> list:
    return [field for field in CourierEvent._meta.concrete_fields if not field.primary_key]


@cache
def _insert_sql(vendor: str, with_deferred: bool) -> str:
    """The insert's SQL, built once per database vendor (quoting) and shape."""
    quote = connection.ops.quote_name
    table = quote(CourierEvent._meta.db_table)
    returning = quote(CourierEvent._meta.pk.column)
    if with_deferred:
        returning += ", EXISTS (SELECT 1 FROM {} WHERE {} = %s AND {} = %s)".format(
            table, quote(CourierEvent._meta.get_field("order").column), quote("outcome")
        )
    return "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}, {}) DO NOTHING RETURNING {}".format(
        table,
        ", ".join(quote(field.column) for field in _insert_fields()),
        ", ".join(["%s"] * len(_insert_fields())),
        quote("courier_id"),
        quote("event_id"),
        returning,
    )


def _take(order: CodOrder, update: delivery.StatusUpdate, *, actor: str) -> Outcome:
    """Apply, defer or ignore ``update``; raises ``CodError`` for an update the order cannot take."""
    if _is_early(order, update):
        return Outcome.DEFERRED
    outcome = Outcome(delivery.apply(order, update, actor=actor, tolerate_late=True))
    if outcome is Outcome.IGNORED:
        _keep_facts(order, update, actor=actor)
    return outcome


def _keep_facts(order: CodOrder, update: delivery.StatusUpdate, *, actor: str) -> None:
    """What a late event still tells: a "shipped" after the delivery brings the tracking number, and a refusal
    after the return to origin (which may follow a failed attempt too) is still the customer's refusal."""
    if update.tracking_number and not order.tracking_number:
        order.tracking_number = update.tracking_number
        order.save(update_fields=["tracking_number", "updated_at"])
    late_refusal = update.status == CodStatus.REFUSED and not order.refusal_reason
    if late_refusal and order.status == CodStatus.RETURNED_TO_ORIGIN:
        _refused_before_return(order, update, actor=actor)


def _refused_before_return(order: CodOrder, update: delivery.StatusUpdate, *, actor: str) -> None:
    reason = RefusalReason(update.reason)
    order.refusal_reason, order.refusal_note = reason.value, update.note
    order.save(update_fields=["refusal_reason", "refusal_note", "updated_at"])
    # The store heard nothing new: the return to origin already ended its order and restocked the goods.
    lifecycle.record(order, "refused_before_return", actor=actor, reason=reason.value, data={"note": update.note})
    standing.refused(order, reason, actor=actor)


def _is_early(order: CodOrder, update: delivery.StatusUpdate) -> bool:
    """Not older than anything applied, yet impossible from where the order is: an event in between is missing
    (a second failed attempt before the "out for delivery" between the two)."""
    last = order.last_courier_event_at
    not_older = last is None or update.occurred_at >= last
    impossible = lifecycle_rules.target(delivery.EVENTS[update.status], order.status) is None
    return not_older and impossible and order.status in DEFERRABLE


def _apply_deferred(order: CodOrder, courier: Courier) -> None:
    """Events that came before the ones they follow, tried again in the order they happened."""
    waiting = CourierEvent.objects.filter(order=order, outcome=Outcome.DEFERRED).order_by("occurred_at", "pk")
    for row in waiting:
        try:
            update = parse_event(row.payload).update
        except CodError:  # kept before today's bounds (a longer note), it can no longer be taken
            update = None
        outcome = Outcome.REJECTED if update is None else _retry(order, update, actor=_actor(courier))
        if outcome is not Outcome.DEFERRED:
            _set_outcome(row.courier_id, row.event_id, outcome)


def _retry(order: CodOrder, update: delivery.StatusUpdate, *, actor: str) -> Outcome:
    try:
        with transaction.atomic():  # a retry the order cannot take leaves the event that triggered it whole
            return _take(order, update, actor=actor)
    except CodError:
        order.refresh_from_db()  # the instance may hold changes that were just rolled back
        return Outcome.REJECTED


def _set_outcome(courier_pk: int, event_id: str, outcome: Outcome) -> None:
    CourierEvent.objects.filter(courier_id=courier_pk, event_id=event_id).update(outcome=outcome)


def _actor(courier: Courier) -> str:
    return f"courier:{courier.code}"


# --- the event as the courier sends it ---------------------------------------------------------------------------


def parse_event(body: object) -> InboundEvent:
    """The courier's JSON event, checked (``rules.bounds``); raises ``CodError`` (``required`` or ``invalid``)
    with the field. Every string of the body is checked, as the body is stored whole."""
    if not isinstance(body, dict):
        raise CodError(CodErrorCode.INVALID, _("The event must be a JSON object."))
    bounds.refuse_unstorable_json(body, field="")
    event_id = _text(body, "event_id", max_length=limits.EVENT_ID)
    status = _text(body, "type", max_length=limits.EVENT_TYPE)
    if status not in TYPES:
        raise CodError(CodErrorCode.INVALID, _("Unknown event type."), field="type")
    reference = _text(body, "reference", max_length=limits.ORDER_NUMBER)
    occurred_at = _occurred_at(body)
    return InboundEvent(event_id=event_id, reference=reference, update=_update(status, occurred_at, body), payload=body)


def _update(status: str, occurred_at: datetime, body: dict) -> delivery.StatusUpdate:
    data = _object(body, "data")
    tracking = _text(
        data, "tracking_number", field="data.tracking_number", max_length=limits.TRACKING_NUMBER, required=False
    )
    return delivery.StatusUpdate(
        status=status,
        occurred_at=occurred_at,
        tracking_number=tracking,
        window=_window(data),
        reason=_reason(status, data),
        note=_text(data, "note", field="data.note", max_length=limits.NOTE, required=False),
        collected=_collected(data),
    )


def _reason(status: str, data: dict) -> str:
    refused = status == CodStatus.REFUSED
    reason = _text(data, "reason", field="data.reason", max_length=limits.REASON, required=refused)
    if refused and reason not in set(RefusalReason):
        raise CodError(CodErrorCode.INVALID, _("Unknown refusal reason."), field="data.reason")
    return reason


def _text(source: dict, key: str, *, field: str = "", max_length: int, required: bool = True) -> str:
    # Sent as is: kept unstripped, as the courier's signature covers it.
    return bounds.text(source.get(key), field=field or key, max_length=max_length, required=required, strip=False)


def _object(source: dict, key: str, *, field: str = "") -> dict:
    value = source.get(key) or {}
    if not isinstance(value, dict):
        raise CodError(CodErrorCode.INVALID, _("Give a JSON object."), field=field or key)
    return value


def _occurred_at(body: dict) -> datetime:
    moment = bounds.parse_moment(body.get("occurred_at"), field="occurred_at")
    # An event from the future would make every real one after it look late.
    if moment > timezone.now() + timedelta(seconds=tolerance_seconds()):
        raise CodError(CodErrorCode.INVALID, _("The event cannot have happened in the future."), field="occurred_at")
    return moment


def _window(data: dict) -> delivery.Window | None:
    """The window as sent; its horizon is the order's channel's, checked by ``delivery.apply``."""
    window = _object(data, "window", field="data.window")
    if not window:
        return None
    start = bounds.parse_moment(window.get("start"), field="data.window.start")
    end = bounds.parse_moment(window.get("end"), field="data.window.end")
    if end <= start:
        raise CodError(CodErrorCode.INVALID, _("The window must end after it starts."), field="data.window")
    return delivery.Window(start=start, end=end)


def _collected(data: dict) -> delivery.Collected | None:
    collected = _object(data, "collected", field="data.collected")
    if not collected:
        return None
    method = _text(collected, "method", field="data.collected.method", max_length=limits.METHOD)
    if method not in CollectionMethod.ALL:
        raise CodError(CodErrorCode.INVALID, _("Unknown collection method."), field="data.collected.method")
    currency = _currency(collected)
    return delivery.Collected(
        amount=bounds.amount(collected.get("amount"), field="data.collected.amount", currency=currency),
        currency=currency,
        method=method,
        receipt=_text(collected, "receipt", field="data.collected.receipt", max_length=limits.RECEIPT, required=False),
    )


def _currency(collected: dict) -> str:
    field = "data.collected.currency"
    return _text(collected, "currency", field=field, max_length=limits.CURRENCY).upper()
