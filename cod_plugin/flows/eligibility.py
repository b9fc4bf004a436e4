"""Checking a checkout for COD as it is at this moment."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.exceptions import MissingRate
from djmoney.contrib.exchange.models import get_rate

from ..conf import app_settings
from ..error_codes import CodError, CodErrorCode
from ..host import CheckoutSnapshot, HostAdapter, HostContext, delivery_facts, get_adapter
from ..rules import eligibility
from ..rules.policy import PolicySnapshot
from ..rules.regions import find_region
from . import policies, profiles


@dataclass(frozen=True)
class EligibilityResult:
    """The checkout as checked (its delivery method's facts resolved), the policy and the decision; what
    ``cod_plugin.api.check`` returns, so its properties read as the public answer."""

    checkout: CheckoutSnapshot
    policy: PolicySnapshot
    decision: eligibility.Decision

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


def evaluate_checkout(checkout: CheckoutSnapshot, *, language: str | None = None) -> EligibilityResult:
    checkout = resolve_delivery(checkout)
    language = language or checkout.language or app_settings.DEFAULT_LANGUAGE
    policy = load_policy(checkout.channel, checkout.currency, language=language)
    profile = profiles.to_snapshot(profiles.find_profile(checkout.customer))
    rate = read_rate(checkout.currency, policy.limit_currency)
    region = find_region(policy.regions, checkout.shipping_address) if checkout.shipping_address else None
    with translation.override(language):
        decision = eligibility.evaluate(checkout, policy, profile, rate=rate, now=timezone.now(), region=region)
    return EligibilityResult(checkout=checkout, policy=policy, decision=decision)


def read_checkout(checkout_ref: str, *, context: HostContext, adapter: HostAdapter | None = None, lock=False):
    checkout = (adapter or get_adapter()).get_checkout(checkout_ref, context=context, lock=lock)
    if checkout is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Checkout not found."), field="checkoutId")
    return checkout


def check_eligibility(checkout_ref: str, *, context: HostContext, language: str | None = None) -> EligibilityResult:
    return evaluate_checkout(read_checkout(checkout_ref, context=context), language=language)
