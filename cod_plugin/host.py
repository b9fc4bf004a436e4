"""The port to the store (version 2): snapshots the plugin reads, the adapter it calls, and what it tells the store.

The plugin never touches the store's models. A store implements an adapter (subclass ``BaseHostAdapter``, which
gives every optional method a default) and names the class in ``COD_HOST_ADAPTER``. Everything the plugin knows of a
checkout, an order or a customer arrives as one of the frozen dataclasses below, built by the adapter in a fixed number
of queries whatever the cart's size.

Every adapter call is made inside the plugin's database transaction, so a store on the same database changes with the
COD order or not at all; a store that refuses raises ``HostError`` and the whole change is rolled back.

What the port asks of a store (README, "What the port asks of a store", has the same table):

- required: ``get_checkout``, ``get_customer``, ``get_order``, ``create_order`` (unless the store's own checkout
  creates its orders and hands them over through ``cod_plugin.api.register_order``), ``update_order``, ``set_fee``,
  ``cancel_order``, ``mark_order_paid``;
- optional, told of the COD lifecycle so the store's own status and stock follow: ``order_confirmed``,
  ``order_shipped``, ``order_delivered``, ``restock``, ``order_refunded``; partial COD: ``request_deposit`` and
  ``refund_deposit``; the upsell at the call: ``related_products``; and ``get_channel_names``.

The store tells the plugin when it cancels an order on its side: ``cod_plugin.api.store_cancelled``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.utils.module_loading import import_string


class ProductFlag:
    """The default product flags (``COD_PRODUCT_FLAGS`` declares the store's own set; the adapter maps its
    attributes, categories or tags to these codes, and the policy excludes some of them from COD)."""

    HIGH_VALUE = "high_value"
    PRE_ORDER = "pre_order"
    CUSTOMIZED = "customized"
    SPECIAL_CUSTOMS = "special_customs"

    ALL = (HIGH_VALUE, PRE_ORDER, CUSTOMIZED, SPECIAL_CUSTOMS)


@dataclass(frozen=True)
class HostContext:
    """Who asks, and from which request: an adapter reads the session (a shipping address, a guest's email, an
    anonymous basket's cookie) from ``request``. ``request`` is None outside a request (tasks, the shell)."""

    user: Any = None
    request: Any = None

    @classmethod
    def of(cls, request) -> HostContext:
        return cls(user=getattr(request, "user", None), request=request)


@dataclass(frozen=True)
class LineSnapshot:
    """One line. ``sku`` is the line's key within its order (changes and returns name lines by it), so it is unique
    within an order. ``flags`` are codes of ``COD_PRODUCT_FLAGS``; ``categories`` are the store's category keys
    (a slug, say: whatever the store uses, as long as the policy's excluded categories use the same)."""

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
    street_1: str = ""
    street_2: str = ""


@dataclass(frozen=True)
class DeliveryMethodSnapshot:
    """``can_collect_cash`` and ``estimated_days`` may be None when the store has no such field: they are then read
    from ``COD_DELIVERY_METHODS`` by ``ref``, else from ``COD_DELIVERY_DEFAULTS`` (see ``delivery_facts``)."""

    ref: str
    name: str
    price: Decimal
    can_collect_cash: bool | None = None
    estimated_days: int | None = None


@dataclass(frozen=True)
class CustomerSnapshot:
    """``ref`` is the store's customer id; a guest has none and is known by email. ``joined_at``: when the account
    was opened (None for a guest, or when the store does not say), for the screening's "account new today"."""

    ref: str | None
    email: str
    phone: str = ""
    joined_at: datetime | None = None

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
    0 removes the line), products added at the call (``ProductOffer.product_ref`` to quantity: the upsell). None
    leaves that part as it is."""

    address: AddressSnapshot | None = None
    quantities: dict[str, int] | None = None
    additions: dict[str, int] | None = None


@dataclass(frozen=True)
class ProductOffer:
    """A product the store offers to add to an order at the confirmation call (``related_products``)."""

    product_ref: str
    name: str
    unit_price: Decimal


@dataclass(frozen=True)
class DepositRequest:
    """What the store answers when asked to take a deposit online: its payment's reference and, when the customer
    pays on a page, that page's address (the plugin sends it with the order's message)."""

    payment_ref: str
    pay_url: str = ""


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
    """What the plugin needs from every store (the optional methods are on ``BaseHostAdapter``)."""

    def get_checkout(self, checkout_ref: str, *, context: HostContext, lock: bool = False) -> CheckoutSnapshot | None:
        """The checkout as it is now, or None when it does not exist or is not this context's (another user's,
        another session's basket).

        With ``lock`` the checkout is locked for the rest of the transaction (``select_for_update``)."""

    def get_customer(self, context: HostContext) -> CustomerSnapshot | None:
        """The signed-in customer, or None for an anonymous visitor."""

    def create_order(self, draft: OrderDraft, *, context: HostContext) -> OrderSnapshot:
        """Create the order from the checkout with the COD fee as its own line (or surcharge); the checkout is
        consumed and the goods reserved. Raise ``HostError("insufficient_stock", ...)`` when they are not there."""

    def get_order(self, order_ref: str) -> OrderSnapshot | None:
        """The order, or None."""

    def update_order(self, order_ref: str, changes: OrderChanges) -> OrderSnapshot:
        """Change the order's address or quantities (the reservation follows); raise ``HostError`` to refuse."""

    def set_fee(self, order_ref: str, *, fee: Decimal, label: str) -> OrderSnapshot:
        """Replace the order's COD fee (and so its total)."""

    def cancel_order(self, order_ref: str, *, reason: str) -> None:
        """The order ends (confirmation cancelled, never confirmed, refused, lost on the way): cancel it on the
        store's side and release the stock still reserved for it. Goods that already left are not released here:
        they come back through ``restock``. A second call is a no-op."""

    def mark_order_paid(self, order_ref: str) -> None:
        """The courier's payment record arrived: the store's order is paid and complete."""


class BaseHostAdapter:
    """A base for adapters: the optional methods do nothing, so a store implements only what it has."""

    def order_confirmed(self, order_ref: str) -> None:
        """The customer confirmed the order (by link or with an agent): it may go to fulfilment."""

    def order_shipped(self, order_ref: str) -> None:
        """The goods left with the courier: the store consumes the stock it reserved (oscar: a shipping event).
        Told once, before any of delivered, refused or returned, even when the courier's first word is one of those."""

    def order_delivered(self, order_ref: str) -> None:
        """The courier handed the parcel over; the money follows with ``mark_order_paid``."""

    def restock(self, order_ref: str, *, quantities: dict[str, int] | None, reason: str) -> None:
        """Shipped goods are sellable again: all the order's lines (``quantities`` None: refused at the door, or
        back at the merchant after a failed delivery), or the returned ones (SKU to quantity) of a customer's
        return. Never called for goods that did not ship."""

    def order_refunded(self, order_ref: str, *, amount: Decimal, currency: str) -> None:
        """A refund was paid to the customer."""

    def request_deposit(
        self, order_ref: str, *, amount: Decimal, currency: str, expires_at: datetime
    ) -> DepositRequest | None:
        """Partial COD: take ``amount`` online with the store's own payment before ``expires_at``, and report it
        with ``cod_plugin.api.deposit_paid`` (or ``deposit_expired``). None (the default): the store takes no
        deposits, so an order that needs one is not offered COD (``RISK_TOO_HIGH``)."""
        return None

    def refund_deposit(self, order_ref: str, *, amount: Decimal, currency: str) -> None:
        """Give back ``amount`` of a paid deposit through the payment that took it (the order was cancelled, or
        refused for a reason that is not the customer's fault, or the deposit is more than the penalty it covers)."""

    def related_products(self, order_ref: str) -> list[ProductOffer]:
        """Products the agent may offer at the confirmation call (the upsell); none by default. Adding one is an
        ``OrderChanges.additions`` through ``update_order``."""
        return []

    def get_channel_names(self, slugs: list[str] | None) -> dict[str, str]:
        """The names the admin shows for channels, by slug (``None``: every channel); without them the slugs show."""
        return {}


OPTIONAL = (
    "order_confirmed",
    "order_shipped",
    "order_delivered",
    "restock",
    "order_refunded",
    "request_deposit",
    "refund_deposit",
    "related_products",
    "get_channel_names",
)


def get_adapter() -> HostAdapter:
    from .conf import app_settings

    return import_string(app_settings.HOST_ADAPTER)()


def tell(method: str, *args, **kwargs) -> None:
    """Call one of the adapter's optional methods, when it has it."""
    call = getattr(get_adapter(), method, None)
    if call is not None:
        call(*args, **kwargs)


def delivery_facts(method: DeliveryMethodSnapshot) -> tuple[bool, int | None]:
    """Whether the method collects cash, and its estimated days (None: unknown, so no limit on days applies):
    the snapshot's own, else ``COD_DELIVERY_METHODS[ref]``, else ``COD_DELIVERY_DEFAULTS``."""
    from .conf import app_settings

    configured = app_settings.DELIVERY_METHODS.get(method.ref, {})
    defaults = app_settings.DELIVERY_DEFAULTS
    collects = method.can_collect_cash
    if collects is None:
        collects = configured.get("can_collect_cash", defaults.get("can_collect_cash", False))
    days = method.estimated_days
    if days is None:
        days = configured.get("estimated_days", defaults.get("estimated_days"))
    return bool(collects), days


def channel_names(slugs=None) -> dict[str, str]:
    """Each channel's name as the store calls it, by slug (all the store's channels when no slugs are given);
    a slug the store does not name stands for itself."""
    named = getattr(get_adapter(), "get_channel_names", None)
    if slugs is None:
        return dict(named(None)) if named else {}
    slugs = sorted(set(slugs))
    names = named(slugs) if named and slugs else {}
    return {slug: names.get(slug) or slug for slug in slugs}
