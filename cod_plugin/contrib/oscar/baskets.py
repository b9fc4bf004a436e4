"""Oscar baskets read as the plugin's checkouts: whose basket it is, and its snapshot in a fixed number of queries.

A signed-in customer's basket is found by its owner; a guest's only through the basket cookie of the request that
asks (oscar's ``BasketMiddleware`` signs the basket id into it), so another session never reaches it. The shipping
address, the shipping method and a guest's email live in oscar's checkout session (``CheckoutSessionData``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.db.models import Prefetch
from django.utils.translation import get_language
from oscar.core.loading import get_class, get_model

from cod_plugin.api import round_money

from ...host import (
    AddressSnapshot,
    CheckoutSnapshot,
    CustomerSnapshot,
    DeliveryMethodSnapshot,
    HostContext,
    HostError,
    LineSnapshot,
)
from .settings import oscar_settings

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Product = get_model("catalogue", "Product")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")
Repository = get_class("shipping.repository", "Repository")

CHECKOUT_STATUSES = (Basket.OPEN, Basket.FROZEN)


def parse_pk(ref: str) -> int | None:
    try:
        pk = int(ref)
    except (TypeError, ValueError):
        return None
    return pk if pk > 0 else None


def find_basket(checkout_ref: str, context: HostContext, *, lock: bool = False):
    """The context's basket with this id, open or frozen (oscar freezes it while an order is placed), or None."""
    pk = parse_pk(checkout_ref)
    if pk is None:
        return None
    baskets = Basket.objects.filter(pk=pk, status__in=CHECKOUT_STATUSES)
    user = context.user
    if user is not None and user.is_authenticated:
        baskets = baskets.filter(owner_id=user.pk)
    elif pk == cookie_basket_id(context.request):
        baskets = baskets.filter(owner=None)
    else:
        return None
    if lock:
        baskets = baskets.select_for_update()
    basket = baskets.first()
    if basket is not None and user is not None and user.is_authenticated:
        basket.owner = user
    return basket


def cookie_basket_id(request) -> int | None:
    """The basket id signed into this request's basket cookie (oscar's own cookie and signer), or None."""
    if request is None:
        return None
    signed = getattr(request, "COOKIES", {}).get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if not signed:
        return None
    try:
        return parse_pk(Signer().unsign(signed))
    except BadSignature:
        return None


def prepare(basket, context: HostContext):
    """Give the basket its strategy, lines loaded in a fixed number of queries, and its offers applied."""
    request, user = context.request, context.user
    basket.strategy = Selector().strategy(request=request, user=user)
    # Oscar's ``all_lines`` caches its queryset in ``_lines`` (offers annotate those line objects): giving it ours,
    # with the products' stock records, attributes and categories prefetched, keeps the count fixed.
    basket._lines = basket_lines(basket)
    for line in basket._lines:
        if line.stockrecord is not None:
            # Allocating reads the record's product (its class tracks stock or not): the line's, already loaded.
            line.stockrecord.product = line.product
    if not basket.is_empty:
        Applicator().apply(basket, user, request)
    return basket


def basket_lines(basket):
    """The basket's lines with all that a snapshot and oscar's default strategy read, prefetched."""
    products = Product.objects.prefetch_attribute_values().prefetch_related(
        "stockrecords", "categories", "parent__categories"
    )
    # Through the related manager, each line's ``basket`` is this basket object, whose strategy the lines price with.
    return (
        basket.lines.select_related("stockrecord__partner")
        .prefetch_related(Prefetch("product", queryset=products), "attributes")
        .order_by("pk")
    )


def snapshot(basket, context: HostContext) -> CheckoutSnapshot:
    lines = list(basket.all_lines())
    session = checkout_session(context.request)
    address = shipping_address(basket, session)
    return CheckoutSnapshot(
        ref=str(basket.pk),
        channel=oscar_settings.CHANNEL,
        currency=basket.currency or settings.OSCAR_DEFAULT_CURRENCY,
        language=get_language() or settings.LANGUAGE_CODE,
        lines=tuple(line_snapshot(line) for line in lines),
        customer=customer_snapshot(context.user, guest_email=session.get_guest_email() if session else None),
        shipping_address=address_snapshot(address) if address is not None else None,
        delivery_method=method_snapshot(basket, context, session, address),
    )


def line_snapshot(line) -> LineSnapshot:
    product = line.product
    unit_price = line.unit_price_incl_tax
    if unit_price is None:
        raise HostError("product_not_available", f"No longer sold: {product.get_title()}", field="lines")
    discounted = line.line_price_incl_tax_incl_discounts
    if discounted is not None and discounted != line.line_price_incl_tax:
        unit_price = round_money(Decimal(discounted) / line.quantity, line.price_currency)
    return LineSnapshot(
        product_ref=str(product.pk),
        sku=line.stockrecord.partner_sku if line.stockrecord else str(product.pk),
        name=product.get_title(),
        quantity=line.quantity,
        unit_price=Decimal(unit_price),
        flags=product_flags(product),
        categories=category_slugs(product),
        is_digital=not product.is_shipping_required,
    )


def product_flags(product) -> frozenset[str]:
    """The COD flags whose boolean attribute (``COD_OSCAR_FLAG_ATTRIBUTES``) is true on the product."""
    values = {value.attribute.code: value.value for value in product.get_attribute_values()}
    return frozenset(flag for flag, code in oscar_settings.FLAG_ATTRIBUTES.items() if values.get(code) is True)


def category_slugs(product) -> frozenset[str]:
    owner = product.parent if product.is_child and product.parent_id else product
    return frozenset(category.slug for category in owner.categories.all())


def customer_snapshot(user, *, guest_email: str | None = None) -> CustomerSnapshot:
    if user is not None and user.is_authenticated:
        return CustomerSnapshot(
            ref=str(user.pk), email=user.email, phone=default_phone(user), joined_at=user.date_joined
        )
    return CustomerSnapshot(ref=None, email=guest_email or "")


def default_phone(user) -> str:
    """Oscar users have no phone: the default shipping address's, if any."""
    address = UserAddress.objects.filter(user=user).order_by("-is_default_for_shipping", "pk").first()
    return str(address.phone_number or "") if address is not None and address.phone_number else ""


def checkout_session(request):
    """Oscar's checkout session data of the request, or None (no request, or no checkout begun: nothing written)."""
    session = getattr(request, "session", None)
    if session is None or CheckoutSessionData.SESSION_KEY not in session:
        return None
    return CheckoutSessionData(request)


def shipping_address(basket, session):
    """The unsaved ``ShippingAddress`` of the session, as oscar's ``CheckoutSessionMixin.get_shipping_address``."""
    if session is None or not basket.is_shipping_required():
        return None
    fields = session.new_shipping_address_fields()
    if fields:
        return ShippingAddress(**fields)
    address_id = session.shipping_user_address_id()
    user_address = UserAddress.objects.filter(pk=address_id).first() if address_id else None
    if user_address is None:
        return None
    address = ShippingAddress()
    user_address.populate_alternative_model(address)
    return address


def address_snapshot(address) -> AddressSnapshot:
    street_2 = ", ".join(part for part in (address.line2, address.line3) if part)
    return AddressSnapshot(
        country=(address.country_id or "").upper(),
        area=address.state or "",
        city=address.line4 or "",
        postal_code=address.postcode or "",
        phone=str(address.phone_number or "") if address.phone_number else "",
        first_name=address.first_name or "",
        last_name=address.last_name or "",
        street_1=address.line1 or "",
        street_2=street_2,
    )


def shipping_method(basket, context: HostContext, session, address):
    """The session's shipping method among those oscar's ``Repository`` offers for this basket and address."""
    code = session.shipping_method_code(basket) if session is not None else None
    if not code:
        return None
    methods = Repository().get_shipping_methods(
        basket=basket, user=context.user, shipping_addr=address, request=context.request
    )
    return next((method for method in methods if method.code == code), None)


def method_snapshot(basket, context: HostContext, session, address) -> DeliveryMethodSnapshot | None:
    """``can_collect_cash`` and ``estimated_days`` come from the method class when it has them, else from
    ``COD_DELIVERY_METHODS`` by the method's code."""
    method = shipping_method(basket, context, session, address)
    if method is None:
        return None
    return DeliveryMethodSnapshot(
        ref=method.code,
        name=str(method.name),
        price=Decimal(method.calculate(basket).incl_tax),
        can_collect_cash=getattr(method, "can_collect_cash", None),
        estimated_days=getattr(method, "estimated_days", None),
    )
