"""The sandbox's upsell at the confirmation call: the products it offers with an order, and adding them to it.

Offered: a few products listed in the order's channel, in stock, not on the order yet, no dearer than its dearest
product (an extra, not a bigger purchase), of no kind COD refuses (high value, pre-order, customised, special
customs, digital) and no gift card (money, not goods): those of the order's categories first, then the channel's
other plain products. Added: at the channel's listed price, the stock reserved as at placing."""

from collections import Counter

from django.db.models import F

from cod_plugin.host import HostError, ProductOffer

from . import selectors
from .models import Order, OrderLine, ProductChannelListing, Stock

MAX_OFFERS = 3
GIFT_CARDS = "gift-cards"
PLAIN = {
    "product__is_high_value": False,
    "product__is_pre_order": False,
    "product__is_customized": False,
    "product__needs_special_customs": False,
    "product__is_digital": False,
}


def related_products(order: Order) -> list[ProductOffer]:
    on_order = OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT, product__isnull=False)
    bought = list(on_order.values_list("product__category", "unit_price"))
    if not bought:
        return []
    categories, dearest = {category for category, _price in bought}, max(price for _category, price in bought)
    listings = (
        ProductChannelListing.objects.filter(channel_id=order.channel_id, product__stock__quantity__gt=0, **PLAIN)
        .filter(price__lte=dearest)
        .exclude(product_id__in=on_order.values("product_id"))
        .exclude(product__category=GIFT_CARDS)
        .select_related("product")
        .order_by("product__name", "product_id")
    )
    found = sorted(listings, key=lambda listing: listing.product.category not in categories)  # stable: by name
    return [
        ProductOffer(product_ref=str(listing.product_id), name=listing.product.name, unit_price=listing.price.amount)
        for listing in found[:MAX_OFFERS]
    ]


def add_lines(order: Order, additions: dict[str, int]) -> None:
    """Add ``additions`` (product ref to quantity) to the order: a product already on it gets more; stock is
    locked and taken in product order. Refused whole (nothing added) for an unknown product or too little stock."""
    wanted = Counter()
    for ref, quantity in additions.items():
        pk = selectors.parse_pk(ref)
        if pk is None or isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise HostError("unknown_product", f"Cannot add {quantity} of product {ref}.", field="additions")
        wanted[pk] += quantity
    listings = {
        row.product_id: row
        for row in ProductChannelListing.objects.filter(
            channel_id=order.channel_id, product_id__in=wanted
        ).select_related("product")
    }
    unknown = sorted(str(pk) for pk in wanted if pk not in listings)
    if unknown:
        raise HostError("unknown_product", f"Not sold in this channel: {', '.join(unknown)}", field="additions")
    stocks = {
        row.product_id: row
        for row in Stock.objects.select_for_update().filter(product_id__in=wanted).order_by("product_id")
    }
    short = sorted(
        listings[pk].product.name for pk in wanted if stocks.get(pk) is None or stocks[pk].quantity < wanted[pk]
    )
    if short:
        raise HostError("insufficient_stock", f"Not enough stock for: {', '.join(short)}", field="additions")
    for pk, stock in stocks.items():
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") - wanted[pk])
    _merge_lines(order, wanted, listings)


def _merge_lines(order: Order, wanted: Counter, listings: dict) -> None:
    lines = {
        line.product_id: line
        for line in OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT, product_id__in=wanted)
    }
    for pk, line in lines.items():
        line.quantity += wanted[pk]
        line.total = line.unit_price * line.quantity
    OrderLine.objects.bulk_update(lines.values(), ["quantity", "total"])
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            kind=OrderLine.Kind.PRODUCT,
            product_id=pk,
            sku=listings[pk].product.sku,
            name=listings[pk].product.name,
            quantity=quantity,
            unit_price=listings[pk].price.amount,
            total=listings[pk].price.amount * quantity,
        )
        for pk, quantity in wanted.items()
        if pk not in lines
    )
