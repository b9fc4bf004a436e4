"""The store's writes behind its GraphQL API: accounts and checkouts, validated before anything is saved."""

from dataclasses import dataclass
from enum import StrEnum

from babel import Locale
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from .models import Channel, Checkout, CheckoutLine, Customer, DeliveryMethod, Product
from .passwords import password_problem
from .selectors import in_stock

MAX_QUANTITY = 10_000
MAX_LINES = 500

# CLDR's territories are the ISO 3166 countries plus groupings (EU, UN...) and unknown or private-use codes.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
COUNTRY_CODES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
COUNTRY_CODES -= NOT_COUNTRIES


class ErrorCode(StrEnum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_CREDENTIALS = "invalid_credentials"
    INSUFFICIENT_STOCK = "insufficient_stock"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNIQUE = "unique"


class StoreInputError(Exception):
    """A request the store refuses; the API answers it as ``{field, message, code}``."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class LineChange:
    product_pk: int
    quantity: int


def register_customer(email: str, password: str):
    email = _valid_email(email, required=True)
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        raise StoreInputError(ErrorCode.UNIQUE, "An account with this email already exists.", field="email")
    problem = password_problem(password)
    if problem:  # before the validators, which would read all of it, and before any hashing
        raise StoreInputError(ErrorCode.INVALID, problem, field="password")
    user = users.model(username=email, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise StoreInputError(ErrorCode.INVALID, " ".join(error.messages), field="password") from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            Customer.objects.create(user=user)
    except IntegrityError as error:
        # Another request registered the same email between our check and our insert.
        raise StoreInputError(ErrorCode.UNIQUE, "An account with this email already exists.", field="email") from error
    return user


def create_checkout(*, user, channel_slug: str, email: str | None, lines: list[LineChange], address: dict | None):
    channel = Channel.objects.filter(slug=channel_slug).first()
    if channel is None:
        raise StoreInputError(ErrorCode.NOT_FOUND, f"Channel '{channel_slug}' does not exist.", field="channel")
    signed_in = user is not None and user.is_authenticated
    email = user.email if signed_in else _valid_email(email or "", required=False)
    products = _products_for(channel, lines)
    fields = clean_address(address) if address else {}
    with transaction.atomic():
        checkout = Checkout.objects.create(channel=channel, user=user if signed_in else None, email=email, **fields)
        CheckoutLine.objects.bulk_create(
            CheckoutLine(checkout=checkout, product=products[change.product_pk], quantity=change.quantity)
            for change in lines
            if change.quantity
        )
    return checkout


def update_lines(checkout: Checkout, lines: list[LineChange]) -> None:
    """Set the quantity of each given product: add the new ones, drop those set to 0, keep the others."""
    products = _products_for(checkout.channel, lines)
    existing = {line.product_id: line for line in checkout.lines.all()}
    drop = [existing[c.product_pk].pk for c in lines if not c.quantity and c.product_pk in existing]
    changed, added = [], []
    for change in (c for c in lines if c.quantity):
        line = existing.get(change.product_pk)
        if line is None:
            added.append(CheckoutLine(checkout=checkout, product=products[change.product_pk], quantity=change.quantity))
        else:
            line.quantity = change.quantity
            changed.append(line)
    if len(existing) - len(drop) + len(added) > MAX_LINES:
        raise StoreInputError(ErrorCode.INVALID, f"A checkout holds at most {MAX_LINES} lines.", field="lines")
    CheckoutLine.objects.filter(pk__in=drop).delete()
    CheckoutLine.objects.bulk_update(changed, ["quantity"])
    CheckoutLine.objects.bulk_create(added)
    checkout.save(update_fields=["updated_at"])


def update_shipping_address(checkout: Checkout, address: dict) -> None:
    fields = clean_address(address)
    for name, value in fields.items():
        setattr(checkout, name, value)
    checkout.save(update_fields=[*fields, "updated_at"])


def set_delivery_method(checkout: Checkout, method_pk: int) -> None:
    method = DeliveryMethod.objects.filter(pk=method_pk).first()
    if method is None:
        raise StoreInputError(ErrorCode.NOT_FOUND, "Delivery method not found.", field="deliveryMethodId")
    if method.channel_id != checkout.channel_id:
        message = f"{method.name} is not offered in {checkout.channel}."
        raise StoreInputError(ErrorCode.INVALID, message, field="deliveryMethodId")
    checkout.delivery_method = method
    checkout.save(update_fields=["delivery_method", "updated_at"])


def clean_address(values: dict) -> dict[str, str]:
    """Address fields stripped and checked: lengths fit their columns, the country is a known 2-letter code."""
    cleaned = {}
    for name in Checkout.ADDRESS_FIELDS:
        value = (values.get(name) or "").strip()
        if len(value) > Checkout._meta.get_field(name).max_length:
            raise StoreInputError(ErrorCode.INVALID, "This value is too long.", field=name)
        cleaned[name] = value
    cleaned["country"] = cleaned["country"].upper()
    # A missing country is accepted: the COD check then names it as the reason; a wrong one is a typo to fix.
    if cleaned["country"] and cleaned["country"] not in COUNTRY_CODES:
        raise StoreInputError(ErrorCode.INVALID, "Enter a 2-letter ISO country code.", field="country")
    return cleaned


def _valid_email(email: str, *, required: bool) -> str:
    email = email.strip().lower()
    if not email:
        if required:
            raise StoreInputError(ErrorCode.REQUIRED, "Enter an email address.", field="email")
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise StoreInputError(ErrorCode.INVALID, "Enter a valid email address.", field="email") from error
    return email


def _products_for(channel: Channel, lines: list[LineChange]) -> dict[int, Product]:
    """The products to add or set, each checked: quantity in range, sold in the channel, enough stock.

    A product set to 0 is only removed, so it need not be sold any more.
    """
    pks = [change.product_pk for change in lines]
    if len(set(pks)) != len(pks):
        raise StoreInputError(ErrorCode.INVALID, "Each product may appear once.", field="lines")
    if len(pks) > MAX_LINES:
        raise StoreInputError(ErrorCode.INVALID, f"A checkout holds at most {MAX_LINES} lines.", field="lines")
    if any(not 0 <= change.quantity <= MAX_QUANTITY for change in lines):
        message = f"Quantities must be between 0 and {MAX_QUANTITY}."
        raise StoreInputError(ErrorCode.INVALID, message, field="quantity")
    wanted = [change for change in lines if change.quantity]
    products = Product.objects.filter(pk__in=[c.product_pk for c in wanted], channel_listings__channel=channel)
    found = {product.pk: product for product in products.select_related("stock")}
    if len(found) != len(wanted):
        raise StoreInputError(ErrorCode.NOT_FOUND, f"Some products are not sold in {channel}.", field="productId")
    short = [found[c.product_pk].name for c in wanted if c.quantity > in_stock(found[c.product_pk])]
    if short:
        message = f"Not enough stock for: {', '.join(short)}"
        raise StoreInputError(ErrorCode.INSUFFICIENT_STOCK, message, field="quantity")
    return found
