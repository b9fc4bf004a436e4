"""On PostgreSQL, agents who record outcomes on one order at the same moment: the flow's row lock lets one through
and every other agent reads why not. Each agent is a thread with its own client and database connection."""

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from cod_plugin.models import CodOrder, CodOrderEvent
from cod_plugin.rules.statuses import CodStatus
from tests.graphql.conftest import Api
from tests.lifecycle.helpers import place
from tests.workers import tasks_run_here

AGENTS = 10
QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
MESSAGE = re.compile(r'<li class="(?:success|error)">(.*?)</li>', re.S)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting_order() -> CodOrder:
    with tasks_run_here():
        return place(Api(), None)[1]


def agents() -> list[Client]:
    user = get_user_model().objects.get(email="agent@example.com")
    clients = [Client() for _ in range(AGENTS)]
    for client in clients:
        client.force_login(user)
    return clients


def all_at_once(clients: list[Client], url: str, data_of) -> list[list[str]]:
    """Each client posts ``data_of(i)`` at the same moment; the messages each agent reads afterwards."""
    barrier = Barrier(len(clients))

    def post(i):
        try:
            barrier.wait()
            response = clients[i].post(url, data_of(i), follow=True)
            # read from the page: the test client's captured template context is shared between threads
            return [unescape(text) for text in MESSAGE.findall(response.content.decode())]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(post, range(len(clients))))


def test_ten_agents_confirming_or_cancelling_at_once_leave_one_outcome(postgres, demo):
    # given a waiting order and ten agents, half confirming and half cancelling it at the same moment
    order = waiting_order()
    recorded = CodOrderEvent.objects.filter(order=order).count()  # its placing and its screening
    outcome = {0: {"outcome": "confirmed", "attempts": "0"}, 1: {"outcome": "cancelled", "note": "x", "attempts": "0"}}
    read = all_at_once(agents(), f"{QUEUE}{order.pk}/outcome/", lambda i: outcome[i % 2])
    # then exactly one outcome was recorded, and the nine others were told the order had moved on
    order.refresh_from_db()
    assert order.status in (CodStatus.CONFIRMED, CodStatus.CANCELLED)
    done = f"Order {order.order_number} is {'confirmed' if order.status == CodStatus.CONFIRMED else 'cancelled'}."
    assert read.count([done]) == 1
    refused = [messages for messages in read if messages != [done]]
    assert len(refused) == AGENTS - 1 and all("cannot take" in message for (message,) in refused), refused
    assert CodOrderEvent.objects.filter(order=order).count() == recorded + 1


def test_ten_agents_with_no_answer_at_once_count_one_call(postgres, demo):
    order = waiting_order()
    read = all_at_once(agents(), f"{QUEUE}{order.pk}/outcome/", lambda i: {"outcome": "no_answer", "attempts": "0"})
    order.refresh_from_db()
    assert order.confirmation_attempts == 1
    assert sum(message[0].startswith(f"Order {order.order_number}: no answer;") for message in read) == 1
    refused = [f"Order {order.order_number}: Another call to this customer was recorded meanwhile."]
    assert read.count(refused) == AGENTS - 1
    assert CodOrderEvent.objects.filter(order=order, kind="no_answer").count() == 1
