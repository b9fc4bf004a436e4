"""The embedded default under a burst: the sandbox served on its own SQLite file, as ``make demo`` runs it, takes
20 couriers' signed DELIVERED webhooks and 20 customers' "Paid" clicks at once, and answers every one correctly.

A real server (gunicorn, two processes of 20 threads) on a temporary database migrated and loaded like
``make demo`` (fixtures, then ``cod_demo_orders``); the requests go out together from 40 threads.
"""

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests

from cod_plugin.couriers.signing import sign
from tests import served

MANAGE = served.manage("sandbox/manage.py")
FIXTURES = ["fixtures/01_store.json", "fixtures/02_cod.json", "fixtures/03_rates.json"]
COUNT = 20
MARK_PAID = """mutation($id: ID!) {
  codOrderMarkPaid(orderId: $id, voucher: {reference: "RCPT"}, method: CASH) { order { status } errors { code } }
}"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The sandbox on a fresh demo database file; yields its URL, the environment and the prepared orders."""
    env = served.environment(tmp_path_factory.mktemp("burst"), "sandbox.settings")
    served.run(env, *MANAGE, "migrate", "--noinput", "-v", "0")
    served.run(env, *MANAGE, "loaddata", *FIXTURES, "-v", "0")
    served.run(env, *MANAGE, "cod_demo_orders")
    orders = json.loads(served.run(env, sys.executable, "-m", "tests.sqlite.prepare_burst", str(COUNT)))
    port = served.free_port()
    # Two processes of 20 threads each: SQLite's locks are met across processes and across threads.
    # (runserver would do for the threads, but its listen backlog of 5 resets some of 40 simultaneous connections.)
    gunicorn = [sys.executable, "-m", "gunicorn", "sandbox.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command = [*gunicorn, "--workers", "2", "--threads", "20", "--timeout", "120"]
    with served.serving(command, env, port=port, ready_path="/cod/terms/default-channel/") as url:
        yield url, env, orders


def _delivered(url: str, order: dict) -> requests.Response:
    event = {
        "event_id": f"burst-{order['number']}",
        "type": "delivered",
        "reference": order["number"],
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {"collected": {"amount": order["amount"], "currency": "USD", "method": "cash", "receipt": "R1"}},
    }
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Cod-Timestamp": stamp,
        "X-Cod-Signature": sign(order["secret"], stamp, body),
    }
    return requests.post(f"{url}/cod/couriers/{order['courier']}/events/", data=body, headers=headers, timeout=60)


def _paid(url: str, order: dict) -> requests.Response:
    from strawberry.relay import to_base64

    body = {"query": MARK_PAID, "variables": {"id": to_base64("CodOrder", order["pk"])}}
    headers = {"Authorization": f"Bearer {order['token']}"}
    return requests.post(f"{url}/graphql/", json=body, headers=headers, timeout=60)


def test_twenty_webhooks_and_twenty_paid_clicks_at_once_are_all_answered_right(demo_server):
    # given 20 orders out for delivery, each with its courier and its customer
    url, env, orders = demo_server
    calls = [(_delivered, order) for order in orders] + [(_paid, order) for order in orders]
    start = threading.Barrier(len(calls))

    def send(call):
        start.wait()
        try:
            return call[0](url, call[1])
        except requests.RequestException as error:  # a request left hanging is a wrong answer too
            return error

    # when every courier reports the delivery and every customer clicks "Paid", all at once
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        answers = list(pool.map(send, calls))

    # then every webhook is applied and every click answered without an error
    webhooks = [_summary(answer, _webhook_outcome) for answer in answers[:COUNT]]
    clicks = [_summary(answer, _click_outcome) for answer in answers[COUNT:]]
    assert webhooks == [(200, "applied")] * COUNT
    assert clicks == [(200, [])] * COUNT
    # and each order is completed, with the customer's claim and the courier's record
    pks = [str(order["pk"]) for order in orders]
    report = json.loads(served.run(env, sys.executable, "-m", "tests.sqlite.report_burst", *pks))
    assert report == {pk: {"status": "completed", "claim": "RCPT", "record": "R1"} for pk in pks}


def _summary(answer, outcome) -> tuple:
    if isinstance(answer, Exception):
        return ("no answer", repr(answer)[:200])
    try:
        return answer.status_code, outcome(answer.json())
    except (ValueError, KeyError, TypeError):
        return answer.status_code, answer.text[:200]


def _webhook_outcome(body: dict) -> str:
    return body["status"]


def _click_outcome(body: dict) -> list:
    return body.get("errors") or body["data"]["codOrderMarkPaid"]["errors"]
