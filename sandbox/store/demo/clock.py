"""When the demo's steps happened: the flows stamp every row with the time they run, seconds apart; afterwards the
rows of each order are moved to the times the story gives, so that lists, timelines and the overview's 30-day rates
read like a few weeks of trade.

This is the one write that is no flow's: it changes dates only, and only of the demo's own rows. A row made during a
step keeps its distance from the step's start, so a NO_ANSWER's next call stays its channel's interval after the call
(a retry is due when the story says so) and a received return's refund due date is computed again from its new date.
Delivery windows are not moved: the steps set them from the story's times already. Messages are sent once the
whole story commits; ``sent_when_queued`` then dates each as sent when it was queued.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from cod_plugin.flows import returns, standing
from cod_plugin.models import (
    CodOrder,
    CodOrderDeposit,
    CodOrderEvent,
    CodPaymentClaim,
    CodPaymentRecord,
    CodProfileEvent,
    CodRefund,
    CodReturnPhoto,
    CodReturnRequest,
    Notification,
)

from ..models import DepositPayment, Order
from ..selectors import parse_pk

# Each model with its dates, and the lookup from it to the COD order.
DATED = (
    (CodOrder, "pk", ("created_at", "updated_at", "next_call_at")),
    (CodOrderEvent, "order", ("created_at",)),
    (CodPaymentClaim, "order", ("created_at",)),
    (CodPaymentRecord, "order", ("created_at",)),
    (CodReturnRequest, "order", ("created_at", "updated_at", "decided_at", "received_at")),
    (CodReturnPhoto, "return_request__order", ("created_at",)),
    (CodRefund, "order", ("created_at", "paid_at")),
    (CodProfileEvent, "order", ("created_at",)),
    (Notification, "order", ("created_at",)),
    (CodOrderDeposit, "order", ("created_at", "expires_at", "paid_at")),
)


@dataclass
class Clock:
    """Pairs of (when a step really ran, when the story puts it), in the order the steps ran."""

    real: list[datetime] = field(default_factory=list)
    story: list[datetime] = field(default_factory=list)

    def step(self, at: datetime) -> None:
        self.real.append(timezone.now())
        self.story.append(at)

    def moved(self, when: datetime) -> datetime:
        """``when`` as far after its step's story time as it really was after the step's start."""
        index = max(bisect_right(self.real, when) - 1, 0)
        return self.story[index] + (when - self.real[index])


def backdate(order: CodOrder, clock: Clock) -> None:
    for model, lookup, names in DATED:
        _move(model.objects.filter(**{lookup: order.pk}), names, clock)
    _move(Order.objects.filter(pk=parse_pk(order.order_ref)), ("created_at",), clock)
    _move(
        DepositPayment.objects.filter(order_id=parse_pk(order.order_ref)),
        ("created_at", "expires_at", "paid_at"),
        clock,
    )
    _refund_due_again(order)


def _move(rows, names: tuple[str, ...], clock: Clock) -> None:
    for row in rows.values("pk", *names):
        dates = {name: clock.moved(row[name]) for name in names if row[name] is not None}
        rows.model.objects.filter(pk=row["pk"]).update(**dates)


def _refund_due_again(order: CodOrder) -> None:
    policy = standing.policy_for(order)
    for return_request in CodReturnRequest.objects.filter(order=order, received_at__isnull=False):
        received_on = timezone.localdate(return_request.received_at)
        due = returns.refund_due(order, policy, received_on=received_on)
        CodReturnRequest.objects.filter(pk=return_request.pk).update(refund_due=due)


def sent_when_queued(order_pks: list[int]) -> None:
    Notification.objects.filter(order__in=order_pks, sent_at__isnull=False).update(sent_at=F("created_at"))
