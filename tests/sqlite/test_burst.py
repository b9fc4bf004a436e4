"""The embedded default under a burst: the sandbox served on its own SQLite file, as ``make demo`` runs it, takes
20 couriers' signed DELIVERED webhooks and 20 customers' "Paid" clicks at once, and answers every one correctly.

A real server (gunicorn, two processes of 20 threads) on a temporary database migrated and loaded like
``make demo`` (fixtures, then ``cod_demo_orders``); the requests go out together from 40 threads.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from cod_plugin.couriers.signing import sign

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "sandbox" / "manage.py")]
FIXTURES = ["fixtures/01_store.json", "fixtures/02_cod.json", "fixtures/03_rates.json"]
COUNT = 20
MARK_PAID = """mutation($id: ID!) {
  codOrderMarkPaid(orderId: $id, voucher: {reference: "RCPT"}, method: CASH) { order { status } errors { code } }
}"""


def _run(env: dict, *args: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The sandbox on a fresh demo database file; yields its URL, the environment and the prepared orders."""
    folder = tmp_path_factory.mktemp("burst")
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        CELERY_BROKER_URL="",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="sandbox.settings",
        PYTHONPATH=str(ROOT),
    )
    _run(env, *MANAGE, "migrate", "--noinput", "-v", "0")
    _run(env, *MANAGE, "loaddata", *FIXTURES, "-v", "0")
    _run(env, *MANAGE, "cod_demo_orders")
    orders = json.loads(_run(env, sys.executable, "-m", "tests.sqlite.prepare_burst", str(COUNT)))
    port = _free_port()
    # Two processes of 20 threads each: SQLite's locks are met across processes and across threads.
    # (runserver would do for the threads, but its listen backlog of 5 resets some of 40 simultaneous connections.)
    gunicorn = [sys.executable, "-m", "gunicorn", "sandbox.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*gunicorn, "--workers", "2", "--threads", "20", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url, env, orders
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still hanging: no graceful end to wait for
            server.kill()
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read()[-3000:]
        try:
            requests.get(f"{url}/cod/terms/default-channel/", timeout=2)
            return
        except requests.RequestException:  # not listening yet, or not answering yet
            time.sleep(0.2)
    raise AssertionError("the sandbox did not start within 60 s")


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
    report = json.loads(_run(env, sys.executable, "-m", "tests.sqlite.report_burst", *pks))
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
