"""Customer permission tiers, computed from the profile's counters, and the order limit of each tier."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from .policy import PolicySnapshot


class Tier(StrEnum):
    NEW = "new"
    TRUSTED = "trusted"
    B2B = "b2b"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ProfileSnapshot:
    completed_orders: int = 0
    strikes: int = 0
    suspensions: int = 0
    suspended_until: datetime | None = None
    revoked: bool = False
    b2b_verified: bool = False
    b2b_limit: Decimal | None = None
    outstanding_penalty: Decimal = Decimal(0)
    penalty_currency: str = ""

    @property
    def has_violations(self) -> bool:
        return self.strikes > 0 or self.suspensions > 0


def compute_tier(profile: ProfileSnapshot, *, now: datetime, trusted_after: int) -> Tier:
    if profile.revoked:
        return Tier.REVOKED
    if profile.suspended_until is not None and profile.suspended_until > now:
        return Tier.SUSPENDED
    if profile.b2b_verified and profile.b2b_limit is not None:
        return Tier.B2B
    if profile.completed_orders > trusted_after and not profile.has_violations:
        return Tier.TRUSTED
    return Tier.NEW


def tier_limit(tier: Tier, profile: ProfileSnapshot, policy: PolicySnapshot) -> Decimal:
    """The largest amount to collect for this tier, in the policy's limit currency."""
    limits = {
        Tier.NEW: policy.new_customer_limit,
        Tier.TRUSTED: policy.trusted_customer_limit,
        Tier.B2B: profile.b2b_limit or Decimal(0),
    }
    return limits.get(tier, Decimal(0))
