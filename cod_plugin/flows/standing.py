"""Changes to a customer's COD standing, each an event with its cause: strikes, penalties, completions."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from djmoney.money import Money

from ..models import CodCustomerProfile, CodOrder, CodPolicy, CodProfileEvent
from ..rules import penalties
from ..rules.lifecycle import RefusalReason, is_strike
from .eligibility import read_rate


def policy_for(order: CodOrder) -> CodPolicy:
    """The order's channel policy; an unsaved one with the shipped defaults when the channel has none."""
    return CodPolicy.objects.filter(channel=order.channel).first() or CodPolicy(channel=order.channel)


def lock_profile(order: CodOrder) -> CodCustomerProfile:
    profile, _ = CodCustomerProfile.objects.select_for_update().get_or_create(customer_key=order.customer_key)
    return profile


def note(profile, kind: str, *, order=None, actor="", reason="", **data) -> None:
    CodProfileEvent.objects.create(profile=profile, order=order, kind=kind, actor=actor, reason=reason, data=data)


def completed(order: CodOrder, *, actor: str) -> None:
    profile = lock_profile(order)
    CodCustomerProfile.objects.filter(pk=profile.pk).update(completed_orders=F("completed_orders") + 1)
    note(profile, "order_completed", order=order, actor=actor)


def refused(order: CodOrder, reason: RefusalReason, *, actor: str) -> None:
    """A refusal at the door: without fault, no strike and the whole paid deposit goes back; with one, the strike,
    and a penalty that the paid deposit covers first (the rest of the deposit goes back, the rest of the penalty
    is owed)."""
    from . import order_deposits  # it reads the policy from here

    profile = lock_profile(order)
    if not is_strike(reason):
        order_deposits.cover_penalty(order, Decimal(0), strike=False)
        note(profile, "refusal_without_fault", order=order, actor=actor, reason=reason.value)
        return
    policy = policy_for(order)
    rules = penalties.PenaltyPolicy(
        strikes_to_suspend=policy.strikes_to_suspend, suspension=timedelta(days=policy.suspension_days)
    )
    before = _standing(profile)
    after = penalties.after_refusal(before, reason, now=timezone.now(), policy=rules)
    penalty = penalties.penalty_amount(
        shipping=order.shipping_amount.amount, fee=order.fee.amount, currency=str(order.fee.currency)
    )
    covered = order_deposits.cover_penalty(order, penalty, strike=True)
    owed = penalty - covered
    _apply(profile, after, _add_penalty(profile.outstanding_penalty, Money(owed, order.fee.currency)))
    deposit = {"covered_by_deposit": str(covered)} if covered else {}
    note(
        profile,
        "strike",
        order=order,
        actor=actor,
        reason=reason.value,
        strikes=after.strikes,
        penalty=str(penalty),
        currency=str(order.fee.currency),
        **deposit,
    )
    if after.suspensions > before.suspensions:
        note(profile, "suspended", order=order, actor=actor, until=after.suspended_until.isoformat())
    if after.revoked and not before.revoked:
        note(profile, "revoked", order=order, actor=actor, reason=reason.value)


def _standing(profile: CodCustomerProfile) -> penalties.Standing:
    return penalties.Standing(
        strikes=profile.strikes,
        suspensions=profile.suspensions,
        fake_orders=profile.fake_orders,
        revoked=profile.revoked,
        suspended_until=profile.suspended_until,
    )


def _apply(profile: CodCustomerProfile, standing: penalties.Standing, penalty: Money) -> None:
    profile.strikes, profile.suspensions = standing.strikes, standing.suspensions
    profile.fake_orders, profile.revoked = standing.fake_orders, standing.revoked
    profile.suspended_until, profile.outstanding_penalty = standing.suspended_until, penalty
    profile.save()


def _add_penalty(outstanding: Money | None, penalty: Money) -> Money:
    """Penalties add up in the currency the customer already owes in (the new one when nothing is owed)."""
    if outstanding is None or not outstanding.amount:
        return penalty
    if outstanding.currency == penalty.currency:
        return outstanding + penalty
    rate = read_rate(str(penalty.currency), str(outstanding.currency))
    if rate is None:  # no way to add them up: the newest debt is kept whole rather than a guess of both
        return penalty
    return outstanding + Money(penalty.amount * rate, outstanding.currency)


def end_suspensions(*, now=None) -> int:
    """Periodic: suspensions that ran out end, each with an event; the tier follows by itself."""
    now = now or timezone.now()
    ended = 0
    for profile in CodCustomerProfile.objects.select_for_update(skip_locked=True).filter(suspended_until__lte=now):
        profile.suspended_until = None
        profile.save(update_fields=["suspended_until", "updated_at"])
        note(profile, "suspension_ended", actor="system")
        ended += 1
    return ended
