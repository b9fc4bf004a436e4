"""Periodic sweeps: orders left unpaid past their appointment, too many failed attempts, unverified claims,
deposits unpaid past their deadline.

Each order is handled under its own row lock (``skip_locked``: a sweep never waits on a courier's update, the
next run takes what it skipped), with a timeline event, exactly as an interactive change would be.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import CodOrder, CodOrderEvent, CodPolicy, Notification
from ..rules.lifecycle import Event
from ..rules.risk import RiskSettings
from ..rules.statuses import CodStatus
from . import lifecycle, order_deposits, screening, standing

AWAITING_DELIVERY = (CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERY_FAILED)
BATCH = 500


def _policies() -> dict[str, CodPolicy]:
    return {policy.channel: policy for policy in CodPolicy.objects.all()}


def _policy(policies: dict[str, CodPolicy], channel: str) -> CodPolicy:
    return policies.get(channel) or CodPolicy(channel=channel)


def _cancel(order: CodOrder, reason: str) -> None:
    lifecycle.move(order, Event.CANCEL, actor="system", reason=reason)  # the store's order too (store_sync)


def cancel_overdue_deliveries(*, now=None) -> int:
    """Cancel orders unpaid past their appointment (plus the channel's grace) or with too many failed attempts."""
    now, policies, cancelled = now or timezone.now(), _policies(), 0
    defaults = CodPolicy()
    least_grace = min([p.unpaid_grace_hours for p in policies.values()] + [defaults.unpaid_grace_hours])
    least_attempts = min([p.max_reschedules for p in policies.values()] + [defaults.max_reschedules])
    due = Q(appointment_end__lt=now - timedelta(hours=least_grace)) | Q(delivery_failures__gt=least_attempts)
    with transaction.atomic():
        candidates = (
            CodOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due, status__in=AWAITING_DELIVERY, payment__isnull=True)
            .order_by("pk")[:BATCH]
        )
        for order in candidates:
            reason = _overdue_reason(order, _policy(policies, order.channel), now)
            if reason:
                _cancel(order, reason)
                cancelled += 1
    return cancelled


def _overdue_reason(order: CodOrder, policy: CodPolicy, now) -> str | None:
    if order.appointment_end and order.appointment_end + timedelta(hours=policy.unpaid_grace_hours) < now:
        return "unpaid_after_appointment"
    if order.delivery_failures > policy.max_reschedules:
        return "too_many_failed_attempts"
    return None


def flag_unverified_claims(*, now=None) -> int:
    """A "Paid" claim that no courier record has backed after the channel's grace days goes to support."""
    now, policies, flagged = now or timezone.now(), _policies(), 0
    with transaction.atomic():
        candidates = (
            CodOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("claim")
            .filter(claim__isnull=False, payment__isnull=True, claim_unverified=False)[:BATCH]
        )
        for order in candidates:
            if order.claim.created_at + timedelta(days=_policy(policies, order.channel).claim_grace_days) > now:
                continue
            order.claim_unverified = True
            order.save(update_fields=["claim_unverified", "updated_at"])
            lifecycle.record(order, "claim_unverified", actor="system", data={"reference": order.claim.reference})
            flagged += 1
    return flagged


def end_suspensions(*, now=None) -> int:
    with transaction.atomic():
        return standing.end_suspensions(now=now)


LINK_UNOPENED = "link_not_opened"


def rescreen_unopened_links(*, now=None) -> int:
    """Screen again, once, each pending order whose confirmation link went out more than the limit ago
    (``RiskSettings.link_unopened_hours``) and was never opened: the signal joins its score, and its action may
    tighten to an agent's call. The timeline's ``risk_assessed`` event with this reason marks it done."""
    now = now or timezone.now()
    sent_before = now - timedelta(hours=RiskSettings().link_unopened_hours)
    sent = Notification.objects.filter(
        order=OuterRef("pk"), kind=screening.CONFIRMATION_REQUEST, sent_at__lte=sent_before
    )
    done = CodOrderEvent.objects.filter(order=OuterRef("pk"), kind=screening.ASSESSED, reason=LINK_UNOPENED)
    screened = 0
    with transaction.atomic():
        candidates = (
            CodOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Exists(sent), ~Exists(done), status=CodStatus.PENDING_CONFIRMATION, link_opened_at__isnull=True)
            .order_by("pk")[:BATCH]
        )
        for order in candidates:
            screening.screen(order, actor="system", reason=LINK_UNOPENED)
            screened += 1
    return screened


def expire_deposits(*, now=None) -> int:
    """Cancel the orders whose deposit is unpaid past its deadline (``order_deposits.expire_deposits``)."""
    return order_deposits.expire_deposits(now=now)
