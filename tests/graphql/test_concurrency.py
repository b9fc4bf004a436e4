"""On PostgreSQL, shoppers double-clicking "Place order" from many tabs get one order."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.management import call_command
from django.db import connection, connections

from cod_plugin.models import CodOrder
from sandbox.store.models import Order, Stock

from .conftest import FIXTURES, Api
from .shop import new_checkout
from .test_checkout_complete import COMPLETE

CALLERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_completions_place_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks to meet at")
    # given
    call_command("loaddata", *FIXTURES, verbosity=0)
    checkout = new_checkout(Api(), "default-channel", {"TSHIRT-001": 2})
    barrier = Barrier(CALLERS)

    def place(_):
        try:
            barrier.wait()
            return Api()(COMPLETE, {"id": checkout, "terms": 1})["codCheckoutComplete"]
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(CALLERS) as pool:
        payloads = list(pool.map(place, range(CALLERS)))
    # then every caller is told about the same single order
    assert [p["errors"] for p in payloads] == [[]] * CALLERS
    assert len({p["order"]["id"] for p in payloads}) == 1
    assert (CodOrder.objects.count(), Order.objects.count()) == (1, 1)
    assert Stock.objects.get(product__sku="TSHIRT-001").quantity == 998
