"""Support's changes to a customer's COD standing: suspend, restore, revoke, verify a B2B account with its limit,
and settle the outstanding penalty. Each takes a reason and leaves one profile event with the standing before and
after; the tier is never stored, it follows from the profile (``rules/tiers.py``)."""

from datetime import datetime, timedelta
from decimal import Decimal

from babel.numbers import is_currency
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ..conf import app_settings
from ..error_codes import CodError, CodErrorCode
from ..models import CodCustomerProfile, CodPolicy, CodProfileEvent
from ..models.base import AMOUNT
from ..money import fits, minor_units, round_money
from ..rules.tiers import Tier, compute_tier, tier_limit
from . import policies
from .profiles import to_snapshot

REASON_LENGTH = CodProfileEvent._meta.get_field("reason").max_length
LONGEST_SUSPENSION_DAYS = 3650


def suspend(profile_pk: int, *, days_or_until: int | datetime, reason: str, actor: str) -> CodCustomerProfile:
    """Suspend COD for ``days_or_until`` days from now, or until that moment; a running suspension gets the new end."""
    reason = _require_reason(reason)
    until = _suspension_end(days_or_until)
    with transaction.atomic():
        profile = _lock(profile_pk)
        if profile.revoked:
            message = _("COD is revoked for this customer: restore it first.")
            raise CodError(CodErrorCode.INVALID, message, field="until")
        before = standing(profile)
        if not _is_suspended(profile):
            profile.suspensions += 1
        profile.suspended_until = until
        _save(profile, "suspensions", "suspended_until")
        _audit(profile, "suspended", actor=actor, reason=reason, before=before)
    return profile


def restore(profile_pk: int, *, reason: str, actor: str) -> CodCustomerProfile:
    """End a suspension or a revocation. Strikes, past suspensions and the outstanding penalty stay: they are the
    customer's record, and a penalty still owed keeps COD closed until it is settled."""
    reason = _require_reason(reason)
    with transaction.atomic():
        profile = _lock(profile_pk)
        if not (profile.revoked or _is_suspended(profile)):
            raise CodError(CodErrorCode.INVALID, _("COD is neither suspended nor revoked for this customer."))
        before = standing(profile)
        profile.suspended_until, profile.revoked = None, False
        _save(profile, "suspended_until", "revoked")
        _audit(profile, "restored", actor=actor, reason=reason, before=before)
    return profile


def revoke(profile_pk: int, *, reason: str, actor: str) -> CodCustomerProfile:
    reason = _require_reason(reason)
    with transaction.atomic():
        profile = _lock(profile_pk)
        if profile.revoked:
            raise CodError(CodErrorCode.INVALID, _("COD is already revoked for this customer."))
        before = standing(profile)
        profile.revoked = True
        _save(profile, "revoked")
        _audit(profile, "revoked", actor=actor, reason=reason, before=before)
    return profile


def verify_b2b(profile_pk: int, *, limit: Decimal, currency: str, reason: str, actor: str) -> CodCustomerProfile:
    """A verified business account, with its own order limit; verifying again changes the limit."""
    reason = _require_reason(reason)
    currency = _require_limit(limit, (currency or "").strip().upper())
    with transaction.atomic():
        profile = _lock(profile_pk)
        before = standing(profile)
        profile.b2b_verified, profile.b2b_limit = True, Money(limit, currency)
        _save(profile, "b2b_verified", "b2b_limit", "b2b_limit_currency")
        _audit(profile, "b2b_verified", actor=actor, reason=reason, before=before)
    return profile


def settle_penalty(profile_pk: int, *, reason: str, actor: str) -> CodCustomerProfile:
    """The customer paid the whole outstanding penalty."""
    reason = _require_reason(reason)
    with transaction.atomic():
        profile = _lock(profile_pk)
        owed = profile.outstanding_penalty
        if owed is None or owed.amount <= 0:
            raise CodError(CodErrorCode.INVALID, _("This customer owes no penalty."))
        before = standing(profile)
        profile.outstanding_penalty = Money(0, owed.currency)
        _save(profile, "outstanding_penalty", "outstanding_penalty_currency")
        _audit(profile, "penalty_settled", actor=actor, reason=reason, before=before, settled=_money(owed))
    return profile


def tier_of(profile: CodCustomerProfile) -> Tier:
    return compute_tier(
        to_snapshot(profile), now=timezone.now(), trusted_after=app_settings.TRUSTED_AFTER_COMPLETED_ORDERS
    )


def limit_of(profile: CodCustomerProfile) -> Money:
    """The order limit under the store-wide tier limits (a channel's policy may state others): the B2B limit of a
    verified account, nothing while suspended or revoked."""
    tier = tier_of(profile)
    if tier == Tier.B2B:
        return profile.b2b_limit
    defaults = policies.limits_for(None)
    return Money(tier_limit(tier, to_snapshot(profile), defaults), defaults.limit_currency)


def standing(profile: CodCustomerProfile) -> dict:
    """The profile's standing as the audit keeps it (JSON)."""
    until = profile.suspended_until
    return {
        "tier": tier_of(profile).value,
        "strikes": profile.strikes,
        "suspensions": profile.suspensions,
        "suspended_until": until.isoformat() if until else None,
        "revoked": profile.revoked,
        "b2b_verified": profile.b2b_verified,
        "b2b_limit": _money(profile.b2b_limit),
        "outstanding_penalty": _money(profile.outstanding_penalty),
    }


def limit_currencies() -> list[str]:
    """The currencies that tier limits are stated in: a B2B limit is compared with them as a plain amount."""
    used = set(CodPolicy.objects.values_list("limit_currency", flat=True))
    return sorted(used | {app_settings.LIMIT_CURRENCY})


def _lock(profile_pk: int) -> CodCustomerProfile:
    profile = CodCustomerProfile.objects.select_for_update().filter(pk=profile_pk).first()
    if profile is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Customer profile not found."), field="profile")
    return profile


def _save(profile: CodCustomerProfile, *fields: str) -> None:
    profile.save(update_fields=[*fields, "updated_at"])


def _audit(profile: CodCustomerProfile, kind: str, *, actor: str, reason: str, before: dict, **data) -> None:
    data = {"before": before, "after": standing(profile), **data}
    CodProfileEvent.objects.create(profile=profile, kind=kind, actor=actor, reason=reason, data=data)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CodError(CodErrorCode.REQUIRED, _("Give a reason."), field="reason")
    if len(reason) > REASON_LENGTH:
        message = _("Keep the reason under %(count)s characters.") % {"count": REASON_LENGTH + 1}
        raise CodError(CodErrorCode.INVALID, message, field="reason")
    return reason


def _suspension_end(days_or_until: int | datetime) -> datetime:
    now = timezone.now()
    if isinstance(days_or_until, datetime):
        if days_or_until <= now:
            raise CodError(CodErrorCode.INVALID, _("A suspension ends in the future."), field="until")
        return days_or_until
    if isinstance(days_or_until, bool) or not isinstance(days_or_until, int):
        raise CodError(CodErrorCode.INVALID, _("Give a number of days or an end date."), field="until")
    if not 1 <= days_or_until <= LONGEST_SUSPENSION_DAYS:
        message = _("A suspension lasts from 1 to %(days)s days.") % {"days": LONGEST_SUSPENSION_DAYS}
        raise CodError(CodErrorCode.INVALID, message, field="until")
    return now + timedelta(days=days_or_until)


def _require_limit(limit: Decimal, currency: str) -> str:
    if not is_currency(currency):
        raise CodError(CodErrorCode.INVALID, _("Unknown currency: %(code)s.") % {"code": currency}, field="currency")
    if currency not in limit_currencies():
        message = _("Limits are stated in %(codes)s.") % {"codes": ", ".join(limit_currencies())}
        raise CodError(CodErrorCode.CURRENCY_MISMATCH, message, field="currency")
    if not isinstance(limit, Decimal) or not limit.is_finite() or limit <= 0:
        raise CodError(CodErrorCode.INVALID, _("The limit must be more than zero."), field="limit")
    if not fits(limit, **AMOUNT):
        raise CodError(CodErrorCode.INVALID, _("The limit is too large."), field="limit")
    if round_money(limit, currency) != limit:
        message = _("%(code)s amounts have %(places)s decimals at most.") % {
            "code": currency,
            "places": minor_units(currency),
        }
        raise CodError(CodErrorCode.INVALID, message, field="limit")
    return currency


def _is_suspended(profile: CodCustomerProfile) -> bool:
    return profile.suspended_until is not None and profile.suspended_until > timezone.now()


def _money(value: Money | None) -> dict | None:
    if value is None:
        return None
    currency = str(value.currency)
    return {"amount": str(round_money(value.amount, currency)), "currency": currency}
