"""Reads shared by the adapter and the GraphQL API, each in a fixed number of queries whatever the cart's size."""

import uuid
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from .models import AMOUNT, Checkout, CheckoutLine, DeliveryArea, DeliveryMethod, Product, ProductChannelListing

# Largest value of a 64-bit primary key column; a bigger number would make PostgreSQL raise, not miss.
MAX_PK = 2**63 - 1


def parse_pk(value: str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_PK else None


def parse_token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def visible_checkouts(user) -> QuerySet[Checkout]:
    """A user's own checkouts and every guest checkout; the token is the guest's only credential."""
    if user is not None and user.is_authenticated:
        return Checkout.objects.filter(Q(user__isnull=True) | Q(user=user))
    return Checkout.objects.filter(user__isnull=True)


def _area_extra_days() -> Coalesce:
    areas = DeliveryArea.objects.alias(country_lower=Lower("country"), area_lower=Lower("area")).filter(
        country_lower=Lower(OuterRef("country")), area_lower=Lower(OuterRef("area"))
    )
    return Coalesce(Subquery(areas.values("extra_days")[:1]), Value(0))


def find_checkout(token: str, *, user, lock: bool = False) -> Checkout | None:
    """The checkout with its channel, delivery method, owner and ``extra_days`` of its area, in one query."""
    pk = parse_token(token)
    if pk is None:
        return None
    checkouts = (
        visible_checkouts(user)
        .select_related("channel", "delivery_method", "user__customer")
        .annotate(extra_days=_area_extra_days())
    )
    if lock:
        # Only the checkout row: locking the joined channel or user would serialize unrelated checkouts.
        checkouts = checkouts.select_for_update(of=("self",))
    return checkouts.filter(pk=pk).first()


def priced_lines(checkout: Checkout) -> list[CheckoutLine]:
    """The lines with their product and stock, each with ``unit_price`` in the channel (None: not sold there)."""
    listing = ProductChannelListing.objects.filter(product=OuterRef("product_id"), channel=checkout.channel_id)
    price = Subquery(listing.values("price")[:1], output_field=DecimalField(**AMOUNT))
    return list(
        CheckoutLine.objects.filter(checkout=checkout)
        .select_related("product", "product__stock")
        .annotate(unit_price=price)
    )


def estimated_days(method: DeliveryMethod, checkout: Checkout) -> int:
    return method.estimated_days + checkout.extra_days


def subtotal(lines: list[CheckoutLine]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines if line.unit_price is not None), Decimal(0))


def in_stock(product: Product) -> int:
    # select_related caches a missing one-to-one row as absent; getattr turns that into 0 without a query.
    stock = getattr(product, "stock", None)
    return stock.quantity if stock else 0
