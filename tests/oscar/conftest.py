"""Fixtures of the oscar tests: products with the COD attributes, baskets, and the requests that own them.

A request here is what oscar's middleware leaves on one: a session (with oscar's checkout data), the user, and for a
guest the signed basket cookie.
"""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from .settings import OSCAR_INSTALLED

if django_settings.SETTINGS_MODULE != "tests.oscar.settings":
    # Another run's settings (tests/conftest.py leaves this folder to `--ds=tests.oscar.settings`).
    collect_ignore_glob = ["*"]
elif not OSCAR_INSTALLED:
    # Only test_installed.py is collected; it reports the skip (a failure in CI).
    collect_ignore_glob = ["test_[!i]*.py"]
else:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.signing import Signer
    from django.test import RequestFactory
    from oscar.core.loading import get_class, get_model
    from oscar.test import factories
    from phonenumber_field.phonenumber import PhoneNumber

    from cod_plugin.host import HostContext

    Basket = get_model("basket", "Basket")
    Category = get_model("catalogue", "Category")
    ProductAttribute = get_model("catalogue", "ProductAttribute")
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    ProductCategory = get_model("catalogue", "ProductCategory")
    ProductClass = get_model("catalogue", "ProductClass")
    CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
    Selector = get_class("partner.strategy", "Selector")

    ADDRESS = {
        "first_name": "Ann",
        "last_name": "Lee",
        "line1": "1 Main St",
        "line2": "Flat 2",
        "line4": "New York",
        "state": "NY",
        "postcode": "10001",
        "country_id": "US",
        "phone_number": "+12125550100",
    }

    class Shop:
        """Builds what a test needs in oscar, with oscar's own factories."""

        def __init__(self):
            factories.CountryFactory(iso_3166_1_a2="US", printable_name="United States", is_shipping_country=True)
            self.goods = ProductClass.objects.create(name="Goods", requires_shipping=True, track_stock=True)
            self.digital = ProductClass.objects.create(name="E-books", requires_shipping=False, track_stock=False)
            self.skus = 0

        def product(self, title="T-shirt", *, price="10.00", stock=10, flags=(), categories=(), digital=False):
            product_class = self.digital if digital else self.goods
            self.skus += 1
            product = factories.create_product(
                title=title,
                product_class=product_class.name,
                price=Decimal(price),
                num_in_stock=stock,
                partner_sku=f"SKU-{self.skus}",
            )
            for flag in flags:
                attribute, _ = ProductAttribute.objects.get_or_create(
                    product_class=product_class, code=f"cod_{flag}", defaults={"name": flag, "type": "boolean"}
                )
                ProductAttributeValue.objects.create(product=product, attribute=attribute, value_boolean=True)
            for slug in categories:
                category = Category.objects.filter(slug=slug).first() or Category.objects.add_root(
                    instance=Category(name=slug, slug=slug)
                )
                ProductCategory.objects.create(product=product, category=category)
            return product

        def basket(self, *lines, owner=None):
            """A basket with ``(product, quantity)`` lines, the customer's or (no owner) a guest's."""
            basket = Basket.objects.create(owner=owner)
            basket.strategy = Selector().strategy()
            for product, quantity in lines:
                basket.add_product(product, quantity)
            return basket

        def request(self, *, user=None, basket=None, address=ADDRESS, method="free-shipping", guest_email=None):
            """A request with its own session carrying oscar's checkout data, and for a guest the basket cookie."""
            from django.conf import settings

            request = RequestFactory().get("/checkout/")
            request.user = user or AnonymousUser()
            request.session = SessionStore()
            session = CheckoutSessionData(request)
            if address:
                session.ship_to_new_address(
                    {**address, "phone_number": PhoneNumber.from_string(address["phone_number"])}
                )
            if method:
                session.use_shipping_method(method)
            if guest_email:
                session.set_guest_email(guest_email)
            if basket is not None and not request.user.is_authenticated:
                request.COOKIES[settings.OSCAR_BASKET_COOKIE_OPEN] = Signer().sign(basket.pk)
            return request

        def context(self, **kwargs) -> HostContext:
            return HostContext.of(self.request(**kwargs))

    @pytest.fixture
    def shop(db):
        return Shop()

    @pytest.fixture
    def customer(db):
        return factories.UserFactory(email="ann@example.com")
