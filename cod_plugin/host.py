"""The port to the store: snapshots the plugin reads and the adapter protocol it calls.

The plugin never touches the store's models. A store implements ``HostAdapter`` and names the class in
``COD_HOST_ADAPTER``; everything the plugin knows of a checkout, an order or a customer arrives as one of the
frozen dataclasses below, built by the adapter in a fixed number of queries whatever the cart's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.utils.module_loading import import_string


class ProductFlag:
    """Product flags the store may set on a line; the policy excludes some of them from COD."""

    HIGH_VALUE = "high_value"
    PRE_ORDER = "pre_order"
    CUSTOMIZED = "customized"
    SPECIAL_CUSTOMS = "special_customs"

    ALL = (HIGH_VALUE, PRE_ORDER, CUSTOMIZED, SPECIAL_CUSTOMS)


@dataclass(frozen=True)
class LineSnapshot:
    product_ref: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    flags: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    is_digital: bool = False

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class AddressSnapshot:
    country: str
    area: str = ""
    city: str = ""
    postal_code: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    street: str = ""


@dataclass(frozen=True)
class DeliveryMethodSnapshot:
    ref: str
    name: str
    price: Decimal
    can_collect_cash: bool
    estimated_days: int


@dataclass(frozen=True)
class CustomerSnapshot:
    """``ref`` is the store's customer id; a guest has none and is known by email."""

    ref: str | None
    email: str
    phone: str = ""
    b2b_account: str | None = None

    @property
    def profile_key(self) -> str:
        return f"customer:{self.ref}" if self.ref else f"guest:{self.email.strip().lower()}"


@dataclass(frozen=True)
class CheckoutSnapshot:
    ref: str
    channel: str
    currency: str
    language: str
    lines: tuple[LineSnapshot, ...]
    customer: CustomerSnapshot
    shipping_address: AddressSnapshot | None = None
    delivery_method: DeliveryMethodSnapshot | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def shipping_price(self) -> Decimal:
        return self.delivery_method.price if self.delivery_method else Decimal(0)


@dataclass(frozen=True)
class OrderSnapshot:
    ref: str
    number: str
    channel: str
    currency: str
    total: Decimal
    customer: CustomerSnapshot
    status: str
    shipping_address: AddressSnapshot | None = None
    lines: tuple[LineSnapshot, ...] = field(default_factory=tuple)
    shipping_price: Decimal = Decimal(0)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class OrderChanges:
    """What a confirmation agent changed with the customer: a new address, new quantities (SKU to quantity;
    0 removes the line). None leaves that part as it is."""

    address: AddressSnapshot | None = None
    quantities: dict[str, int] | None = None


@dataclass(frozen=True)
class OrderDraft:
    """What the plugin asks the store to create: the checkout as it was checked, plus the COD fee line."""

    checkout: CheckoutSnapshot
    fee: Decimal
    fee_label: str
    amount_to_collect: Decimal
    payment_method: str = "cash-on-delivery"


class HostError(Exception):
    """The store refused a request (for example: not enough stock). ``code`` is a short snake_case word."""

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@runtime_checkable
class HostAdapter(Protocol):
    """What the plugin needs from the store. ``user`` is the request's user (anonymous allowed).

    One method is optional and so not part of the protocol: ``get_channel_names(slugs) -> {slug: name}``
    (``None`` for every channel), the names the admin shows for channels (read through :func:`channel_names`;
    without it, the slugs are shown)."""

    def get_checkout(self, checkout_ref: str, *, user: Any, lock: bool = False) -> CheckoutSnapshot | None:
        """The checkout as it is now, or None when it does not exist or is not this user's.

        With ``lock`` the checkout row is locked for the rest of the transaction (``select_for_update``).
        """

    def create_order(self, draft: OrderDraft) -> OrderSnapshot:
        """Create the order from the checkout with the COD fee as its own line; the checkout is consumed."""

    def get_order(self, order_ref: str) -> OrderSnapshot | None:
        """The order, or None."""

    def cancel_order(self, order_ref: str, *, reason: str) -> None:
        """Cancel the order and release its stock."""

    def get_customer(self, user: Any) -> CustomerSnapshot | None:
        """The signed-in user's customer, or None for an anonymous user."""

    def update_order(self, order_ref: str, changes: OrderChanges) -> OrderSnapshot:
        """Change the order's address or quantities (stock follows); raise ``HostError`` to refuse."""

    def set_fee(self, order_ref: str, *, fee: Decimal, label: str) -> OrderSnapshot:
        """Replace the order's COD fee line (and so its total)."""

    def mark_order_paid(self, order_ref: str) -> None:
        """The courier's payment record arrived: the store's order is paid."""


def get_adapter() -> HostAdapter:
    from .conf import app_settings

    return import_string(app_settings.HOST_ADAPTER)()


def channel_names(slugs=None) -> dict[str, str]:
    """Each channel's name as the store calls it, by slug (all the store's channels when no slugs are given);
    a slug the store does not name stands for itself."""
    named = getattr(get_adapter(), "get_channel_names", None)
    if slugs is None:
        return dict(named(None)) if named else {}
    slugs = sorted(set(slugs))
    names = named(slugs) if named and slugs else {}
    return {slug: names.get(slug) or slug for slug in slugs}
