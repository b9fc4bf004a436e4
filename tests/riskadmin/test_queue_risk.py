"""Risk in the confirmation queue: sorted by risk by default (unscreened last, then as before), a risk column, the
questions the signals raise in the call script, and the queue's queries constant with risk shown."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import SignalCode
from tests.lifecycle.helpers import place

from .risky import screened, signals

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"


@pytest.fixture
def agent(demo) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email="agent@example.com"))
    return client


def next_number(response) -> str | None:
    found = re.search(r"Next call: order (\w+)</h2>", response.content.decode())
    return found and found.group(1)


def upcoming(response) -> list[tuple[str, str]]:
    """(order number, risk cell's text) of each order after the next one."""
    table = re.search(r'<div class="module" id="upcoming">(.*?)</table>', response.content.decode(), re.S)
    rows = re.findall(r"<tr>\s*<td>(\w+)</td>.*?<td>(<span.*?)</td>\s*</tr>", table.group(1), re.S) if table else []
    return [(number, re.sub(r"<[^>]+>", "", cell).strip()) for number, cell in rows]


@pytest.fixture
def three(api):
    """The oldest order unscreened, a low one, and the newest one high: placed in that order."""
    orders = [place(api, None)[1] for _ in range(3)]
    screened(orders[0], None)
    screened(orders[1], 10, "low", (SignalCode.NEW_ACCOUNT, 10))
    screened(orders[2], 65, "high", (SignalCode.PHONE_HISTORY, 35), (SignalCode.DUPLICATE_ORDER, 30))
    return orders


def test_the_highest_risk_comes_first_and_unscreened_orders_last(three, agent):
    unscreened, low, high = three
    response = agent.get(QUEUE)
    assert next_number(response) == high.order_number
    assert upcoming(response) == [(low.order_number, "10 Low risk"), (unscreened.order_number, "Not screened")]
    assert '<td id="next-risk"><span class="cod-risk-score-small">65</span>' in response.content.decode()


def test_equal_scores_keep_the_queues_order_due_retries_then_oldest(api, agent):
    older, newer, retry = (place(api, None)[1] for _ in range(3))
    for order in (older, newer, retry):
        screened(order, 30, "medium", (SignalCode.PHONE_COUNTRY, 15), (SignalCode.CART_ABOVE_CHANNEL, 15))
    CodOrder.objects.filter(pk=retry.pk).update(next_call_at=timezone.now() - timedelta(minutes=1))
    response = agent.get(QUEUE)
    assert next_number(response) == retry.order_number
    assert [number for number, _risk in upcoming(response)] == [older.order_number, newer.order_number]


def test_the_oldest_first_sort_ignores_risk(three, agent):
    unscreened, low, high = three
    response = agent.get(QUEUE, {"o": "oldest"})
    assert next_number(response) == unscreened.order_number
    assert [number for number, _risk in upcoming(response)] == [low.order_number, high.order_number]
    html = response.content.decode()
    assert '<strong aria-current="true">Due retries, then oldest first</strong>' in html
    assert '<a href="?o=risk">Highest risk first</a>' in html


def test_an_unknown_sort_is_the_default(three, agent):
    assert next_number(agent.get(QUEUE, {"o": "price"})) == three[2].order_number


def test_the_script_asks_the_questions_of_the_signals_heaviest_first(three, agent):
    html = agent.get(QUEUE).content.decode()
    box = re.search(r'<div id="risk-questions">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r"<li>([^<]*)</li>", box) == [
        "Ask whether the customer will be there to pay on delivery: this phone refused earlier orders.",
        "Ask whether the customer placed the order twice.",
    ]


def test_no_signal_no_questions(api, agent):
    screened(place(api, None)[1], 0, "low")
    assert 'id="risk-questions"' not in agent.get(QUEUE).content.decode()


def test_the_queue_costs_the_same_queries_for_1_or_20_screened_orders(api, agent):
    # given one waiting order, screened
    _, first = place(api, None)
    screened(first, 40, "medium", (SignalCode.DUPLICATE_ORDER, 30), (SignalCode.LINK_NOT_OPENED, 10))
    with CaptureQueriesContext(connection) as one:
        assert agent.get(QUEUE).status_code == 200
    # and then nineteen more, each with its own score and signals
    first.refresh_from_db()
    fields = {f.attname: getattr(first, f.attname) for f in CodOrder._meta.concrete_fields if f.name != "id"}
    CodOrder.objects.bulk_create(
        CodOrder(
            **fields
            | {
                "order_ref": f"r{n}",
                "checkout_ref": f"c{n}",
                "order_number": f"{3000 + n}",
                "risk_score": n,
                "risk_band": "low",
            }
            | {"risk_signals": signals((SignalCode.PHONE_VELOCITY, n))}
        )
        for n in range(19)
    )
    with CaptureQueriesContext(connection) as twenty:
        response = agent.get(QUEUE)
    # then the page shows ten of them after the next one, each with its risk, for the same number of queries
    assert len(upcoming(response)) == 10 and "20 orders waiting" in response.content.decode()
    assert next_number(response) == first.order_number and upcoming(response)[0] == ("3018", "18 Low risk")
    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]
