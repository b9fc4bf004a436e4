"""Checking a checkout for COD as it is at this moment."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.exceptions import MissingRate
from djmoney.contrib.exchange.models import get_rate

from ..conf import app_settings
from ..error_codes import CodError, CodErrorCode
from ..host import (
    AddressSnapshot,
    CheckoutSnapshot,
    HostAdapter,
    HostContext,
    OrderSnapshot,
    delivery_facts,
    get_adapter,
)
from ..rules import eligibility
from ..rules.policy import PolicySnapshot
from ..rules.regions import find_region
from ..rules.risk import Assessment
from ..rules.tiers import compute_tier, tier_limit
from . import order_deposits, policies, profiles, screening


@dataclass(frozen=True)
class EligibilityResult:
    """The checkout as checked (its delivery method's facts resolved), the policy and the decision; what
    ``cod_plugin.api.check`` returns, so its properties read as the public answer."""

    checkout: CheckoutSnapshot
    policy: PolicySnapshot
    decision: eligibility.Decision
    # The screening of the checkout as it would be placed; None when COD is refused before it (nothing to screen).
    assessment: Assessment | None = field(default=None, compare=False)

    @property
    def is_eligible(self) -> bool:
        return self.decision.is_eligible

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """Every reason COD is refused, as (code, message), in the order the checks ran."""
        return [(str(reason.code), reason.message) for reason in self.decision.reasons]

    @property
    def fee(self) -> Decimal:
        return self.decision.fee

    @property
    def amount_to_collect(self) -> Decimal:
        return self.decision.amount_to_collect

    @property
    def deposit(self) -> Decimal | None:
        """Partial COD: the part to pay online before the order goes on; None when no deposit is asked."""
        return self.decision.deposit

    @property
    def currency(self) -> str:
        return self.decision.currency

    @property
    def terms(self):
        """The terms to accept: ``version``, ``text`` and ``language``."""
        return self.policy.terms


def read_rate(source: str, target: str) -> Decimal | None:
    try:
        return Decimal(get_rate(source, target, backend=app_settings.EXCHANGE_BACKEND))
    except MissingRate:
        return None


def load_policy(channel: str, currency: str, *, language: str) -> PolicySnapshot:
    policy = policies.get_policy(channel)
    if policy is None:
        return policies.disabled_snapshot(channel, currency)
    return policies.to_snapshot(policy, language=language)


def resolve_delivery(checkout: CheckoutSnapshot) -> CheckoutSnapshot:
    """The checkout with its delivery method's facts filled in (``host.delivery_facts``: the snapshot's own, else
    the settings'), so that the eligibility rule reads plain values and stays free of settings."""
    method = checkout.delivery_method
    if method is None:
        return checkout
    collects, days = delivery_facts(method)
    return replace(checkout, delivery_method=replace(method, can_collect_cash=collects, estimated_days=days))


def evaluate_checkout(
    checkout: CheckoutSnapshot, *, language: str | None = None, context: HostContext | None = None
) -> EligibilityResult:
    """The rules first; a checkout they accept is then screened (``context`` gives the client's address), so that
    a refused checkout costs no screening and RISK_TOO_HIGH never sits among reasons the shopper can fix."""
    checkout = resolve_delivery(checkout)
    language = language or checkout.language or app_settings.DEFAULT_LANGUAGE
    policy = load_policy(checkout.channel, checkout.currency, language=language)
    profile = profiles.to_snapshot(profiles.find_profile(checkout.customer))
    rate = read_rate(checkout.currency, policy.limit_currency)
    region = find_region(policy.regions, checkout.shipping_address) if checkout.shipping_address else None
    with translation.override(language):
        decision = eligibility.evaluate(checkout, policy, profile, rate=rate, now=timezone.now(), region=region)
        if not decision.is_eligible:
            return EligibilityResult(checkout=checkout, policy=policy, decision=decision)
        assessment = screening.assess_checkout(checkout, policy.risk, amount=decision.order_amount, context=context)
        decision = eligibility.screened(
            decision, assessment, policy.risk, takes_deposits=order_deposits.takes_deposits()
        )
    return EligibilityResult(checkout=checkout, policy=policy, decision=decision, assessment=assessment)


def read_checkout(checkout_ref: str, *, context: HostContext, adapter: HostAdapter | None = None, lock=False):
    checkout = (adapter or get_adapter()).get_checkout(checkout_ref, context=context, lock=lock)
    if checkout is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Checkout not found."), field="checkoutId")
    return checkout


def check_eligibility(checkout_ref: str, *, context: HostContext, language: str | None = None) -> EligibilityResult:
    return evaluate_checkout(read_checkout(checkout_ref, context=context), language=language, context=context)


# ---- a placed order changed at the confirmation call is checked again, as its checkout was


def require_covered(policy: PolicySnapshot, address: AddressSnapshot) -> None:
    """Before the store is asked to change anything: a new address outside the covered regions is refused."""
    if policy.enabled and find_region(policy.regions, address) is None:
        reason = eligibility.region_reason(address)
        raise CodError(CodErrorCode.REGION_NOT_COVERED, reason.message, field="modification", reasons=[reason])


def require_eligible_change(policy: PolicySnapshot, host_order: OrderSnapshot, *, amount: Decimal) -> None:
    """The changed order (``amount`` with its new fee) within the region's cap, the customer's limit and the item
    price cap; raised inside the confirmation's transaction, so the store's change is rolled back with it. A channel
    whose COD was switched off since keeps its placed orders as they are: nothing to check them against."""
    address = host_order.shipping_address
    if not policy.enabled or address is None:
        return
    region = find_region(policy.regions, address)
    if region is None:
        require_covered(policy, address)
    profile = profiles.to_snapshot(profiles.find_profile(host_order.customer))
    tier = compute_tier(profile, now=timezone.now(), trusted_after=policy.trusted_after_completed_orders)
    reasons = eligibility.amount_reasons(
        amount=amount,
        currency=host_order.currency,
        rate=read_rate(host_order.currency, policy.limit_currency),
        limit=tier_limit(tier, profile, policy),
        tier=tier,
        policy=policy,
        region=region,
        lines=host_order.lines,
    )
    if reasons:
        message = _("The changed order cannot be paid on delivery: %(why)s") % {"why": reasons[0].message}
        raise CodError(CodErrorCode.NOT_ELIGIBLE, message, field="modification", reasons=reasons)
