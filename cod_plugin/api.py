"""The plugin's public Python API, for a store whose own checkout and back office call the plugin directly (the
GraphQL API calls the same flows). Every refusal is a ``CodError`` with the same ``code`` (a ``CodErrorCode``),
``field`` and message as the GraphQL error; nothing is written when one is raised.

    from cod_plugin import api

    result = api.check(basket_ref, context=api.HostContext.of(request))
    if result.is_eligible: ...                       # result.fee, result.amount_to_collect, result.terms
    order = api.place(basket_ref, context=..., accepted_terms_version=result.terms.version)
    # or, when the store's own checkout creates the order:
    order = api.register_order(basket_ref, context=..., accepted_terms_version=..., create=store_creates_order)
    api.store_cancelled(order_ref, reason="cancelled in the dashboard")
    # partial COD: the store's payment for the deposit it was asked (the port's ``request_deposit``)
    api.deposit_paid(order_ref, payment_ref="txn_123")   # or, when the customer never paid:
    api.deposit_expired(order_ref)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from .error_codes import CodError, CodErrorCode
from .host import HostContext, OrderDraft, OrderSnapshot, get_adapter
from .money import round_money
from .permissions import GROUPS as STAFF_GROUPS
from .rules import bounds
from .rules.images import MAX_IMAGE_BYTES as MAX_PHOTO_BYTES
from .rules.images import is_photo
from .rules.lifecycle import Event
from .rules.policy import CollectionMethod
from .rules.statuses import CodStatus

if TYPE_CHECKING:
    from .flows.eligibility import EligibilityResult
    from .models import CodOrder, CodPaymentClaim

__all__ = [
    "CodError",
    "CodErrorCode",
    "HostContext",
    "MAX_PHOTO_BYTES",
    "STAFF_GROUPS",
    "check",
    "claim_paid",
    "deposit_expired",
    "deposit_paid",
    "is_photo",
    "order_for",
    "place",
    "register_order",
    "round_money",
    "store_cancelled",
    "voucher_reference_length",
]

STORE = "store"


def check(checkout_ref: str, *, context: HostContext, language: str | None = None) -> EligibilityResult:
    """Whether the checkout may be paid cash on delivery now: ``is_eligible``, every ``reasons`` (code, message),
    ``fee``, ``amount_to_collect``, ``currency`` and the ``terms`` to accept (version, text, language)."""
    from .flows import eligibility

    with _speaking(language):
        return eligibility.check_eligibility(checkout_ref, context=context, language=language)


def place(
    checkout_ref: str, *, context: HostContext, accepted_terms_version: int, language: str | None = None
) -> CodOrder:
    """Check again, then create the store's order through the adapter (``create_order``) and its COD order. A second
    call for the same checkout returns the first order."""
    from .flows import checkout

    with _speaking(language):
        return checkout.complete_checkout(
            checkout_ref, context=context, accepted_terms_version=accepted_terms_version, language=language
        )


def register_order(
    checkout_ref: str,
    *,
    context: HostContext,
    accepted_terms_version: int,
    create: Callable[[OrderDraft], OrderSnapshot],
    language: str | None = None,
) -> CodOrder:
    """The store's own checkout creates the order: the plugin checks the checkout (locked), then calls
    ``create(draft)`` inside the same transaction (the draft has the fee to add and the amount to collect), then
    records the COD order. Same checks and the same once-only guarantee as ``place``; when a check fails ``create``
    is not called. A ``HostError`` raised by ``create`` is the caller's ``CodError`` (``insufficient_stock``:
    ``INSUFFICIENT_STOCK``, any other: ``STORE_REFUSED``) and nothing is recorded."""
    from .flows import checkout

    with _speaking(language):
        return checkout.complete_checkout(
            checkout_ref,
            context=context,
            accepted_terms_version=accepted_terms_version,
            language=language,
            create=create,
        )


def store_cancelled(order_ref: str, *, reason: str = "") -> CodOrder | None:
    """The store cancelled the order on its side: the COD order is cancelled too (the adapter is not asked to cancel
    it again). None when the order is not a COD order; ``INVALID_TRANSITION`` when it is past cancelling
    (delivered, completed). An order already cancelled is returned as it is, so a store that calls this whenever
    its order becomes cancelled (also when the plugin cancelled it) changes nothing the second time."""
    from . import limits
    from .flows import lifecycle

    reason = bounds.text(reason, field="reason", max_length=limits.REASON) or "store_cancelled"
    with transaction.atomic():
        order = order_for(order_ref)
        if order is None:
            return None
        order = lifecycle.lock(order.pk)
        if order.status == CodStatus.CANCELLED:
            return order
        return lifecycle.move(order, Event.CANCEL, actor=STORE, reason=reason, tell_store=False)


def deposit_paid(order_ref: str, payment_ref: str = "") -> CodOrder:
    """The customer paid the deposit the adapter's ``request_deposit`` asked for: the order leaves
    AWAITING_DEPOSIT for PENDING_CONFIRMATION and the confirmation message goes out (with the rest to pay at the
    door). Calling it again for the same order changes nothing. ``payment_ref`` (at most 100 characters) is the
    store's payment, kept on the deposit (default: the reference ``request_deposit`` answered).

    ``DEPOSIT_NOT_PENDING`` when the order has no deposit, or when the deposit expired or the order was cancelled
    before the payment came: the plugin then gives the payment back at once through the adapter's
    ``refund_deposit`` (once, however often the late payment is reported). ``NOT_FOUND`` for an unknown order."""
    from .flows import order_deposits

    return order_deposits.deposit_paid(order_ref, payment_ref=payment_ref)


def deposit_expired(order_ref: str) -> CodOrder:
    """The store's payment for the deposit expired (or the customer gave up): the order is cancelled (reason
    ``deposit_expired``, the store's order with it through ``cancel_order``); nothing is owed, no strike. An order
    already cancelled is returned as it is. ``DEPOSIT_NOT_PENDING`` when the deposit was paid or the order has none.
    The plugin's own sweep (``expire_deposits``) does the same for deposits unpaid past their deadline."""
    from .flows import order_deposits

    return order_deposits.deposit_expired(order_ref)


def order_for(order_ref: str) -> CodOrder | None:
    """The COD order of a store order, or None."""
    from .models import CodOrder

    return CodOrder.objects.filter(order_ref=str(order_ref)).first()


def claim_paid(
    order_ref: str, *, context: HostContext, reference: str, method: str, image: bytes | None = None
) -> CodPaymentClaim:
    """The customer's "Paid" click with the courier's receipt number (and a photo); repeated clicks make one claim.
    Only the order's signed-in customer may claim: for anyone else the order is ``NOT_FOUND``."""
    from . import limits
    from .flows import payment

    reference = bounds.text(reference, field="voucher.reference", max_length=limits.VOUCHER_REFERENCE, required=True)
    if method not in CollectionMethod.ALL:
        raise CodError(CodErrorCode.INVALID, _("Unknown collection method."), field="method")
    if image is not None and not is_photo(image):
        message = _("The voucher image must be a PNG or JPEG of at most 2 MB.")
        raise CodError(CodErrorCode.INVALID, message, field="voucher.image")
    customer = get_adapter().get_customer(context)
    order = order_for(order_ref)
    if customer is None or order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    return payment.mark_paid(order.pk, customer=customer, reference=reference, method=method, image=image)


def _speaking(language: str | None):
    """Messages (errors, reasons) in ``language`` when one is asked for, as the GraphQL API writes them."""
    from .graphql.language import speaking

    return speaking(language)


def voucher_reference_length() -> int:
    """The longest receipt number a "Paid" claim keeps (a longer one is refused, never cut)."""
    from . import limits  # reads the models' columns: only once the apps are loaded

    return limits.VOUCHER_REFERENCE
