"""Reading a basket, the plugin's eligibility check on it (run at each step of oscar's checkout) and placing its COD
order (through the adapter, ``cod_plugin.api.place`` and oscar's preview) take the same number of queries whatever
the basket's size."""

import math
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from cod_plugin.contrib.oscar.adapter import OscarAdapter
from cod_plugin.host import OrderDraft

from .conftest import ADDRESS

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")

adapter = OscarAdapter()


def basket_of(shop, customer, size: int):
    products = [
        shop.product(f"Item {n}", price="3.00", flags=("customized",), categories=(f"cat-{n % 3}",))
        for n in range(size)
    ]
    return shop.basket(*((product, 1) for product in products), owner=customer)


def queries_to_read(shop, customer, size: int) -> int:
    basket = basket_of(shop, customer, size)
    context = shop.context(user=customer)
    with CaptureQueriesContext(connection) as queries:
        checkout = adapter.get_checkout(str(basket.pk), context=context, lock=True)
    assert len(checkout.lines) == size and all(line.flags == {"customized"} for line in checkout.lines)
    return len(queries)


def batches_beyond_the_first(size: int) -> int:
    """The INSERTs that the database adds when it splits the lines' and prices' ``bulk_create`` in batches: none on
    PostgreSQL; on SQLite Django keeps each query under 999 parameters (about 45 order lines), whatever we ask."""
    extra = 0
    for model in (OrderLine, LinePrice):
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        extra += math.ceil(size / connection.ops.bulk_batch_size(fields, [None] * size)) - 1
    return extra


def constant(counts: dict[int, int]) -> list[int]:
    """The counts less the database's own batching (see ``batches_beyond_the_first``)."""
    return [count - batches_beyond_the_first(size) for size, count in counts.items()]


def queries_to_place(shop, customer, size: int) -> int:
    basket = basket_of(shop, customer, size)
    context = shop.context(user=customer)
    checkout = adapter.get_checkout(str(basket.pk), context=context)
    draft = OrderDraft(checkout=checkout, fee=Decimal("1.00"), fee_label="COD fee", amount_to_collect=Decimal("1"))
    with CaptureQueriesContext(connection) as queries:
        snapshot = adapter.create_order(draft, context=context)
    assert len(snapshot.lines) == size
    return len(queries)


def test_the_adapter_places_an_order_in_the_same_number_of_queries_for_1_10_and_100_lines(shop, customer):
    # given: the shop's first order creates the COD payment source type and the customer's analytics record
    queries_to_place(shop, customer, 1)

    # when
    counts = {size: queries_to_place(shop, customer, size) for size in (1, 10, 100)}

    # then: lines, prices, stock allocation, stock alerts and purchase counts are written in bulk
    assert len(set(constant(counts))) == 1, counts


def cod_policy():
    from cod_plugin.models import CodPolicy, CodRegion, CodTerms

    policy = CodPolicy.objects.create(channel="default", currency="USD", enabled=True, new_customer_limit=1000)
    CodRegion.objects.create(policy=policy, country="US", collection_methods=["cash"])
    CodTerms.objects.create(policy=policy, version=1, language="en", text="Pay the courier in cash.")


def queries_to_place_through_the_api(shop, customer, size: int) -> int:
    from cod_plugin import api

    basket = basket_of(shop, customer, size)
    with CaptureQueriesContext(connection) as queries:
        cod_order = api.place(str(basket.pk), context=shop.context(user=customer), accepted_terms_version=1)
    assert Order.objects.get(pk=cod_order.order_ref).lines.count() == size
    return len(queries)


def test_placing_through_the_api_takes_the_same_queries_for_1_10_and_100_lines(shop, customer):
    # given
    cod_policy()
    queries_to_place_through_the_api(shop, customer, 1)

    # when
    counts = {size: queries_to_place_through_the_api(shop, customer, size) for size in (1, 10, 100)}

    # then
    assert len(set(constant(counts))) == 1, counts


def queries_to_submit_the_preview(shop, customer, size: int) -> int:
    basket_of(shop, customer, size)
    client = Client()
    client.force_login(customer)
    address = {**ADDRESS, "country": "US"}
    assert client.post(reverse("checkout:shipping-address"), address).status_code == 302
    client.get(reverse("checkout:shipping-method"))
    chosen = client.post(reverse("checkout:payment-method"), {"payment_method": "cash-on-delivery"})
    assert chosen.status_code == 302, chosen.content.decode()[:2000]
    data = {"action": "place_order", "cod_terms_version": 1, "accept_cod_terms": "on"}
    with CaptureQueriesContext(connection) as queries:
        placed = client.post(reverse("checkout:preview"), data)
    assert placed.status_code == 302 and placed["Location"] == reverse("checkout:thank-you")
    assert Order.objects.order_by("-pk").first().lines.count() == size
    return len(queries)


def test_submitting_oscars_preview_with_cod_takes_the_same_queries_for_1_10_and_100_lines(shop, customer):
    # given
    cod_policy()
    queries_to_submit_the_preview(shop, customer, 1)

    # when
    counts = {size: queries_to_submit_the_preview(shop, customer, size) for size in (1, 10, 100)}

    # then
    assert len(set(constant(counts))) == 1, counts


def queries_to_check(shop, customer, size: int) -> int:
    from cod_plugin import api

    basket = basket_of(shop, customer, size)
    context = shop.context(user=customer)
    with CaptureQueriesContext(connection) as queries:
        result = api.check(str(basket.pk), context=context)
    assert result.is_eligible, result.reasons
    return len(queries)


def test_the_plugins_eligibility_check_on_an_oscar_basket_takes_the_same_queries_for_1_10_and_100_lines(shop, customer):
    cod_policy()

    counts = [queries_to_check(shop, customer, size) for size in (1, 10, 100)]

    assert counts[0] == counts[1] == counts[2], counts
