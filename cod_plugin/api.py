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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .error_codes import CodError, CodErrorCode
from .host import HostContext, OrderDraft, OrderSnapshot

if TYPE_CHECKING:
    from .flows.eligibility import Eligibility
    from .models import CodOrder, CodPaymentClaim

__all__ = [
    "CodError",
    "CodErrorCode",
    "HostContext",
    "check",
    "claim_paid",
    "order_for",
    "place",
    "register_order",
    "store_cancelled",
]


def check(checkout_ref: str, *, context: HostContext, language: str | None = None) -> Eligibility:
    """Whether the checkout may be paid cash on delivery now: ``is_eligible``, every ``reasons`` (code, message),
    ``fee``, ``amount_to_collect``, ``currency`` and the ``terms`` to accept (version, text, language)."""
    raise NotImplementedError


def place(
    checkout_ref: str, *, context: HostContext, accepted_terms_version: int, language: str | None = None
) -> CodOrder:
    """Check again, then create the store's order through the adapter (``create_order``) and its COD order. A second
    call for the same checkout returns the first order."""
    raise NotImplementedError


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
    is not called."""
    raise NotImplementedError


def store_cancelled(order_ref: str, *, reason: str = "") -> CodOrder | None:
    """The store cancelled the order on its side: the COD order is cancelled too (the adapter is not asked to cancel
    it again). None when the order is not a COD order; ``INVALID_TRANSITION`` when it is past cancelling
    (delivered, completed)."""
    raise NotImplementedError


def order_for(order_ref: str) -> CodOrder | None:
    """The COD order of a store order, or None."""
    raise NotImplementedError


def claim_paid(
    order_ref: str, *, context: HostContext, reference: str, method: str, image: bytes | None = None
) -> CodPaymentClaim:
    """The customer's "Paid" click with the courier's receipt number (and a photo); repeated clicks make one claim."""
    raise NotImplementedError
