"""Placing a COD order: eligibility checked again at that moment, terms accepted, order created once.

The store's order is made by a creator: the adapter's ``create_order`` (GraphQL, ``api.place``), or the store's own
checkout's callable (``api.register_order``); either way inside the transaction that records the COD order.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from ..error_codes import CodError, CodErrorCode
from ..host import HostContext, OrderDraft, OrderSnapshot, get_adapter
from ..models import CodOrder, CodOrderEvent, CodOrderLine
from ..rules.statuses import CodStatus
from . import confirmation, order_deposits, profiles, screening, store
from .eligibility import EligibilityResult, evaluate_checkout

Creator = Callable[[OrderDraft], OrderSnapshot]


def complete_checkout(
    checkout_ref: str,
    *,
    context: HostContext,
    accepted_terms_version: int,
    language: str | None = None,
    create: Creator | None = None,
) -> CodOrder:
    """Create the store order and its COD order; a second call for the same checkout returns the first order.

    ``create`` makes the store's order from the draft (default: the adapter's ``create_order``). A given creator
    is the store's own checkout, which may keep its checkout after it: the COD order already recorded for the
    checkout is then answered without calling it again."""
    adapter = get_adapter()
    creator = create or (lambda draft: adapter.create_order(draft, context=context))
    try:
        with transaction.atomic():
            checkout = adapter.get_checkout(checkout_ref, context=context, lock=True)
            if checkout is None or (create is not None and CodOrder.objects.filter(checkout_ref=checkout.ref).exists()):
                return _already_placed(checkout_ref, context=context, adapter=adapter)
            result = evaluate_checkout(checkout, language=language, context=context)
            _require_eligible(result, accepted_terms_version)
            return _place(result, creator, context=context)
    except IntegrityError:
        # A concurrent call placed it between our read and our insert: answer with that order.
        return _already_placed(checkout_ref, context=context, adapter=adapter)


def _already_placed(checkout_ref: str, *, context: HostContext, adapter) -> CodOrder:
    order = CodOrder.objects.filter(checkout_ref=checkout_ref).first()
    customer = adapter.get_customer(context)
    if order is None or (
        order.customer_key.startswith("customer:") and (customer is None or customer.profile_key != order.customer_key)
    ):
        raise CodError(CodErrorCode.NOT_FOUND, _("Checkout not found."), field="checkoutId")
    return order


def _require_eligible(result: EligibilityResult, accepted_terms_version: int) -> None:
    decision = result.decision
    if not decision.is_eligible:
        raise CodError(
            CodErrorCode.NOT_ELIGIBLE,
            _("Cash on Delivery is not available for this checkout."),
            field="checkoutId",
            reasons=decision.reasons,
        )
    if result.policy.terms.version != accepted_terms_version:
        raise CodError(
            CodErrorCode.TERMS_VERSION_MISMATCH,
            _("The current Cash on Delivery terms are version %(version)s; accept them first.")
            % {"version": result.policy.terms.version},
            field="acceptedTermsVersion",
        )


def _place(result: EligibilityResult, create: Creator, *, context: HostContext) -> CodOrder:
    """The store's order, then the COD order with its identity keys, its lines and the screening that decided it;
    a deposit to pay first (partial COD) holds the order until the store reports it paid."""
    checkout, decision, policy = result.checkout, result.decision, result.policy
    deposit = result.deposit or Decimal(0)
    draft = OrderDraft(
        checkout=checkout,
        fee=decision.fee,
        fee_label=policy.fee_label,
        amount_to_collect=decision.amount_to_collect - deposit,
    )
    host_order = store.call(create, draft)
    profiles.open_profile(checkout.customer)
    order = CodOrder.objects.create(**_order_fields(result, host_order), **_identity(result, context))
    CodOrderLine.objects.bulk_create(_lines(order, checkout))
    CodOrderEvent.objects.create(
        order=order,
        kind="placed",
        to_status=order.status,
        actor=checkout.customer.profile_key,
        data={
            "tier": decision.tier.value,
            "terms_version": policy.terms.version,
            "fee": str(decision.fee),
            "amount_to_collect": str(order.amount_to_collect.amount),
            **({"deposit": str(deposit)} if deposit else {}),
        },
    )
    screening.store(order, result.assessment, actor=checkout.customer.profile_key, reason="placed")
    if deposit:
        order_deposits.open_deposit(order, amount=deposit, hours=policy.risk.deposit_hours)
    else:
        confirmation.order_placed(order)
    return order


def _identity(result: EligibilityResult, context: HostContext) -> dict:
    """The keys that follow the person across accounts (the screening reads them on later orders)."""
    subject = screening.checkout_subject(result.checkout, amount=result.decision.order_amount, context=context)
    return {
        "phone_e164": subject.phone_e164,
        "address_key": subject.address_key,
        "client_ip": subject.client_ip,
        "cart_key": subject.cart_key,
    }


def _lines(order: CodOrder, checkout) -> list[CodOrderLine]:
    return [
        CodOrderLine(
            order=order,
            product_ref=line.product_ref,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for line in checkout.lines
    ]


def _order_fields(result: EligibilityResult, host_order) -> dict:
    checkout, decision, terms = result.checkout, result.decision, result.policy.terms
    currency, address = checkout.currency, checkout.shipping_address
    deposit = result.deposit or Decimal(0)
    return {
        "order_ref": host_order.ref,
        "order_number": host_order.number,
        "checkout_ref": checkout.ref,
        "channel": checkout.channel,
        "customer_key": checkout.customer.profile_key,
        "status": CodStatus.AWAITING_DEPOSIT if deposit else CodStatus.PENDING_CONFIRMATION,
        "order_amount": Money(decision.order_amount, currency),
        "fee": Money(decision.fee, currency),
        "amount_to_collect": Money(decision.amount_to_collect - deposit, currency),
        "deposit_amount": Money(deposit, currency),
        "tier": decision.tier.value,
        "terms_version": terms.version,
        "terms_language": terms.language,
        "country": address.country,
        "area": address.area,
        "postal_code": address.postal_code,
        "phone": address.phone or checkout.customer.phone,
        "collection_methods": list(decision.collection_methods),
        "shipping_amount": Money(checkout.shipping_price, currency),
    }
