"""On PostgreSQL, fifty "delivered" webhooks for one order at once: one completion, one payment record."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client

from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, CodPaymentRecord, Courier, CourierEvent

from ..graphql.conftest import FIXTURES, Api
from .conftest import SECRET, Events, place_order, post

CALLERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_delivered_webhooks_complete_the_order_once(postgres):
    # given a confirmed order of a customer with no completed order yet
    cache.clear()
    call_command("loaddata", *FIXTURES, verbosity=0)
    courier = Courier.objects.create(
        code="fastship", name="FastShip", webhook_secret=SECRET, channels=["default-channel"]
    )
    order = place_order(Api(), "ann@example.com", courier=courier)
    # and fifty "delivered" events with the full amount: 25 event ids, each sent twice
    events = Events()
    distinct = [delivered(events, order, second) for second in range(CALLERS // 2)]
    barrier = Barrier(CALLERS)

    def send(event):
        try:
            barrier.wait()
            response = post(Client(), event)
            return response.status_code, response.json()["status"]
        finally:
            connections.close_all()

    # when they all arrive at once
    with ThreadPoolExecutor(CALLERS) as pool:
        answers = list(pool.map(send, distinct * 2))
    # then one was applied, the other ids were late, the copies were duplicates
    assert Counter(answers) == {(200, "applied"): 1, (200, "ignored"): 24, (200, "duplicate"): 25}
    assert CourierEvent.objects.count() == 25
    assert CodOrder.objects.get(pk=order.pk).status == "completed"
    assert CodOrderEvent.objects.filter(order=order, kind="complete").count() == 1
    assert CodPaymentRecord.objects.filter(order=order).count() == 1
    assert CodCustomerProfile.objects.get(customer_key="guest:ann@example.com").completed_orders == 1


def delivered(events: Events, order: CodOrder, second: int) -> dict:
    amount = order.amount_to_collect.amount
    event = events("delivered", order, collected={"amount": str(amount), "currency": "USD", "method": "cash"})
    event["occurred_at"] = (events.clock + timedelta(seconds=second)).isoformat()
    return event
