"""Reading a customer's COD profile, and opening one when the first COD order is placed."""

from decimal import Decimal

from django.utils import timezone

from ..host import CustomerSnapshot
from ..models import CodCustomerProfile
from ..rules.policy import PolicySnapshot
from ..rules.tiers import ProfileSnapshot, Tier, compute_tier, tier_limit


def find_profile(customer: CustomerSnapshot) -> CodCustomerProfile | None:
    return CodCustomerProfile.objects.filter(customer_key=customer.profile_key).first()


def to_snapshot(profile: CodCustomerProfile | None) -> ProfileSnapshot:
    if profile is None:
        return ProfileSnapshot()
    penalty = profile.outstanding_penalty
    return ProfileSnapshot(
        completed_orders=profile.completed_orders,
        strikes=profile.strikes,
        suspensions=profile.suspensions,
        suspended_until=profile.suspended_until,
        revoked=profile.revoked,
        b2b_verified=profile.b2b_verified,
        b2b_limit=profile.b2b_limit.amount if profile.b2b_limit is not None else None,
        outstanding_penalty=penalty.amount if penalty is not None else Decimal(0),
        penalty_currency=str(penalty.currency) if penalty is not None else "",
    )


def open_profile(customer: CustomerSnapshot) -> CodCustomerProfile:
    profile, _ = CodCustomerProfile.objects.get_or_create(
        customer_key=customer.profile_key, defaults={"email": customer.email, "phone": customer.phone}
    )
    return profile


def describe_customer(customer: CustomerSnapshot, policy: PolicySnapshot) -> tuple[ProfileSnapshot, Tier, Decimal]:
    """The customer's profile, tier and order limit under this channel policy."""
    snapshot = to_snapshot(find_profile(customer))
    tier = compute_tier(snapshot, now=timezone.now(), trusted_after=policy.trusted_after_completed_orders)
    return snapshot, tier, tier_limit(tier, snapshot, policy)
