"""What a refusal does to a customer's standing: strikes, penalty, suspension, revocation."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ..money import round_money
from .lifecycle import RefusalReason, is_strike


@dataclass(frozen=True)
class Standing:
    strikes: int
    suspensions: int
    fake_orders: int
    revoked: bool
    suspended_until: datetime | None


@dataclass(frozen=True)
class PenaltyPolicy:
    strikes_to_suspend: int = 3
    suspension: timedelta = timedelta(days=90)
    fake_orders_to_revoke: int = 2
    suspensions_to_revoke: int = 2


def penalty_amount(*, shipping: Decimal, fee: Decimal, currency: str) -> Decimal:
    """Round-trip shipping plus the COD fee (DOMAIN: refusal without a valid reason)."""
    return round_money(shipping * 2 + fee, currency)


def after_refusal(standing: Standing, reason: RefusalReason, *, now: datetime, policy: PenaltyPolicy) -> Standing:
    """The standing after a refusal: unchanged unless the refusal is the customer's fault."""
    if not is_strike(reason):
        return standing
    strikes, suspensions, suspended_until = standing.strikes + 1, standing.suspensions, standing.suspended_until
    fake_orders = standing.fake_orders + (reason is RefusalReason.FAKE_ORDER)
    if strikes % policy.strikes_to_suspend == 0:
        suspensions += 1
        suspended_until = now + policy.suspension
    revoked = (
        standing.revoked or fake_orders >= policy.fake_orders_to_revoke or (suspensions >= policy.suspensions_to_revoke)
    )
    return Standing(
        strikes=strikes,
        suspensions=suspensions,
        fake_orders=fake_orders,
        revoked=revoked,
        suspended_until=suspended_until,
    )
