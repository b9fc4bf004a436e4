"""Checking a checkout for COD as it is at this moment."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.exceptions import MissingRate
from djmoney.contrib.exchange.models import get_rate

from ..conf import app_settings
from ..error_codes import CodError, CodErrorCode
from ..host import CheckoutSnapshot, HostAdapter, get_adapter
from ..rules import eligibility
from ..rules.policy import PolicySnapshot
from ..rules.regions import find_region
from . import policies, profiles


@dataclass(frozen=True)
class EligibilityResult:
    checkout: CheckoutSnapshot
    policy: PolicySnapshot
    decision: eligibility.Decision


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


def evaluate_checkout(checkout: CheckoutSnapshot, *, language: str | None = None) -> EligibilityResult:
    language = language or checkout.language or app_settings.DEFAULT_LANGUAGE
    policy = load_policy(checkout.channel, checkout.currency, language=language)
    profile = profiles.to_snapshot(profiles.find_profile(checkout.customer))
    rate = read_rate(checkout.currency, policy.limit_currency)
    region = find_region(policy.regions, checkout.shipping_address) if checkout.shipping_address else None
    with translation.override(language):
        decision = eligibility.evaluate(checkout, policy, profile, rate=rate, now=timezone.now(), region=region)
    return EligibilityResult(checkout=checkout, policy=policy, decision=decision)


def read_checkout(checkout_ref: str, *, user: Any, adapter: HostAdapter | None = None, lock=False):
    checkout = (adapter or get_adapter()).get_checkout(checkout_ref, user=user, lock=lock)
    if checkout is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Checkout not found."), field="checkoutId")
    return checkout


def check_eligibility(checkout_ref: str, *, user: Any, language: str | None = None) -> EligibilityResult:
    return evaluate_checkout(read_checkout(checkout_ref, user=user), language=language)
