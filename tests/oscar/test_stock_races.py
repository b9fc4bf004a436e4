"""On PostgreSQL, two shoppers placing orders for the last units at once: one gets them, the other is told.

Oscar's ``StockRecord.allocate`` adds to ``num_allocated`` without looking at what is left; the adapter locks the
records first and checks ``net_stock_level`` under the lock."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connections, transaction
from oscar.core.loading import get_model
from oscar.test import factories

from cod_plugin.contrib.oscar.adapter import OscarAdapter
from cod_plugin.host import HostError, OrderDraft

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

adapter = OscarAdapter()


@pytest.mark.django_db(transaction=True)
def test_two_orders_for_the_last_units_at_once_place_one(postgres, shop):
    # given: 3 in stock, two customers who want 2 each
    shirt = shop.product(stock=3)
    customers = [factories.UserFactory(email=f"c{n}@example.com") for n in range(2)]
    contexts = [shop.context(user=customer) for customer in customers]
    baskets = [shop.basket((shirt, 2), owner=customer) for customer in customers]
    barrier = Barrier(2)

    def place(n):
        try:
            with transaction.atomic():
                checkout = adapter.get_checkout(str(baskets[n].pk), context=contexts[n], lock=True)
                draft = OrderDraft(checkout=checkout, fee=Decimal(0), fee_label="fee", amount_to_collect=Decimal(20))
                barrier.wait()
                return adapter.create_order(draft, context=contexts[n]).number
        except HostError as error:
            return error.code
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(place, range(2)))

    # then
    assert outcomes.count("insufficient_stock") == 1
    assert Order.objects.get().number in outcomes
    record = StockRecord.objects.get(product=shirt)
    assert (record.num_in_stock, record.num_allocated) == (3, 2)
