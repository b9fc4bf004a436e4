"""Courier webhooks per second through the Django endpoint, next to a bare psycopg loop doing the same writes.

Not part of ``make test``. Run ``make bench-webhooks`` or, from the repository root,
``python bench/webhooks.py [--events N] [--orders N] [--keep-db]``.

It creates a fresh PostgreSQL database (``cod_bench_webhooks`` on 127.0.0.1:5432, user postgres), migrates it,
loads the demo fixtures, places two identical sets of ``--orders`` COD orders through ``codCheckoutComplete``
and confirms them, builds ``--events`` courier events per set (each order: shipped, out for delivery, failed
attempts and new rounds, delivered with the amount to collect), and serves the sandbox with ``bench/serve.py``
(threaded runserver, DEBUG off, TCP_NODELAY) on a free port of 127.0.0.1. Then, in alternating rounds so that
both see the same machine, it sends one set's events, signed, one after the other over a keep-alive session to
``POST /cod/couriers/<code>/events/``, and runs the other set's through a bare psycopg loop: per event, in its own
transaction, the de-duplicating insert (``INSERT ... ON CONFLICT DO NOTHING``) and the status update. It checks
both sets' results and prints events per second and the ratio. Goal: the endpoint at no less than a third of
the bare loop's rate. The server is stopped and the database dropped at the end.
"""

import argparse
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from psycopg.types.json import Jsonb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from eligibility import (  # noqa: E402  (the other bench's server and database plumbing)
    CREATE,
    DELIVERY,
    FIXTURES,
    PG,
    US_ADDRESS,
    BenchError,
    free_port,
    log_tail,
    start_server,
    stop_server,
)

DB_NAME = "cod_bench_webhooks"
CHANNEL = "default-channel"
COURIER = "fastship"
GOAL = 1 / 3
ROUNDS = 10
MEASURE_BUDGET = 240.0  # seconds: the measured rounds stop early rather than run past this
STARTUP_TIMEOUT = 30.0
COMPLETE = """mutation($id: ID!) {
  codCheckoutComplete(checkoutId: $id, acceptedTermsVersion: 1) {
    order { number } errors { code message }
  }
}"""
BARE_INSERT = """
INSERT INTO cod_plugin_courierevent (courier_id, event_id, order_id, kind, occurred_at, payload, outcome, received_at)
SELECT %(courier)s, %(event_id)s, o.id, %(kind)s, %(occurred_at)s, %(payload)s, 'applied', now()
  FROM cod_plugin_codorder o WHERE o.order_number = %(reference)s
ON CONFLICT (courier_id, event_id) DO NOTHING RETURNING id"""
BARE_UPDATE = """
UPDATE cod_plugin_codorder SET status = %(kind)s, last_courier_event_at = %(occurred_at)s, updated_at = now()
 WHERE order_number = %(reference)s"""


@dataclass
class Side:
    name: str
    events: list[dict]
    seconds: float = 0.0
    sent: int = 0
    answers: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events per side (default 10000)")
    parser.add_argument("--orders", type=int, default=100, help="orders per side (default 100)")
    parser.add_argument("--keep-db", action="store_true", help=f"leave the {DB_NAME} database for inspection")
    args = parser.parse_args(argv)
    if not 1 <= args.orders <= 1000:
        parser.error("--orders must be between 1 and 1000")
    if not 3 * args.orders <= args.events <= 200_000:
        parser.error("--events must be at least 3 per order and at most 200000")
    return args


# --- database and Django -------------------------------------------------------------------------------------


def admin_sql(statement: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(statement)


def configure_environment() -> dict[str, str]:
    """The sandbox's settings for this process and the server: PostgreSQL, DEBUG off, eager tasks, 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sandbox.settings",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "EXCHANGE_BACKEND"):
        env.pop(name, None)
    os.environ.clear()
    os.environ.update(env)
    return env


def prepare_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    # The sandbox's console SMS backend logs a line per placed order: not what this bench reports on.
    logging.getLogger("cod_plugin.notifications").setLevel(logging.WARNING)


def create_courier() -> tuple[int, str]:
    from cod_plugin.models import Courier

    secret = secrets.token_urlsafe(32)
    return Courier.objects.create(code=COURIER, name="FastShip", webhook_secret=secret).pk, secret


def graphql(client, query: str, variables: dict) -> dict:
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables}), "application/json")
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise BenchError(f"GraphQL: HTTP {response.status_code}: {str(body)[:500]}")
    return body["data"]


def place_orders(count: int, prefix: str) -> list:
    """``count`` guest COD orders of one t-shirt through the store's API and ``codCheckoutComplete``, confirmed."""
    from django.test import Client
    from strawberry.relay import to_base64

    from sandbox.store.models import Product

    client = Client(HTTP_HOST="127.0.0.1")
    product = to_base64("Product", Product.objects.get(sku="TSHIRT-001").pk)
    return [confirm(place_order(client, product, f"{prefix}-{i}@example.com")) for i in range(count)]


def place_order(client, product: str, email: str):
    from cod_plugin.models import CodOrder

    lines = [{"productId": product, "quantity": 1}]
    created = graphql(
        client, CREATE, {"input": {"channel": CHANNEL, "email": email, "lines": lines, "shippingAddress": US_ADDRESS}}
    )["checkoutCreate"]["checkout"]
    method = next(m["id"] for m in created["availableDeliveryMethods"] if m["name"] == "Standard")
    graphql(client, DELIVERY, {"id": created["id"], "m": method})
    placed = graphql(client, COMPLETE, {"id": created["id"]})["codCheckoutComplete"]
    if placed["errors"]:
        raise BenchError(f"codCheckoutComplete: {placed['errors']}")
    return CodOrder.objects.get(order_number=placed["order"]["number"])


def confirm(order):
    from django.db import transaction

    from cod_plugin.flows import lifecycle
    from cod_plugin.rules.lifecycle import Event

    with transaction.atomic():
        return lifecycle.move(lifecycle.lock(order.pk), Event.CONFIRM, actor="bench")


# --- the events ----------------------------------------------------------------------------------------------


def journey(length: int) -> list[str]:
    """An order's event kinds, ``length`` of them (at least 2): out for delivery and failed attempts, delivered."""
    start = ["shipped", "out_for_delivery"] if length % 2 else ["out_for_delivery"]
    rounds = (length - len(start) - 1) // 2
    return start + ["delivery_failed", "out_for_delivery"] * rounds + ["delivered"]


def build_events(orders: list, total: int, prefix: str) -> list[dict]:
    """``total`` events spread over ``orders``, in the order they happened, one minute apart per order."""
    events = []
    per_order, extra = divmod(total, len(orders))
    start = datetime.now(UTC) - timedelta(days=30)
    for index, order in enumerate(orders):
        for step, kind in enumerate(journey(per_order + (index < extra))):
            events.append(event(order, kind, f"{prefix}-{index}-{step}", start + timedelta(minutes=step)))
    # Interleave the orders, as a courier's traffic would, while each order's events stay in their order.
    return sorted(events, key=lambda e: (e["occurred_at"], e["reference"]))


def event(order, kind: str, event_id: str, occurred_at: datetime) -> dict:
    data = {
        "shipped": {"tracking_number": f"FS-{order.order_number}"},
        "out_for_delivery": {"window": window(occurred_at)},
        "delivery_failed": {"reason": "nobody home"},
        "delivered": {"collected": collected(order)},
    }[kind]
    return {
        "event_id": event_id,
        "type": kind,
        "reference": order.order_number,
        "occurred_at": occurred_at.isoformat(),
        "data": data,
    }


def window(moment: datetime) -> dict:
    return {"start": (moment + timedelta(hours=1)).isoformat(), "end": (moment + timedelta(hours=3)).isoformat()}


def collected(order) -> dict:
    amount = order.amount_to_collect
    return {"amount": str(amount.amount), "currency": str(amount.currency), "method": "cash", "receipt": "R1"}


def queries_per_event(secret: str) -> dict[str, int]:
    """SQL queries per event kind, counted in this process through the same URL and middleware, on one order."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    order = place_orders(1, "queries")[0]
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for body in build_events([order], 5, "queries"):
        with CaptureQueriesContext(connection) as captured:
            status, answer = post_in_process(client, body, secret)
        if (status, answer) != (200, "applied"):
            raise BenchError(f"in-process {body['type']}: HTTP {status} {answer}")
        counts[body["type"]] = len(captured)
    return counts


def post_in_process(client, body: dict, secret: str) -> tuple[int, str]:
    raw, headers = signed(body, secret)
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    response = client.post(url_path(), raw, "application/json", **meta)
    return response.status_code, response.json().get("status", "")


# --- the two sides -------------------------------------------------------------------------------------------


def url_path() -> str:
    return f"/cod/couriers/{COURIER}/events/"


def signed(body: dict, secret: str) -> tuple[bytes, dict]:
    from cod_plugin.couriers.signing import sign

    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    return raw, {
        "Content-Type": "application/json",
        "X-Cod-Timestamp": stamp,
        "X-Cod-Signature": sign(secret, stamp, raw),
    }


def send_round(session: requests.Session, url: str, side: Side, chunk: list[dict], secret: str) -> None:
    requests_ = [signed(body, secret) for body in chunk]  # signed just before the round: the timestamps are fresh
    started = time.perf_counter()
    for raw, headers in requests_:
        response = session.post(url, data=raw, headers=headers, timeout=30)
        status = response.json().get("status", f"HTTP {response.status_code}")
        side.answers[status] = side.answers.get(status, 0) + 1
    side.seconds += time.perf_counter() - started
    side.sent += len(chunk)


def bare_round(conn: psycopg.Connection, side: Side, chunk: list[dict], courier_pk: int) -> None:
    rows = [bare_row(body, courier_pk) for body in chunk]
    started = time.perf_counter()
    for row in rows:
        inserted = conn.execute(BARE_INSERT, row).fetchone()
        if inserted:
            conn.execute(BARE_UPDATE, row)
        conn.commit()
        outcome = "applied" if inserted else "duplicate"
        side.answers[outcome] = side.answers.get(outcome, 0) + 1
    side.seconds += time.perf_counter() - started
    side.sent += len(chunk)


def bare_row(body: dict, courier_pk: int) -> dict:
    return {
        "courier": courier_pk,
        "event_id": body["event_id"],
        "kind": body["type"],
        "occurred_at": datetime.fromisoformat(body["occurred_at"]),
        "payload": Jsonb(body),
        "reference": body["reference"],
    }


def measure(url: str, endpoint: Side, bare: Side, courier_pk: int, secret: str) -> bool:
    """Alternating rounds, endpoint then bare loop; False when the time budget cut them short."""
    size = -(-len(endpoint.events) // ROUNDS)
    deadline = time.monotonic() + MEASURE_BUDGET
    with requests.Session() as session, psycopg.connect(dbname=DB_NAME, **PG) as conn:
        for start in range(0, len(endpoint.events), size):
            if time.monotonic() > deadline:
                return False
            send_round(session, url, endpoint, endpoint.events[start : start + size], secret)
            bare_round(conn, bare, bare.events[start : start + size], courier_pk)
    return True


def wait_for_server(url: str, process, log) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited with {process.returncode}:\n{log_tail(log)}")
        try:
            requests.get(url, timeout=2)  # 405: the endpoint answers POST only, but it answers
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise BenchError(f"the server did not answer within {STARTUP_TIMEOUT:.0f}s:\n{log_tail(log)}")


# --- checks and the report -----------------------------------------------------------------------------------


def verify(endpoint: Side, endpoint_orders: list, bare: Side, bare_orders: list) -> None:
    """Every event was applied once on both sides, and each side's orders ended where their events lead."""
    from cod_plugin.models import CodOrder, CodPaymentRecord, CourierEvent

    for side in (endpoint, bare):
        if side.answers != {"applied": side.sent}:
            raise BenchError(f"{side.name}: answers {side.answers}, expected {side.sent} applied")
    for side, orders, expected in ((endpoint, endpoint_orders, "completed"), (bare, bare_orders, "delivered")):
        pks = [order.pk for order in orders]
        if CourierEvent.objects.filter(order__in=pks).count() != side.sent:
            raise BenchError(f"{side.name}: the recorded events are not the {side.sent} sent")
        statuses = set(CodOrder.objects.filter(pk__in=pks).values_list("status", flat=True))
        if side.sent == len(side.events) and statuses != {expected}:
            raise BenchError(f"{side.name}: orders ended {statuses}, expected {expected}")
    paid = CodPaymentRecord.objects.filter(order__in=[order.pk for order in endpoint_orders]).count()
    if endpoint.sent == len(endpoint.events) and paid != len(endpoint_orders):
        raise BenchError(f"endpoint: {paid} payment records for {len(endpoint_orders)} orders")


def report(endpoint: Side, bare: Side, complete: bool, queries: dict[str, int]) -> None:
    print("SQL queries per event through the endpoint: " + ", ".join(f"{k} {v}" for k, v in queries.items()))
    print("(the bare loop: BEGIN, the insert, the update, COMMIT)")
    print()
    print(f"{'':<26}{'events':>8}{'seconds':>10}{'events/s':>10}")
    for side in (endpoint, bare):
        print(f"{side.name:<26}{side.sent:>8}{side.seconds:>10.2f}{side.rate:>10.0f}")
    if not complete:
        print(f"(stopped early: the {MEASURE_BUDGET:.0f}s measurement budget ran out)")
    ratio = endpoint.rate / bare.rate
    print()
    print(f"endpoint / bare loop      {ratio:.2f}x")
    print(f"Goal endpoint >= 1/3 of the bare loop: {'MET' if ratio >= GOAL else 'NOT MET'} ({ratio:.2f}x)")


# --- main ----------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    env = configure_environment()
    server = None
    log = tempfile.TemporaryFile()
    try:
        prepare_database()
        courier_pk, secret = create_courier()
        endpoint_orders, bare_orders = place_orders(args.orders, "endpoint"), place_orders(args.orders, "bare")
        endpoint = Side("Django endpoint (HTTP)", build_events(endpoint_orders, args.events, "endpoint"))
        bare = Side("bare psycopg loop", build_events(bare_orders, args.events, "bare"))
        queries = queries_per_event(secret)

        port = free_port()
        url = f"http://127.0.0.1:{port}{url_path()}"
        server = start_server("nodelay", env, port, log)
        wait_for_server(url, server, log)
        print(f"PostgreSQL {DB_NAME}; bench/serve.py on 127.0.0.1:{port} (threaded, DEBUG off); "
              f"setup {time.monotonic() - started:.1f}s")  # fmt: skip
        print(f"{args.events} events per side over {args.orders} confirmed orders each, {ROUNDS} alternating rounds")
        complete = measure(url, endpoint, bare, courier_pk, secret)
        verify(endpoint, endpoint_orders, bare, bare_orders)
        report(endpoint, bare, complete, queries)
        print(f"\nTotal {time.monotonic() - started:.1f}s")
        return 0
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        log.close()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep_db:
            print(f"Kept database {DB_NAME}: {env['DATABASE_URL']}")
        else:
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
