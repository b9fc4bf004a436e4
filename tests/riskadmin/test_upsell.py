"""The upsell at the confirmation call: the store's related products in the call script (none when the store offers
none), and "Add" recorded as a MODIFIED outcome with the product added, the fee priced again."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from djmoney.money import Money

from cod_plugin.host import BaseHostAdapter
from cod_plugin.models import CodOrder, CodOrderEvent
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from sandbox.store.models import Channel, Order, Product, ProductChannelListing, Stock
from tests.lifecycle.helpers import place

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"


class NoRelatedProducts(StoreAdapter):
    """The sandbox store without an upsell: the port's default."""

    related_products = BaseHostAdapter.related_products


@pytest.fixture
def agent(demo) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email="agent@example.com"))
    return client


@pytest.fixture
def order(api) -> CodOrder:
    """2 t-shirts (USD 19.99) and headphones (USD 129.00) to New York, USD 5.00 shipping, fee USD 5.22."""
    return place(api, None)[1]


def product_ref(sku: str) -> str:
    return str(Product.objects.get(sku=sku).pk)


def add(agent, order, sku: str, quantity) -> list[str]:
    response = agent.post(
        f"{QUEUE}{order.pk}/add/", {"product_ref": product_ref(sku), "quantity": quantity}, follow=True
    )
    return [str(message) for message in response.context["messages"]]


def offered(response) -> list[tuple[str, str]]:
    box = re.search(r'<div id="upsell">(.*?)</div>', response.content.decode(), re.S)
    if not box:
        return []
    return re.findall(r'<span class="upsell-name">([^<]*)</span> · <span class="upsell-price">([^<]*)</span>', box[1])


# ---- the store's offers


def test_the_sandbox_offers_plain_products_no_dearer_than_the_order_and_none_on_it(order):
    offers = StoreAdapter().related_products(order.order_ref)
    # not the television (dearer than the headphones), the gift card, nor the flagged or digital products
    assert [(offer.name, offer.unit_price) for offer in offers] == [
        ("Rice cooker", Decimal("89.00")),
        ("Running shoes", Decimal("74.50")),
    ]


def test_products_of_the_orders_category_come_first_and_three_at_most(order):
    # given earbuds, electronics as the headphones on the order, whose name sorts after the others
    earbuds = Product.objects.create(name="Wireless earbuds", sku="EARBUDS-001", category="electronics")
    Stock.objects.create(product=earbuds, quantity=10)
    ProductChannelListing.objects.create(
        product=earbuds, channel=Channel.objects.get(slug="default-channel"), price=Money(49, "USD")
    )
    # then they come first, and the third product is not offered
    names = [offer.name for offer in StoreAdapter().related_products(order.order_ref)]
    assert names == ["Wireless earbuds", "Rice cooker", "Running shoes"]
    Product.objects.filter(sku="SHOES-001").update(name="Aa shoes")
    assert [offer.name for offer in StoreAdapter().related_products(order.order_ref)] == [
        "Wireless earbuds",
        "Aa shoes",
        "Rice cooker",
    ]


def test_a_product_out_of_stock_is_not_offered(order):
    Stock.objects.filter(product__sku="RICE-COOKER-001").update(quantity=0)
    assert [offer.name for offer in StoreAdapter().related_products(order.order_ref)] == ["Running shoes"]


def test_an_unknown_order_has_no_offers(demo):
    assert StoreAdapter().related_products("999999") == []


# ---- the call script


def test_the_script_offers_them_with_their_price_and_an_add_button(order, agent):
    response = agent.get(QUEUE)
    assert offered(response) == [("Rice cooker", "$89.00"), ("Running shoes", "$74.50")]
    assert response.content.decode().count(f'action="{QUEUE}{order.pk}/add/"') == 2


@override_settings(COD_HOST_ADAPTER="tests.riskadmin.test_upsell.NoRelatedProducts")
def test_a_store_without_related_products_shows_no_offer(order, agent):
    html = agent.get(QUEUE).content.decode()
    assert 'id="upsell"' not in html and "Offer with this order" not in html


def test_a_reader_of_the_queue_sees_offers_but_no_add(order, demo, staff_client):
    response = staff_client("cod_admin_ui.view_confirmationqueue").get(QUEUE)
    assert len(offered(response)) == 2 and "/add/" not in response.content.decode()


# ---- adding one


def test_add_records_modified_with_the_product_added_and_the_fee_priced_again(order, agent):
    stock = Stock.objects.get(product__sku="RICE-COOKER-001").quantity
    messages = add(agent, order, "RICE-COOKER-001", "1")
    order.refresh_from_db()
    # 173.98 + 89.00 = 262.98 with shipping; 3% of it: a fee of 7.89; 270.87 to collect
    assert order.status == CodStatus.CONFIRMED
    assert (order.order_amount.amount, order.fee.amount) == (Decimal("262.98"), Decimal("7.89"))
    assert messages == [f"Order {order.order_number} is changed and confirmed: $270.87 to collect, COD fee $7.89."]
    store = Order.objects.get(pk=order.order_ref)
    assert ("RICE-COOKER-001", 1) in set(store.lines.filter(kind="product").values_list("sku", "quantity"))
    assert Stock.objects.get(product__sku="RICE-COOKER-001").quantity == stock - 1
    modified = CodOrderEvent.objects.get(order=order, kind="modified")
    assert modified.data["changes"]["additions"] == {product_ref("RICE-COOKER-001"): 1}


TOO_FEW, TOO_MANY = (
    "Ensure this value is greater than or equal to 1.",
    "Ensure this value is less than or equal to 999.",
)


@pytest.mark.parametrize(("quantity", "refused"), [("0", TOO_FEW), ("1", None), ("999", None), ("1000", TOO_MANY)])
def test_the_form_takes_1_to_the_largest_line_quantity(order, agent, quantity, refused):
    Stock.objects.filter(product__sku="SHOES-001").update(quantity=5000)
    messages = add(agent, order, "SHOES-001", quantity)
    if refused:
        assert messages == [refused]
        order.refresh_from_db()
        assert order.status == CodStatus.PENDING_CONFIRMATION
    else:  # the flow answers: 999 pairs are far above the order's limit, one pair is fine
        assert TOO_FEW not in messages and TOO_MANY not in messages and len(messages) == 1


def test_a_product_not_offered_is_refused_and_nothing_changes(order, agent):
    messages = add(agent, order, "TV-65-001", "1")
    assert messages == ["The store does not offer this product with this order."]
    order.refresh_from_db()
    assert order.status == CodStatus.PENDING_CONFIRMATION and order.fee.amount == Decimal("5.22")


def test_adding_needs_the_right_to_record_outcomes(order, demo, staff_client):
    reader = staff_client("cod_admin_ui.view_confirmationqueue")
    response = reader.post(f"{QUEUE}{order.pk}/add/", {"product_ref": product_ref("SHOES-001"), "quantity": "1"})
    assert response.status_code == 403
