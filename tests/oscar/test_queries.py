"""Reading a basket, and the plugin's eligibility check on it (run at each step of oscar's checkout), take the same
number of queries whatever the basket's size; placing an order grows with the lines only through oscar's own
``OrderCreator``."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.contrib.oscar.adapter import OscarAdapter
from cod_plugin.host import OrderDraft

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


def queries_to_place(shop, customer, size: int) -> int:
    basket = basket_of(shop, customer, size)
    context = shop.context(user=customer)
    checkout = adapter.get_checkout(str(basket.pk), context=context)
    draft = OrderDraft(checkout=checkout, fee=Decimal("1.00"), fee_label="COD fee", amount_to_collect=Decimal("1"))
    with CaptureQueriesContext(connection) as queries:
        adapter.create_order(draft, context=context)
    return len(queries)


def test_a_basket_is_read_in_the_same_number_of_queries_for_1_10_and_100_lines(shop, customer):
    counts = [queries_to_read(shop, customer, size) for size in (1, 10, 100)]

    assert counts[0] == counts[1] == counts[2], counts


def test_placing_grows_by_a_fixed_number_of_queries_per_line(shop, customer):
    # given: the shop's first order creates the COD payment source type and the customer's analytics record
    queries_to_place(shop, customer, 1)

    # when
    counts = {size: queries_to_place(shop, customer, size) for size in (1, 2, 10, 100)}

    # then: oscar's OrderCreator writes each line and its price, allocates its stock record (with oscar's stock
    # alert check on the record's save signal) and counts the purchase in its analytics, line by line
    per_line = counts[2] - counts[1]
    assert per_line <= 9, counts
    assert counts[10] - counts[1] == 9 * per_line and counts[100] - counts[1] == 99 * per_line, counts


def queries_to_check(shop, customer, size: int) -> int:
    from cod_plugin import api

    basket = basket_of(shop, customer, size)
    context = shop.context(user=customer)
    with CaptureQueriesContext(connection) as queries:
        result = api.check(str(basket.pk), context=context)
    assert result.is_eligible, result.reasons
    return len(queries)


def test_the_plugins_eligibility_check_on_an_oscar_basket_takes_the_same_queries_for_1_10_and_100_lines(shop, customer):
    from cod_plugin.models import CodPolicy, CodRegion, CodTerms

    policy = CodPolicy.objects.create(channel="default", currency="USD", enabled=True, new_customer_limit=1000)
    CodRegion.objects.create(policy=policy, country="US", collection_methods=["cash"])
    CodTerms.objects.create(policy=policy, version=1, language="en", text="Pay the courier in cash.")

    counts = [queries_to_check(shop, customer, size) for size in (1, 10, 100)]

    assert counts[0] == counts[1] == counts[2], counts
