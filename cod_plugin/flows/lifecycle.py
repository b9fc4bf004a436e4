"""Every status change of a COD order goes through here: row lock, transition check, timeline event, and what the
store is told of it (``store_sync``)."""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..conf import INLINE, app_settings
from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder, CodOrderEvent
from ..rules import lifecycle
from ..rules.lifecycle import Event
from . import store_sync

logger = logging.getLogger(__name__)


def lock(order_pk: int) -> CodOrder:
    """The order, locked until the end of the transaction; call inside ``transaction.atomic``."""
    order = CodOrder.objects.select_for_update().filter(pk=order_pk).first()
    if order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    return order


def record(
    order: CodOrder,
    kind: str,
    *,
    actor: str,
    reason: str = "",
    data: dict | None = None,
    from_status: str = "",
    to_status: str = "",
) -> CodOrderEvent:
    event = _timeline(order, kind, actor=actor, reason=reason, data=data, from_status=from_status, to_status=to_status)
    event.save(force_insert=True)
    return event


def _timeline(
    order: CodOrder, kind: str, *, actor: str, reason: str, data: dict | None, from_status: str, to_status: str
) -> CodOrderEvent:
    return CodOrderEvent(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        data=data or {},
    )


def invalid(order: CodOrder, event: Event) -> CodError:
    message = _("An order that is %(status)s cannot take “%(event)s”.") % {
        "status": order.get_status_display(),
        "event": event.value,
    }
    return CodError(CodErrorCode.INVALID_TRANSITION, message, field="status", status=order.status)


def move(
    order: CodOrder,
    event: Event,
    *,
    actor: str,
    reason: str = "",
    data: dict | None = None,
    fields: dict[str, Any] | None = None,
    partial: bool = False,
    tell_store: bool = True,
) -> CodOrder:
    """Apply ``event`` to the locked order, with the other ``fields`` that change with it, or raise.

    The whole row is saved, with whatever else the caller changed on the instance; with ``partial`` only the
    status, ``fields`` and ``updated_at`` are written (for callers that changed nothing else). Then the store is
    told (``store_sync``), unless the change comes from the store (``tell_store=False``). A cancel or a return
    to origin settles the order's deposit, if it has one (``order_deposits.order_ended``)."""
    to = lifecycle.target(event, order.status)
    if to is None:
        raise invalid(order, event)
    before = order.status
    order.status = to
    fields = fields or {}
    for name, value in fields.items():
        setattr(order, name, value)
    timeline = _timeline(order, event.value, actor=actor, reason=reason, data=data, from_status=before, to_status=to)
    if partial:
        order.save(update_fields=list(dict.fromkeys(["status", *fields, "updated_at"])))
    else:
        order.save()
    timeline.save(force_insert=True)
    if tell_store:
        store_sync.moved(order, event, before, reason=reason, data=data or {})
    if event in (Event.CANCEL, Event.RETURN_TO_ORIGIN):
        from . import order_deposits  # it moves orders itself

        order_deposits.order_ended(order, event, before)
    return order


def is_late(order: CodOrder, event: Event) -> bool:
    """Whether ``event`` cannot apply because the order is already past where it leads (or its delivery is over)."""
    if lifecycle.target(event, order.status) is not None:
        return False
    _, to = lifecycle.TRANSITIONS[event]
    return lifecycle.is_delivery_over(order.status) or lifecycle.PROGRESS[to] <= lifecycle.PROGRESS[order.status]


def on_commit(task, *args) -> None:
    """Run ``task`` with ``args`` once the current transaction commits (never when it rolls back): sent to Celery,
    or with ``COD_TASKS = "inline"`` run here, for stores without a worker. Every task of the plugin goes this way."""
    if app_settings.TASKS == INLINE:
        transaction.on_commit(lambda: _run_inline(task, args))
    else:
        transaction.on_commit(lambda: task.delay(*args))


def _run_inline(task, args: tuple) -> None:
    """Call the task's function in this process. The request that asked for it has committed and succeeded, so a
    failure is logged rather than raised at the customer; the task's own retries are Celery's and do not happen
    here (a message left pending is sent again by ``manage.py cod_sweep``)."""
    try:
        task(*args)
    except Exception:
        logger.exception("COD task %s%r failed (COD_TASKS = inline)", task.name, args)
