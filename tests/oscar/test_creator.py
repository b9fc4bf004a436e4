"""The COD creator writes what oscar's own ``OrderCreator`` writes: two twin baskets (same products, prices, stock,
thresholds, alerts and analytics records), one placed by each creator, leave the same rows."""

from decimal import Decimal

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from oscar.apps.order.utils import OrderCreator
from oscar.core.loading import get_class, get_model
from oscar.test import factories

from cod_plugin.contrib.oscar import creator
from cod_plugin.contrib.oscar.creator import CodOrderCreator

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
ProductAlert = get_model("customer", "ProductAlert")
StockAlert = get_model("partner", "StockAlert")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")
Applicator = get_class("offer.applicator", "Applicator")
order_placed = get_class("order.signals", "order_placed")


class Twin:
    """One side of the comparison: its own products (the same titles as the other side's), customer and basket."""

    def __init__(self, shop, name: str):
        self.customer = factories.UserFactory(email=f"{name}@example.com")
        self.shirt = self.goods(shop, "Shirt", price="10.00", threshold=9)
        self.mug = self.goods(shop, "Mug", price="5.50", threshold=2)
        self.cap = self.goods(shop, "Cap", price="7.25", threshold=None)
        self.ebook = shop.product("E-book", price="4.00", digital=True)
        # the mug's alert was opened before a restock that sent no signal: allocating closes it
        StockAlert.objects.create(stockrecord=self.mug.stockrecords.get(), threshold=2)
        ProductRecord.objects.create(product=self.cap, num_purchases=3)
        factories.ProductAlertFactory(
            product=self.shirt, user=factories.UserFactory(email=f"waiting-{name}@example.com")
        )
        engraving = factories.OptionFactory(code=f"engraving-{name}", name="Engraving")
        self.basket = shop.basket((self.shirt, 2), (self.mug, 1), (self.ebook, 1), owner=self.customer)
        self.basket.add_product(self.cap, 3, options=[{"option": engraving, "value": "Ann"}])

    @staticmethod
    def goods(shop, title, *, price, threshold):
        product = shop.product(title, price=price, stock=10)
        StockRecord.objects.filter(product=product).update(low_stock_threshold=threshold)
        return product

    def place(self, creator):
        method = Free()
        charge = method.calculate(self.basket)
        total = OrderTotalCalculator().calculate(self.basket, charge)
        return creator.place_order(
            basket=self.basket, total=total, shipping_method=method, shipping_charge=charge, user=self.customer
        )


def rows(order, customer) -> dict:
    """What placing wrote, keyed by product title (the twins' ids differ)."""
    ignored = ["id", "order", "line", "product", "stockrecord", "partner", "partner_sku", "option", "type"]
    lines = order.lines.order_by("title")
    records = StockRecord.objects.filter(product__in=[line.product for line in lines]).order_by("product__title")
    return {
        "lines": [model_to_dict(line, exclude=ignored) for line in lines],
        "prices": [[model_to_dict(price, exclude=ignored) for price in line.prices.all()] for line in lines],
        "attributes": [[(a.option.name, a.value) for a in line.attributes.all()] for line in lines],
        "stock": [(r.product.title, r.num_in_stock, r.num_allocated) for r in records],
        "alerts": [
            (a.stockrecord.product.title, a.threshold, a.status, a.date_closed is not None)
            for r in records
            for a in r.alerts.order_by("pk")
        ],
        "purchases": [
            (p.title, ProductRecord.objects.get(product=p).num_purchases) for p in [li.product for li in lines]
        ],
        "user": model_to_dict(UserRecord.objects.get(user=customer), exclude=["id", "user", "date_last_order"]),
        "discounts": [[(d.amount, d.is_incl_tax) for d in line.discounts.order_by("pk")] for line in lines],
        "offers": [(d.offer_id, d.amount, d.frequency) for d in order.discounts.order_by("pk")],
        "waiting": [a.status for a in ProductAlert.objects.filter(product__in=[li.product for li in lines])],
        "total": order.total_incl_tax,
    }


@pytest.fixture
def signals():
    sent = []

    def listen(sender, order, user, **kwargs):
        sent.append((type(sender), order.number, user))

    order_placed.connect(listen)
    yield sent
    order_placed.disconnect(listen)


def test_the_cod_creator_writes_the_same_rows_as_oscars_for_a_twin_basket(shop, signals):
    # given
    oscars, cods = Twin(shop, "oscar"), Twin(shop, "cod")

    # when
    by_oscar = oscars.place(OrderCreator())
    mails_by_oscar = len(mail.outbox)
    by_cod = cods.place(CodOrderCreator())

    # then
    assert rows(by_cod, cods.customer) == rows(by_oscar, oscars.customer)
    assert rows(by_cod, cods.customer)["alerts"] == [("Mug", 2, "Closed", True), ("Shirt", 9, "Open", False)]
    assert rows(by_cod, cods.customer)["purchases"] == [("Cap", 6), ("E-book", 1), ("Mug", 1), ("Shirt", 2)]
    assert rows(by_cod, cods.customer)["total"] == Decimal("51.25")
    assert rows(by_cod, cods.customer)["waiting"] == ["Closed"]  # oscar's eager alert: the shirt is available
    assert mails_by_oscar == 1 and [m.to for m in mail.outbox[1:]] == [["waiting-cod@example.com"]]
    assert signals == [
        (OrderCreator, by_oscar.number, oscars.customer),
        (CodOrderCreator, by_cod.number, cods.customer),
    ]


def test_a_guests_order_counts_the_purchases_and_no_user_record(shop):
    # given
    product = shop.product("Shirt", price="10.00")
    basket = shop.basket((product, 2))
    method = Free()
    charge = method.calculate(basket)

    # when
    order = CodOrderCreator().place_order(
        basket=basket,
        total=OrderTotalCalculator().calculate(basket, charge),
        shipping_method=method,
        shipping_charge=charge,
        guest_email="guest@example.com",
    )

    # then
    assert ProductRecord.objects.get(product=product).num_purchases == 2
    assert not UserRecord.objects.exists()
    assert order.lines.get().num_allocated == 2 and product.stockrecords.get().num_allocated == 2


def test_an_offers_discounts_are_recorded_on_the_order_and_its_lines_as_oscar_records_them(shop):
    # given: 20% off everything, applied to both baskets
    offer = factories.create_offer()
    oscars, cods = Twin(shop, "oscar"), Twin(shop, "cod")
    for twin in (oscars, cods):
        Applicator().apply(twin.basket, twin.customer)

    # when
    by_oscar = oscars.place(OrderCreator())
    by_cod = cods.place(CodOrderCreator())

    # then
    assert rows(by_cod, cods.customer) == rows(by_oscar, oscars.customer)
    assert rows(by_cod, cods.customer)["offers"][0][0] == offer.pk
    assert all(rows(by_cod, cods.customer)["discounts"]), rows(by_cod, cods.customer)["discounts"]
    assert rows(by_cod, cods.customer)["total"] < Decimal("51.25")


def test_a_shops_fork_that_writes_lines_itself_gets_its_method_called_for_every_line(shop, customer, monkeypatch):
    # given: the shop's fork of OrderCreator (found by get_class) overrides a per-line method
    written = []

    class ShopsCreator(OrderCreator):
        def create_line_models(self, order, basket_line, extra_line_fields=None):
            written.append(basket_line.product.title)
            return super().create_line_models(order, basket_line, extra_line_fields)

    class CodOnTheShopsCreator(CodOrderCreator, ShopsCreator):
        pass

    monkeypatch.setattr(creator, "OrderCreator", ShopsCreator)
    basket = shop.basket((shop.product("Shirt"), 2), (shop.product("Mug"), 1), owner=customer)
    method = Free()
    charge = method.calculate(basket)

    # when
    order = CodOnTheShopsCreator().place_order(
        basket=basket,
        total=OrderTotalCalculator().calculate(basket, charge),
        shipping_method=method,
        shipping_charge=charge,
        user=customer,
    )

    # then
    assert written == ["Shirt", "Mug"]
    assert sorted(order.lines.values_list("title", "quantity")) == [("Mug", 1), ("Shirt", 2)]
    assert sorted(StockRecord.objects.values_list("num_allocated", flat=True)) == [1, 2]
