from datetime import UTC, datetime, timedelta
from decimal import Decimal

from cod_plugin.rules.tiers import ProfileSnapshot, Tier, compute_tier, tier_limit

from .builders import policy

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def tier(**profile):
    return compute_tier(ProfileSnapshot(**profile), now=NOW, trusted_after=5)


def test_more_than_five_completed_orders_without_violation_is_trusted():
    assert tier(completed_orders=5) is Tier.NEW
    assert tier(completed_orders=6) is Tier.TRUSTED
    assert tier(completed_orders=6, strikes=1) is Tier.NEW
    assert tier(completed_orders=9, suspensions=1) is Tier.NEW


def test_suspension_ends_by_itself_and_revocation_wins():
    assert tier(suspended_until=NOW + timedelta(days=1), completed_orders=9) is Tier.SUSPENDED
    assert tier(suspended_until=NOW - timedelta(seconds=1)) is Tier.NEW
    assert tier(revoked=True, b2b_verified=True, b2b_limit=Decimal(1)) is Tier.REVOKED


def test_limits_per_tier():
    b2b = ProfileSnapshot(b2b_verified=True, b2b_limit=Decimal(20000))
    assert compute_tier(b2b, now=NOW, trusted_after=5) is Tier.B2B
    assert tier_limit(Tier.B2B, b2b, policy()) == Decimal(20000)
    assert tier_limit(Tier.NEW, ProfileSnapshot(), policy()) == Decimal(500)
    assert tier_limit(Tier.TRUSTED, ProfileSnapshot(), policy()) == Decimal(2000)
    assert tier_limit(Tier.SUSPENDED, ProfileSnapshot(), policy()) == Decimal(0)
