"""Oscar orders made and changed for the plugin: placed through oscar's ``OrderCreator`` (as ``CodOrderCreator``,
in bulk) with the COD fee as a ``Surcharge`` and a ``Source``, read as snapshots, and edited (address, quantities,
fee) with totals, line prices and allocations following, since oscar has no API for editing a placed order."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from oscar.core import prices
from oscar.core.loading import get_class, get_model

from cod_plugin.api import round_money

from ...host import HostContext, HostError, LineSnapshot, OrderChanges, OrderDraft, OrderSnapshot
from . import baskets, stock
from .creator import CodOrderCreator
from .settings import oscar_settings

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
Surcharge = get_model("order", "Surcharge")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
SurchargeList = get_class("checkout.applicator", "SurchargeList")
SurchargePrice = get_class("checkout.applicator", "SurchargePrice")
NoShippingRequired = get_class("shipping.methods", "NoShippingRequired")

FEE_CODE = "cod-fee"
SOURCE_TYPE_CODE = "cash-on-delivery"
SOURCE_TYPE_NAME = "Cash on delivery"


class CodFee:
    """The surcharge oscar records on the order (``OrderCreator`` reads its ``name`` and ``code``)."""

    code = FEE_CODE

    def __init__(self, name: str):
        self.name = name


def create(draft: OrderDraft, context: HostContext) -> OrderSnapshot:
    with transaction.atomic(savepoint=False):
        basket = baskets.find_basket(draft.checkout.ref, context, lock=True)
        if basket is None:
            raise HostError("checkout_not_found", "The basket no longer exists.", field="checkoutId")
        baskets.prepare(basket, context)
        reserve(basket)
        order = place(basket, draft, context)
        basket.submit()
        cod_source_type = SourceType.objects.get_or_create(code=SOURCE_TYPE_CODE, defaults={"name": SOURCE_TYPE_NAME})
        Source.objects.create(
            order=order,
            source_type=cod_source_type[0],
            currency=order.currency,
            amount_allocated=draft.amount_to_collect,
            reference=order.number,
        )
    return get(str(order.pk))


def reserve(basket) -> None:
    """Lock the basket's stock records and refuse when one cannot give its lines' quantity."""
    lines = list(basket.all_lines())
    needed = Counter()
    for line in lines:
        needed[line.stockrecord_id] += line.quantity
    names = {line.stockrecord_id: line.product.get_title() for line in lines}
    stock.require_available(needed, stock.lock_records(needed), names)


def place(basket, draft: OrderDraft, context: HostContext):
    session = baskets.checkout_session(context.request)
    method = delivery_method(basket, draft, context, session)
    shipping_charge = method.calculate(basket)
    fee = prices.Price(currency=draft.checkout.currency, excl_tax=draft.fee, incl_tax=draft.fee)
    surcharges = SurchargeList([SurchargePrice(CodFee(draft.fee_label), fee)])
    total = OrderTotalCalculator(context.request).calculate(basket, shipping_charge, surcharges)
    user = context.user if context.user is not None and context.user.is_authenticated else None
    extra = {} if user else {"guest_email": draft.checkout.customer.email}
    return CodOrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=shipping_charge,
        user=user,
        shipping_address=saved_address(basket, draft, session),
        order_number=OrderNumberGenerator().order_number(basket),
        request=context.request,
        surcharges=surcharges,
        **extra,
    )


def delivery_method(basket, draft: OrderDraft, context: HostContext, session):
    method = baskets.shipping_method(basket, context, session, baskets.shipping_address(basket, session))
    if method is not None:
        return method
    if draft.checkout.delivery_method is None and not basket.is_shipping_required():
        return NoShippingRequired()
    raise HostError("delivery_method_unavailable", "The shipping method is no longer offered.", field="deliveryMethod")


def saved_address(basket, draft: OrderDraft, session):
    address = baskets.shipping_address(basket, session)
    if address is None and draft.checkout.shipping_address is not None:
        address = ShippingAddress()
        write_address(address, draft.checkout.shipping_address)
    if address is not None:
        address.save()
    return address


def write_address(address, snapshot) -> None:
    address.first_name, address.last_name = snapshot.first_name, snapshot.last_name
    address.line1, address.line2, address.line3 = snapshot.street_1, snapshot.street_2, ""
    address.line4, address.state, address.postcode = snapshot.city, snapshot.area, snapshot.postal_code
    address.country_id = snapshot.country
    address.phone_number = snapshot.phone


def get(order_ref: str) -> OrderSnapshot | None:
    pk = baskets.parse_pk(order_ref)
    if pk is None:
        return None
    products = Product.objects.prefetch_attribute_values().prefetch_related("categories", "parent__categories")
    lines = OrderLine.objects.prefetch_related(Prefetch("product", queryset=products)).order_by("pk")
    order = (
        Order.objects.select_related("user", "shipping_address")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .filter(pk=pk)
        .first()
    )
    return snapshot(order) if order is not None else None


def snapshot(order) -> OrderSnapshot:
    address = order.shipping_address
    customer = baskets.customer_snapshot(order.user, guest_email=order.guest_email)
    if not customer.phone and address is not None and address.phone_number:
        customer = type(customer)(ref=customer.ref, email=customer.email, phone=str(address.phone_number))
    return OrderSnapshot(
        ref=str(order.pk),
        number=order.number,
        channel=oscar_settings.CHANNEL,
        currency=order.currency,
        total=Decimal(order.total_incl_tax),
        customer=customer,
        status=order.status,
        shipping_address=baskets.address_snapshot(address) if address is not None else None,
        lines=tuple(ordered_line_snapshot(line, order.currency) for line in order.lines.all()),
        shipping_price=Decimal(order.shipping_incl_tax),
    )


def ordered_line_snapshot(line, currency: str) -> LineSnapshot:
    product = line.product
    return LineSnapshot(
        product_ref=str(line.product_id or ""),
        sku=line.partner_sku,
        name=line.title,
        quantity=line.quantity,
        unit_price=round_money(Decimal(line.line_price_incl_tax) / line.quantity, currency),
        flags=baskets.product_flags(product) if product else frozenset(),
        categories=baskets.category_slugs(product) if product else frozenset(),
        is_digital=not product.is_shipping_required if product else False,
    )


def lock(order_ref: str):
    pk = baskets.parse_pk(order_ref)
    order = Order.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise HostError("order_not_found", "Order not found.", field="orderId")
    return order


def lock_open(order_ref: str):
    order = lock(order_ref)
    if order.status == oscar_settings.STATUSES["cancelled"]:
        raise HostError("order_canceled", "A cancelled order cannot change.", field="orderId")
    return order


def update(order_ref: str, changes: OrderChanges) -> OrderSnapshot:
    with transaction.atomic(savepoint=False):
        order = lock_open(order_ref)
        if changes.address is not None:
            change_address(order, changes.address)
        if changes.quantities is not None:
            change_quantities(order, changes.quantities)
            retotal(order)
    return get(order_ref)


def change_address(order, address_snapshot) -> None:
    if not Country.objects.filter(pk=address_snapshot.country, is_shipping_country=True).exists():
        raise HostError("unknown_country", f"The shop does not ship to {address_snapshot.country}.", field="address")
    address = order.shipping_address or ShippingAddress()
    write_address(address, address_snapshot)
    address.save()
    if order.shipping_address_id != address.pk:
        order.shipping_address = address
        order.save(update_fields=["shipping_address"])


def change_quantities(order, quantities: dict[str, int]) -> None:
    """Set the lines' quantities by SKU (0 removes a line); allocations, line prices and ``LinePrice`` follow.

    An order with discounts (an offer, a voucher) is refused: oscar would have to judge the offer's conditions again
    for the new quantities (a threshold no longer met, a "3 for 2"), which it has no API for on a placed order, and
    scaling the discount with the quantity would charge the wrong amount. The agent cancels and the customer places
    the order again."""
    if order.discounts.exists():
        raise HostError(
            "discounted_order",
            "This order has discounts (an offer or a voucher): its quantities cannot be changed; cancel it and "
            "place it again.",
            field="lines",
        )
    lines = {line.partner_sku: line for line in order.lines.select_related("stockrecord")}
    unknown = sorted(set(quantities) - set(lines))
    if unknown:
        raise HostError("unknown_sku", f"Not on this order: {', '.join(unknown)}", field="lines")
    if not any(quantities.get(sku, line.quantity) for sku, line in lines.items()):
        raise HostError("empty_order", "An order needs at least one product.", field="lines")
    changed = [line for sku, line in lines.items() if sku in quantities and quantities[sku] != line.quantity]
    more = Counter({line.stockrecord_id: quantities[line.partner_sku] - line.quantity for line in changed})
    records = stock.lock_records(more)
    stock.require_available(+more, records, {line.stockrecord_id: line.title for line in changed})
    for line in changed:
        requantify(line, quantities[line.partner_sku], records.get(line.stockrecord_id))


def requantify(line, quantity: int, record) -> None:
    difference = quantity - line.quantity
    if record is not None and stock.tracks_stock(record):
        if difference > 0:
            record.allocate(difference)
        else:
            record.cancel_allocation(-difference)
    if not quantity:
        line.delete()
        return
    unit_incl = Decimal(line.line_price_incl_tax) / line.quantity
    unit_excl = Decimal(line.line_price_excl_tax) / line.quantity
    line.num_allocated = max((line.num_allocated or 0) + difference, 0)
    line.line_price_incl_tax = round_money(unit_incl * quantity, line.order.currency)
    line.line_price_excl_tax = round_money(unit_excl * quantity, line.order.currency)
    line.line_price_before_discounts_incl_tax = line.unit_price_incl_tax * quantity
    line.line_price_before_discounts_excl_tax = line.unit_price_excl_tax * quantity
    line.quantity = quantity
    line.save()
    line.prices.all().delete()
    LinePrice.objects.create(
        order_id=line.order_id,
        line=line,
        quantity=quantity,
        price_incl_tax=round_money(unit_incl, line.order.currency),
        price_excl_tax=round_money(unit_excl, line.order.currency),
        tax_code=line.tax_code,
    )


def set_fee(order_ref: str, *, fee: Decimal, label: str) -> OrderSnapshot:
    with transaction.atomic(savepoint=False):
        order = lock_open(order_ref)
        Surcharge.objects.update_or_create(
            order=order, code=FEE_CODE, defaults={"name": label, "incl_tax": fee, "excl_tax": fee}
        )
        retotal(order)
    return get(order_ref)


def retotal(order) -> None:
    """The order's totals from its lines, shipping and surcharges; the COD source's allocation follows the total."""
    lines = list(order.lines.values_list("line_price_incl_tax", "line_price_excl_tax"))
    charges = list(order.surcharges.values_list("incl_tax", "excl_tax"))
    order.total_incl_tax = sum((row[0] for row in lines + charges), Decimal(0)) + order.shipping_incl_tax
    order.total_excl_tax = sum((row[1] for row in lines + charges), Decimal(0)) + order.shipping_excl_tax
    order.save(update_fields=["total_incl_tax", "total_excl_tax"])
    cod_sources(order).update(amount_allocated=order.total_incl_tax)


def cod_sources(order):
    return Source.objects.filter(order=order, source_type__code=SOURCE_TYPE_CODE)
