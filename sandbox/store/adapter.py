"""The store side of the COD plugin's port: snapshots of checkouts, orders and customers, order creation, and the
store's order and stock following the COD lifecycle.

Stock: ``Stock.quantity`` is what is left to sell. Placing an order takes its goods off it (the reservation);
cancelling an order that never shipped gives them back (a release); once shipped (``Order.shipped_at``), a cancel
gives nothing back, and the goods come back only through ``restock`` (refused, returned to origin, or a customer's
return of some lines). So each unit comes back at most once, whichever way the order ends."""

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Prefetch, Sum
from django.utils import timezone

from cod_plugin.host import (
    AddressSnapshot,
    BaseHostAdapter,
    CheckoutSnapshot,
    CustomerSnapshot,
    DeliveryMethodSnapshot,
    HostContext,
    HostError,
    LineSnapshot,
    OrderChanges,
    OrderDraft,
    OrderSnapshot,
    ProductFlag,
)

from . import selectors
from .deposits import DepositPayments
from .models import Address, Channel, Checkout, CheckoutLine, Customer, Order, OrderLine, Product, Stock

FLAG_FIELDS = {
    ProductFlag.HIGH_VALUE: "is_high_value",
    ProductFlag.PRE_ORDER: "is_pre_order",
    ProductFlag.CUSTOMIZED: "is_customized",
    ProductFlag.SPECIAL_CUSTOMS: "needs_special_customs",
}


class StoreAdapter(DepositPayments, BaseHostAdapter):
    """Implements ``cod_plugin.host.HostAdapter`` (and the optional lifecycle calls) for the sandbox store, which
    knows its customer by the request's user."""

    def get_checkout(self, checkout_ref: str, *, context: HostContext, lock: bool = False) -> CheckoutSnapshot | None:
        checkout = selectors.find_checkout(checkout_ref, user=context.user, lock=lock)
        if checkout is None:
            return None
        return checkout_snapshot(checkout, selectors.priced_lines(checkout))

    def create_order(self, draft: OrderDraft, *, context: HostContext) -> OrderSnapshot:
        checkout = draft.checkout
        needed = _quantities((int(line.product_ref), line.quantity) for line in checkout.lines)
        # savepoint=False: part of the caller's transaction when there is one, its own transaction otherwise.
        with transaction.atomic(savepoint=False):
            stocks = _lock_stock(needed)
            _require_stock(checkout.lines, needed, stocks)
            channel_pk = _consume_checkout(checkout.ref)
            order = Order.objects.create(**_order_fields(draft, channel_pk))
            OrderLine.objects.bulk_create(_order_lines(order, draft))
            _change_stock(stocks, needed, sign=-1)
        return _order_snapshot(order, channel=checkout.channel, customer=checkout.customer, lines=checkout.lines)

    def get_order(self, order_ref: str) -> OrderSnapshot | None:
        pk = selectors.parse_pk(order_ref)
        if pk is None:
            return None
        product_lines = OrderLine.objects.filter(kind=OrderLine.Kind.PRODUCT).select_related("product")
        order = (
            Order.objects.select_related("channel", "user__customer")
            .prefetch_related(Prefetch("lines", queryset=product_lines))
            .filter(pk=pk)
            .first()
        )
        if order is None:
            return None
        lines = tuple(_ordered_line_snapshot(line) for line in order.lines.all())
        customer = _customer_snapshot(order.user, email=order.email, address_phone=order.phone)
        return _order_snapshot(order, channel=order.channel.slug, customer=customer, lines=lines)

    def cancel_order(self, order_ref: str, *, reason: str) -> None:
        with transaction.atomic(savepoint=False):
            order = _lock_any_order(order_ref)
            if order.status == Order.Status.CANCELED:
                return
            if order.shipped_at is None:  # shipped goods come back through restock, not here
                released = _ordered_quantities(order)
                _change_stock(_lock_stock(released), released, sign=1)
            order.status = Order.Status.CANCELED
            order.cancel_reason = reason[: Order._meta.get_field("cancel_reason").max_length]
            order.save(update_fields=["status", "cancel_reason"])

    def update_order(self, order_ref: str, changes: OrderChanges) -> OrderSnapshot:
        with transaction.atomic(savepoint=False):
            order = _lock_order(order_ref)
            if changes.address is not None:
                for name, value in _writable_address(changes.address).items():
                    setattr(order, name, value)
            if changes.quantities is not None:
                _change_quantities(order, changes.quantities)
            order.total = _total(order)
            order.save()
        return self.get_order(order_ref)

    def set_fee(self, order_ref: str, *, fee: Decimal, label: str) -> OrderSnapshot:
        with transaction.atomic(savepoint=False):
            order = _lock_order(order_ref)
            fee_lines = OrderLine.objects.filter(order=order, kind=OrderLine.Kind.COD_FEE)
            if not fee_lines.update(name=label, quantity=1, unit_price=fee, total=fee):
                OrderLine.objects.create(
                    order=order, kind=OrderLine.Kind.COD_FEE, name=label, quantity=1, unit_price=fee, total=fee
                )
            order.total = _total(order)
            order.save(update_fields=["total"])
        return self.get_order(order_ref)

    def mark_order_paid(self, order_ref: str) -> None:
        _update_order(order_ref, status=Order.Status.PAID)

    def order_confirmed(self, order_ref: str) -> None:
        _update_order(order_ref, status=Order.Status.UNFULFILLED)

    def order_shipped(self, order_ref: str) -> None:
        with transaction.atomic(savepoint=False):
            order = _lock_any_order(order_ref)
            if order.shipped_at is None:
                order.shipped_at = timezone.now()
                if order.status in (Order.Status.UNCONFIRMED, Order.Status.UNFULFILLED):
                    order.status = Order.Status.FULFILLED
                order.save(update_fields=["shipped_at", "status"])

    def order_delivered(self, order_ref: str) -> None:
        _lock_any_order(order_ref)  # the order stays fulfilled until it is paid: only an unknown order is refused

    def restock(self, order_ref: str, *, quantities: dict[str, int] | None, reason: str) -> None:
        with transaction.atomic(savepoint=False):
            order = _lock_any_order(order_ref)
            if quantities is None and order.shipped_at is None:
                return  # never shipped: its cancel already released the goods
            back = _ordered_quantities(order) if quantities is None else _returned_quantities(order, quantities)
            _change_stock(_lock_stock(back), back, sign=1)

    def order_refunded(self, order_ref: str, *, amount: Decimal, currency: str) -> None:
        _update_order(order_ref, refunded=F("refunded") + amount)

    def get_channel_names(self, slugs) -> dict[str, str]:
        channels = Channel.objects.all() if slugs is None else Channel.objects.filter(slug__in=slugs)
        return dict(channels.values_list("slug", "name"))

    def get_customer(self, context: HostContext) -> CustomerSnapshot | None:
        user = context.user
        if user is None or not user.is_authenticated:
            return None
        customer = Customer.objects.filter(user_id=user.pk).first()
        return CustomerSnapshot(
            ref=str(user.pk), email=user.email, phone=customer.phone if customer else "", joined_at=user.date_joined
        )


def product_flags(product: Product) -> frozenset[str]:
    return frozenset(flag for flag, name in FLAG_FIELDS.items() if getattr(product, name))


def checkout_snapshot(checkout: Checkout, lines: list[CheckoutLine]) -> CheckoutSnapshot:
    channel = checkout.channel
    return CheckoutSnapshot(
        ref=str(checkout.pk),
        channel=channel.slug,
        currency=channel.currency,
        language=checkout.language or channel.default_language,
        lines=tuple(_line_snapshot(line) for line in _priced(lines)),
        customer=_customer_snapshot(checkout.user, email=checkout.email, address_phone=checkout.phone),
        shipping_address=address_snapshot(checkout),
        delivery_method=_method_snapshot(checkout),
    )


def _method_snapshot(checkout: Checkout) -> DeliveryMethodSnapshot | None:
    method = checkout.delivery_method
    if method is None:
        return None
    return DeliveryMethodSnapshot(
        ref=str(method.pk),
        name=method.name,
        price=method.price.amount,
        can_collect_cash=method.can_collect_cash,
        estimated_days=selectors.estimated_days(method, checkout),
    )


def address_snapshot(source: Address) -> AddressSnapshot | None:
    """The store keeps one street field: a second line written by ``update_order`` is kept after a line break,
    so it reads back as ``street_2``."""
    values = source.address_values()
    if not any(values.values()):
        return None
    street_1, _, street_2 = values.pop("street").partition("\n")
    values["country"] = values["country"].upper()
    return AddressSnapshot(**values, street_1=street_1, street_2=street_2)


def address_values(address: AddressSnapshot | None) -> dict[str, str]:
    """The store's address fields from a snapshot (none: all empty); both street lines go into its one field."""
    if address is None:
        return dict.fromkeys(Address.ADDRESS_FIELDS, "")
    street = "\n".join(line for line in (address.street_1, address.street_2) if line)
    return {name: street if name == "street" else getattr(address, name) for name in Address.ADDRESS_FIELDS}


def _writable_address(address: AddressSnapshot) -> dict[str, str]:
    values = address_values(address)
    if len(values["street"]) > Address._meta.get_field("street").max_length:
        raise HostError("street_too_long", "The two street lines are too long together.", field="address")
    return values


def _priced(lines: list[CheckoutLine]) -> list[CheckoutLine]:
    # A product taken off the channel after it was added cannot be sold at a price the shopper never saw.
    unpriced = [line.product.name for line in lines if line.unit_price is None]
    if unpriced:
        message = f"No longer sold in this channel: {', '.join(unpriced)}"
        raise HostError("product_not_available", message, field="lines")
    return lines


def _line_snapshot(line: CheckoutLine) -> LineSnapshot:
    product = line.product
    return LineSnapshot(
        product_ref=str(product.pk),
        sku=product.sku,
        name=product.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        flags=product_flags(product),
        categories=frozenset({product.category}) if product.category else frozenset(),
        is_digital=product.is_digital,
    )


def _ordered_line_snapshot(line: OrderLine) -> LineSnapshot:
    product = line.product
    return LineSnapshot(
        product_ref=str(line.product_id or ""),
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        flags=product_flags(product) if product else frozenset(),
        categories=frozenset({product.category}) if product and product.category else frozenset(),
        is_digital=product.is_digital if product else False,
    )


def _customer_snapshot(user, *, email: str, address_phone: str) -> CustomerSnapshot:
    # select_related caches a missing one-to-one row as absent; getattr turns that into None without a query.
    customer = getattr(user, "customer", None) if user else None
    return CustomerSnapshot(
        ref=str(user.pk) if user else None,
        email=email or (user.email if user else ""),
        phone=(customer.phone if customer else "") or address_phone,
        joined_at=user.date_joined if user else None,
    )


def _quantities(pairs: Iterable[tuple[int, int]]) -> Counter:
    needed = Counter()
    for product_pk, quantity in pairs:
        needed[product_pk] += quantity
    return needed


def _lock_stock(quantities: Counter) -> dict[int, Stock]:
    # Always in product order, so that two orders sharing products wait for each other instead of deadlocking.
    rows = Stock.objects.select_for_update().filter(product_id__in=quantities).order_by("product_id")
    return {row.product_id: row for row in rows}


def _require_stock(lines: tuple[LineSnapshot, ...], needed: Counter, stocks: dict[int, Stock]) -> None:
    short = {int(line.product_ref) for line in lines} - {
        pk for pk, stock in stocks.items() if stock.quantity >= needed[pk]
    }
    if short:
        names = sorted({line.name for line in lines if int(line.product_ref) in short})
        raise HostError("insufficient_stock", f"Not enough stock for: {', '.join(names)}", field="lines")


def _change_stock(stocks: dict[int, Stock], quantities: Counter, *, sign: int) -> None:
    # F() keeps the update relative, so a concurrent change on a database without row locks (SQLite) is not lost;
    # the column's CHECK (quantity >= 0) still refuses to oversell.
    for product_pk, stock in stocks.items():
        stock.quantity = F("quantity") + sign * quantities[product_pk]
    Stock.objects.bulk_update(stocks.values(), ["quantity"])


def _consume_checkout(checkout_ref: str) -> int:
    """Delete the checkout (an order replaces it) and return its channel's pk."""
    checkouts = Checkout.objects.filter(pk=selectors.parse_token(checkout_ref))
    channel_pk = checkouts.values_list("channel_id", flat=True).first()
    if channel_pk is None:
        raise HostError("checkout_not_found", "The checkout no longer exists.", field="checkoutId")
    checkouts.delete()
    return channel_pk


def _order_fields(draft: OrderDraft, channel_pk: int) -> dict:
    checkout = draft.checkout
    address = checkout.shipping_address
    return {
        "channel_id": channel_pk,
        "user_id": int(checkout.customer.ref) if checkout.customer.ref else None,
        "email": checkout.customer.email,
        **address_values(address),
        "status": Order.Status.UNCONFIRMED,
        "payment_method": draft.payment_method,
        "currency": checkout.currency,
        "shipping_price": checkout.shipping_price,
        "total": checkout.subtotal + checkout.shipping_price + draft.fee,
    }


def _order_lines(order: Order, draft: OrderDraft) -> list[OrderLine]:
    lines = [
        OrderLine(
            order=order,
            kind=OrderLine.Kind.PRODUCT,
            product_id=int(line.product_ref),
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.total,
        )
        for line in draft.checkout.lines
    ]
    # Kept even when the fee is waived (0), so the order shows that COD was charged nothing.
    fee = OrderLine(
        order=order,
        kind=OrderLine.Kind.COD_FEE,
        name=draft.fee_label,
        quantity=1,
        unit_price=draft.fee,
        total=draft.fee,
    )
    return [*lines, fee]


def _lock_any_order(order_ref: str) -> Order:
    pk = selectors.parse_pk(order_ref)
    order = Order.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise HostError("order_not_found", "Order not found.", field="orderId")
    return order


def _update_order(order_ref: str, **values) -> None:
    pk = selectors.parse_pk(order_ref)
    if pk is None or not Order.objects.filter(pk=pk).update(**values):
        raise HostError("order_not_found", "Order not found.", field="orderId")


def _lock_order(order_ref: str) -> Order:
    """The order, locked, to change: a canceled one is refused."""
    order = _lock_any_order(order_ref)
    if order.status == Order.Status.CANCELED:
        raise HostError("order_canceled", "A canceled order cannot change.", field="orderId")
    return order


def _change_quantities(order: Order, quantities: dict[str, int]) -> None:
    """Set the product lines' quantities by SKU (0 removes a line) with stock following, in a fixed number of
    queries whatever the number of lines."""
    lines = {line.sku: line for line in OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT)}
    unknown = sorted(set(quantities) - set(lines))
    if unknown:
        raise HostError("unknown_sku", f"Not on this order: {', '.join(unknown)}", field="lines")
    if not any(quantities.get(sku, line.quantity) for sku, line in lines.items()):
        raise HostError("empty_order", "An order needs at least one product.", field="lines")
    changed = [line for sku, line in lines.items() if sku in quantities and quantities[sku] != line.quantity]
    more = _quantities((line.product_id, quantities[line.sku] - line.quantity) for line in changed if line.product_id)
    stocks = _lock_stock(more)
    _require_more_stock(changed, more, stocks)
    _change_stock(stocks, more, sign=-1)
    for line in changed:
        line.quantity, line.total = quantities[line.sku], line.unit_price * quantities[line.sku]
    OrderLine.objects.filter(pk__in=[line.pk for line in changed if not line.quantity]).delete()
    OrderLine.objects.bulk_update([line for line in changed if line.quantity], ["quantity", "total"])


def _require_more_stock(lines: list[OrderLine], more: Counter, stocks: dict[int, Stock]) -> None:
    available = {product_pk: stock.quantity for product_pk, stock in stocks.items()}
    short = sorted(line.name for line in lines if more[line.product_id] > available.get(line.product_id, 0))
    if short:
        raise HostError("insufficient_stock", f"Not enough stock for: {', '.join(short)}", field="lines")


def _total(order: Order) -> Decimal:
    lines = OrderLine.objects.filter(order=order).aggregate(total=Sum("total"))["total"] or Decimal(0)
    return lines + order.shipping_price


def _ordered_quantities(order: Order) -> Counter:
    rows = (
        OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT, product__isnull=False)
        .values("product_id")
        .annotate(quantity=Sum("quantity"))
    )
    return _quantities((row["product_id"], row["quantity"]) for row in rows)


def _returned_quantities(order: Order, quantities: dict[str, int]) -> Counter:
    """Product pk to quantity for the returned SKUs of the order (a SKU not on it, or no longer in the catalogue,
    adds nothing)."""
    products = dict(
        OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT, sku__in=quantities, product__isnull=False)
        .values_list("sku", "product_id")
        .distinct()
    )
    return _quantities((products[sku], quantity) for sku, quantity in quantities.items() if sku in products)


def _order_snapshot(order: Order, *, channel: str, customer: CustomerSnapshot, lines) -> OrderSnapshot:
    return OrderSnapshot(
        ref=str(order.pk),
        number=order.number,
        channel=channel,
        currency=order.currency,
        total=Decimal(order.total),
        customer=customer,
        status=order.status,
        shipping_address=address_snapshot(order),
        lines=tuple(lines),
        shipping_price=Decimal(order.shipping_price),
    )
