"""Large carts built straight in the store's tables, for tests that measure how work grows with the cart."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from djmoney.money import Money

from sandbox.store.models import Channel, Checkout, CheckoutLine, DeliveryMethod, Product, ProductChannelListing, Stock


def big_checkout(size: int, *, email="new@example.com", price="0.50") -> Checkout:
    """A checkout of ``size`` distinct products in default-channel, NY address, Standard delivery."""
    channel = Channel.objects.get(slug="default-channel")
    products = Product.objects.bulk_create(
        Product(name=f"Sticker {i}", sku=f"STICKER-{size}-{i}", category="stickers") for i in range(size)
    )
    ProductChannelListing.objects.bulk_create(
        ProductChannelListing(product=p, channel=channel, price=Money(Decimal(price), "USD")) for p in products
    )
    Stock.objects.bulk_create(Stock(product=p, quantity=100) for p in products)
    checkout = Checkout.objects.create(
        channel=channel,
        user=get_user_model().objects.get(email=email),
        email=email,
        language="en",
        first_name="Ann",
        last_name="Lee",
        street="1 Main St",
        city="New York",
        area="NY",
        postal_code="10001",
        country="US",
        phone="+12125550100",
        delivery_method=DeliveryMethod.objects.get(channel=channel, name="Standard"),
    )
    CheckoutLine.objects.bulk_create(CheckoutLine(checkout=checkout, product=p, quantity=1) for p in products)
    return checkout
