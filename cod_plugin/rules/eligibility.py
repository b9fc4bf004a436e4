"""Whether COD is offered for a checkout as it is now, and every reason why not."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .. import formatting
from ..error_codes import ReasonCode
from ..host import CheckoutSnapshot, LineSnapshot
from ..money import convert, display, fits, round_money
from .fees import compute_fee, schedule_for_region
from .policy import CollectionMethod, PolicySnapshot, RegionRule
from .risk import Action, Assessment, RiskSettings, deposit_amount, deposit_required
from .tiers import ProfileSnapshot, Tier, compute_tier, tier_limit

AMOUNT_MAX_DIGITS = 15
AMOUNT_DECIMAL_PLACES = 3

FLAG_NAMES = {
    "high_value": _("high-value products"),
    "pre_order": _("pre-order products"),
    "customized": _("customized products"),
    "special_customs": _("products needing special customs clearance"),
}


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    message: str
    skus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    reasons: tuple[Reason, ...]
    currency: str
    order_amount: Decimal
    fee: Decimal
    amount_to_collect: Decimal
    tier: Tier
    limit: Decimal
    limit_currency: str
    collection_methods: tuple[str, ...]
    region: RegionRule | None
    deposit: Decimal | None = None  # partial COD: the part paid online first (``screened``); None: no deposit

    @property
    def is_eligible(self) -> bool:
        return not self.reasons


def _skus(lines) -> tuple[str, ...]:
    return tuple(line.sku for line in lines)


def cart_reasons(checkout: CheckoutSnapshot, policy: PolicySnapshot) -> list[Reason]:
    lines = checkout.lines
    if not lines:
        return [Reason(ReasonCode.EMPTY_CART, str(_("The cart is empty.")))]
    reasons = []
    odd = [line for line in lines if not 0 < line.quantity <= policy.max_line_quantity]
    if odd:
        message = _("Quantities must be between 1 and %(max)s.") % {"max": policy.max_line_quantity}
        reasons.append(Reason(ReasonCode.QUANTITY_OUT_OF_RANGE, str(message), _skus(odd)))
    if all(line.is_digital for line in lines):
        message = _("Digital products are delivered online and cannot be paid at the door.")
        reasons.append(Reason(ReasonCode.DIGITAL_ONLY_CART, str(message)))
    reasons.extend(_excluded_product_reasons(lines, policy))
    return reasons


def _excluded_product_reasons(lines: tuple[LineSnapshot, ...], policy: PolicySnapshot) -> list[Reason]:
    reasons = []
    for flag in sorted(policy.excluded_flags):
        flagged = [line for line in lines if flag in line.flags]
        if flagged:
            names = ", ".join(line.name for line in flagged)
            if flag in FLAG_NAMES:
                message = _("Cash on Delivery is not available for %(what)s: %(names)s.") % {
                    "what": FLAG_NAMES[flag],
                    "names": names,
                }
            else:  # a flag of the store's own, named as the store names it
                message = _("Cash on Delivery is not available for these products (%(flag)s): %(names)s.") % {
                    "flag": dict(policy.flag_labels).get(flag, flag),
                    "names": names,
                }
            reasons.append(Reason(ReasonCode.EXCLUDED_PRODUCT, str(message), _skus(flagged)))
    in_category = [line for line in lines if line.categories & policy.excluded_categories]
    if in_category:
        message = _("Cash on Delivery is not available for these products: %(names)s.") % {
            "names": ", ".join(line.name for line in in_category)
        }
        reasons.append(Reason(ReasonCode.EXCLUDED_CATEGORY, str(message), _skus(in_category)))
    return reasons


def region_reason(address) -> Reason:
    message = _("Cash on Delivery is not offered for deliveries to %(place)s.") % {
        "place": ", ".join(p for p in (address.postal_code, address.area, address.country) if p)
    }
    return Reason(ReasonCode.REGION_NOT_COVERED, str(message))


def delivery_reasons(checkout: CheckoutSnapshot, policy: PolicySnapshot, region: RegionRule | None):
    address, method = checkout.shipping_address, checkout.delivery_method
    reasons = []
    if address is None or not address.country:
        message = _("Enter a shipping address with a country to check Cash on Delivery.")
        reasons.append(Reason(ReasonCode.SHIPPING_ADDRESS_MISSING, str(message)))
    elif region is None:
        reasons.append(region_reason(address))
    if method is None:
        message = _("Choose a delivery method to check Cash on Delivery.")
        reasons.append(Reason(ReasonCode.DELIVERY_METHOD_MISSING, str(message)))
        return reasons
    if not method.can_collect_cash:
        message = _("%(method)s cannot collect payment at the door.") % {"method": method.name}
        reasons.append(Reason(ReasonCode.DELIVERY_METHOD_CANNOT_COLLECT, str(message)))
    # Unknown days (None: neither the store nor the settings know them) set no limit.
    if method.estimated_days is not None and method.estimated_days > policy.max_delivery_days:
        message = _(
            "Delivery to this address takes about %(days)s days; Cash on Delivery is offered up to %(max)s."
        ) % {"days": method.estimated_days, "max": policy.max_delivery_days}
        reasons.append(Reason(ReasonCode.REMOTE_AREA, str(message)))
    return reasons


def customer_reasons(tier: Tier, profile: ProfileSnapshot) -> list[Reason]:
    reasons = []
    if tier is Tier.REVOKED:
        message = _("Cash on Delivery has been withdrawn from this account.")
        reasons.append(Reason(ReasonCode.CUSTOMER_REVOKED, str(message)))
    elif tier is Tier.SUSPENDED:
        message = _("Cash on Delivery is suspended for this account until %(date)s.") % {
            "date": formatting.date(profile.suspended_until)
        }
        reasons.append(Reason(ReasonCode.CUSTOMER_SUSPENDED, str(message)))
    if profile.outstanding_penalty > 0:
        message = _("An unpaid penalty of %(amount)s must be settled first.") % {
            "amount": display(profile.outstanding_penalty, profile.penalty_currency)
        }
        reasons.append(Reason(ReasonCode.UNPAID_PENALTY, str(message)))
    return reasons


def amount_reasons(
    *,
    amount: Decimal,
    currency: str,
    rate: Decimal | None,
    limit: Decimal,
    tier: Tier,
    policy: PolicySnapshot,
    region: RegionRule | None,
    lines: tuple[LineSnapshot, ...],
) -> list[Reason]:
    if not fits(amount, max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES):
        return [Reason(ReasonCode.AMOUNT_TOO_LARGE, str(_("The order amount is too large.")))]
    reasons = []
    if region is not None and region.order_cap is not None and amount > region.order_cap:
        message = _("Cash on Delivery orders to this region are limited to %(cap)s.") % {
            "cap": display(region.order_cap, currency)
        }
        reasons.append(Reason(ReasonCode.REGION_ORDER_CAP, str(message)))
    if rate is None:
        message = _("No exchange rate from %(source)s to %(target)s; the order limit cannot be checked.") % {
            "source": currency,
            "target": policy.limit_currency,
        }
        return [*reasons, Reason(ReasonCode.EXCHANGE_RATE_MISSING, str(message))]
    if tier not in (Tier.SUSPENDED, Tier.REVOKED) and convert(amount, rate, policy.limit_currency) > limit:
        message = _("Cash on Delivery is available for orders up to %(limit)s.") % {
            "limit": display(limit, policy.limit_currency)
        }
        reasons.append(Reason(ReasonCode.AMOUNT_OVER_LIMIT, str(message)))
    if policy.max_item_price is not None:
        pricey = [
            line for line in lines if convert(line.unit_price, rate, policy.limit_currency) > policy.max_item_price
        ]
        if pricey:
            message = _("Items priced above %(cap)s cannot be paid at the door: %(names)s.") % {
                "cap": display(policy.max_item_price, policy.limit_currency),
                "names": ", ".join(line.name for line in pricey),
            }
            reasons.append(Reason(ReasonCode.ITEM_PRICE_OVER_CAP, str(message), _skus(pricey)))
    return reasons


def evaluate(
    checkout: CheckoutSnapshot,
    policy: PolicySnapshot,
    profile: ProfileSnapshot,
    *,
    rate: Decimal | None,
    now: datetime,
    region: RegionRule | None,
) -> Decision:
    """``rate`` converts the checkout currency into the policy's limit currency (None: no rate known)."""
    currency = checkout.currency
    tier = compute_tier(profile, now=now, trusted_after=policy.trusted_after_completed_orders)
    limit = tier_limit(tier, profile, policy)
    order_amount = round_money(checkout.subtotal + checkout.shipping_price, currency)
    fee = compute_fee(order_amount, schedule_for_region(policy.fee, region), currency)
    amount = order_amount + fee
    reasons = []
    if not policy.enabled:
        reasons.append(Reason(ReasonCode.COD_DISABLED, str(_("Cash on Delivery is not offered in this store."))))
    if policy.currency != currency:
        message = _("This store's Cash on Delivery settings are in %(policy)s, the cart is in %(cart)s.") % {
            "policy": policy.currency,
            "cart": currency,
        }
        reasons.append(Reason(ReasonCode.CURRENCY_MISMATCH, str(message)))
    if policy.terms is None:
        reasons.append(Reason(ReasonCode.TERMS_MISSING, str(_("Cash on Delivery terms are not published yet."))))
    reasons += cart_reasons(checkout, policy)
    reasons += delivery_reasons(checkout, policy, region)
    reasons += customer_reasons(tier, profile)
    reasons += amount_reasons(
        amount=amount,
        currency=currency,
        rate=rate,
        limit=limit,
        tier=tier,
        policy=policy,
        region=region,
        lines=checkout.lines,
    )
    return Decision(
        reasons=tuple(reasons),
        currency=currency,
        order_amount=order_amount,
        fee=fee,
        amount_to_collect=amount,
        tier=tier,
        limit=limit,
        limit_currency=policy.limit_currency,
        collection_methods=region.collection_methods if region else (CollectionMethod.CASH,),
        region=region,
    )


# Neutral on purpose: the shopper is told nothing of the signals that weighed against the order.
RISK_TOO_HIGH = _("Cash on Delivery is not available for this order. Please choose another payment method.")


def screened(decision: Decision, assessment: Assessment, settings: RiskSettings, *, takes_deposits: bool) -> Decision:
    """The decision with the screening's action applied: REFUSE refuses COD; a deposit (the DEPOSIT action, or an
    amount above ``deposit_above``) is asked for, or refuses COD when the store takes no deposits."""
    refused = replace(decision, reasons=(*decision.reasons, Reason(ReasonCode.RISK_TOO_HIGH, str(RISK_TOO_HIGH))))
    if assessment.action is Action.REFUSE:
        return refused
    if not deposit_required(assessment.action, decision.amount_to_collect, settings):
        return decision
    if not takes_deposits:
        return refused
    return replace(decision, deposit=deposit_amount(decision.amount_to_collect, decision.currency, settings))
