"""Demo data for the oscar shop (``make demo-oscar``): a product class with the COD exclusion attributes, products
(one high-value, one above the COD price cap), stock at one partner, two shipping methods, the demo customers
with their default addresses and COD standing, staff in the COD groups, and the COD policy of the shop's channel.
Running it again changes nothing."""

from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from cod_plugin.contrib.oscar.demo import CUSTOMERS, PASSWORD, PRODUCTS, SHIPPING, STAFF, policy_fields, terms_text
from cod_plugin.contrib.oscar.settings import oscar_settings

Country = get_model("address", "Country")
UserAddress = get_model("address", "UserAddress")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductCategory = get_model("catalogue", "ProductCategory")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")

FLAGS = ("cod_high_value", "cod_pre_order", "cod_customized", "cod_special_customs")


class Command(BaseCommand):
    help = "Add the COD demo's products, customers, staff and policy to the oscar shop (once)."

    @transaction.atomic
    def handle(self, *args, **options):
        country = self.country()
        self.products()
        for code, name, per_order in SHIPPING:
            OrderAndItemCharges.objects.get_or_create(code=code, defaults={"name": name, "price_per_order": per_order})
        self.customers(country)
        self.staff()
        self.policy()
        self.stdout.write(f"Demo shop ready: {len(PRODUCTS)} products, {len(CUSTOMERS)} customers, {len(STAFF)} staff.")
        # Oscar's catalogue pages list products through a search index (none with haystack's simple backend): the
        # products' own pages, and the search box, find them.
        for product in Product.objects.filter(stockrecords__partner_sku__in=[row[0] for row in PRODUCTS]):
            self.stdout.write(f"  {product.get_absolute_url()}  {product.title}")

    def country(self):
        country, _ = Country.objects.update_or_create(
            iso_3166_1_a2="US",
            defaults={"iso_3166_1_a3": "USA", "iso_3166_1_numeric": "840", "name": "United States of America",
                      "printable_name": "United States", "is_shipping_country": True},
        )  # fmt: skip
        return country

    def products(self):
        product_class, _ = ProductClass.objects.get_or_create(
            slug="cod-goods", defaults={"name": "Goods", "requires_shipping": True, "track_stock": True}
        )
        for code in FLAGS:
            ProductAttribute.objects.get_or_create(
                product_class=product_class, code=code, defaults={"name": code.replace("_", " "), "type": "boolean"}
            )
        partner, _ = Partner.objects.get_or_create(code="demo-warehouse", defaults={"name": "Demo warehouse"})
        for sku, title, price, category, flags in PRODUCTS:
            if StockRecord.objects.filter(partner=partner, partner_sku=sku).exists():
                continue
            product = Product.objects.create(product_class=product_class, title=title, structure="standalone")
            for flag in flags:
                setattr(product.attr, flag, True)
            product.attr.save()
            ProductCategory.objects.create(product=product, category=create_from_breadcrumbs(category))
            StockRecord.objects.create(
                product=product, partner=partner, partner_sku=sku, price=price, price_currency="USD", num_in_stock=50
            )

    def customers(self, country):
        from cod_plugin.models import CodCustomerProfile

        for email, standing, address in CUSTOMERS:
            user = self.user(email)
            UserAddress.objects.get_or_create(
                user=user, defaults={**address, "country": country, "is_default_for_shipping": True,
                                     "is_default_for_billing": True},
            )  # fmt: skip
            fields = {"email": email, "phone": address["phone_number"], **standing}
            CodCustomerProfile.objects.get_or_create(customer_key=f"customer:{user.pk}", defaults=fields)

    def staff(self):
        admin = self.user("admin@example.com", is_staff=True)
        if not admin.is_superuser:
            admin.is_superuser = True
            admin.save(update_fields=["is_superuser"])
        for email, group in STAFF:
            self.user(email, is_staff=True).groups.add(*Group.objects.filter(name=group))

    def user(self, email: str, *, is_staff: bool = False):
        user, created = get_user_model()._default_manager.get_or_create(
            email=email, defaults={"username": email, "is_staff": is_staff}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user

    def policy(self):
        from cod_plugin.models import CodPolicy, CodRegion, CodTerms

        channel = oscar_settings.CHANNEL
        policy, created = CodPolicy.objects.get_or_create(channel=channel, defaults=policy_fields())
        if not created:
            return
        CodRegion.objects.create(policy=policy, country="US", collection_methods=["cash", "card"])
        CodRegion.objects.create(policy=policy, country="US", area="NY", order_cap=Decimal("1000"),
                                 collection_methods=["cash", "card"])  # fmt: skip
        terms = CodTerms.objects.create(policy=policy, version=1, language="en", text=terms_text())
        CodTerms.objects.filter(pk=terms.pk).update(published_at=datetime(2026, 11, 1, 9, tzinfo=UTC))
