"""The store's tables: a small Saleor-like catalogue, checkout and order model."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from cod_plugin.fields import MoneyField

AMOUNT = {"max_digits": 15, "decimal_places": 3}

# Order numbers start here so that the first order reads like a real shop's ("1001"), not "1".
ORDER_NUMBER_OFFSET = 1000


class Channel(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    default_country = models.CharField(max_length=2)
    default_language = models.CharField(max_length=10, default="en")

    def __str__(self):
        return self.name


class Product(models.Model):
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, unique=True)
    category = models.SlugField(max_length=100, blank=True)
    is_high_value = models.BooleanField(default=False)
    is_pre_order = models.BooleanField(default=False)
    is_customized = models.BooleanField(default=False)
    needs_special_customs = models.BooleanField(default=False)
    is_digital = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class ProductChannelListing(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="channel_listings")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="product_listings")
    price = MoneyField(**AMOUNT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "channel"], name="store_listing_unique")]

    def __str__(self):
        return f"{self.product} in {self.channel}"

    def clean(self):
        if str(self.price.currency) != self.channel.currency:
            raise ValidationError({"price": f"Prices in {self.channel} are in {self.channel.currency}."})


class Stock(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="stock")
    quantity = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.product}: {self.quantity}"


class DeliveryMethod(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="delivery_methods")
    name = models.CharField(max_length=100)
    price = MoneyField(**AMOUNT)
    can_collect_cash = models.BooleanField(default=True)
    estimated_days = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"{self.name} ({self.channel})"


class DeliveryArea(models.Model):
    """A remote area: its extra days are added to every method's estimate for an address there."""

    country = models.CharField(max_length=2)
    area = models.CharField(max_length=100)
    extra_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            # Addresses match areas case-insensitively, so two spellings of one area would be ambiguous.
            models.UniqueConstraint(Lower("country"), Lower("area"), name="store_delivery_area_unique"),
        ]

    def __str__(self):
        return f"{self.country} / {self.area} (+{self.extra_days} days)"


class Customer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer")
    phone = models.CharField(max_length=32, blank=True)
    b2b_account = models.CharField("B2B account (company id)", max_length=64, blank=True)

    def __str__(self):
        return str(self.user)


class Address(models.Model):
    """The shipping address fields that a checkout collects and an order copies."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    area = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    ADDRESS_FIELDS = ("first_name", "last_name", "street", "city", "area", "postal_code", "country", "phone")

    class Meta:
        abstract = True

    def address_values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.ADDRESS_FIELDS}


class Checkout(Address):
    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="checkouts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="checkouts"
    )
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    delivery_method = models.ForeignKey(
        DeliveryMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.IntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["checkout", "product"], name="store_checkout_line_unique")]

    def __str__(self):
        return f"{self.quantity} × {self.product}"


class Order(Address):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Unconfirmed"
        UNFULFILLED = "unfulfilled", "Unfulfilled"
        FULFILLED = "fulfilled", "Fulfilled"
        PAID = "paid", "Paid"
        CANCELED = "canceled", "Canceled"

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    cancel_reason = models.CharField(max_length=255, blank=True)
    # When the goods left with the courier: from then on a cancel no longer releases stock, a restock puts it back.
    shipped_at = models.DateTimeField(null=True, blank=True)
    refunded = models.DecimalField(**AMOUNT, default=0)
    payment_method = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3)
    shipping_price = models.DecimalField(**AMOUNT)
    total = models.DecimalField(**AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"#{self.number}"

    @property
    def number(self) -> str:
        # Derived from the primary key: unique without a second write after the insert.
        return str(ORDER_NUMBER_OFFSET + self.pk)


class OrderLine(models.Model):
    class Kind(models.TextChoices):
        PRODUCT = "product", "Product"
        COD_FEE = "cod_fee", "Cash on Delivery fee"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**AMOUNT)
    total = models.DecimalField(**AMOUNT)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.name}"


class DepositPayment(models.Model):
    """The store's own online payment for a COD order's deposit (partial COD): created when the plugin asks for
    one (``request_deposit``), paid on its page (or marked paid by staff), refunded when the plugin gives it back."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        REFUNDED = "refunded", "Refunded"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deposit_payments")
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded = models.DecimalField(**AMOUNT, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"Deposit {self.amount} {self.currency} for {self.order}"
