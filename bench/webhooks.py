"""Courier webhooks per second through the Django endpoint, next to a bare psycopg loop doing the same writes.

Not part of ``make test``. Run ``make bench-webhooks`` or, from the repository root,
``python bench/webhooks.py [--events N] [--orders N] [--concurrency N] [--workers N] [--bare-concurrency N]
[--server gunicorn|runserver] [--keep-db]``.

It creates a fresh PostgreSQL database (``cod_bench_webhooks`` on 127.0.0.1:5432, user postgres), migrates it,
loads the demo fixtures, places two identical sets of ``--orders`` COD orders through ``codCheckoutComplete``
and confirms them, builds ``--events`` courier events per set (each order: shipped, out for delivery, failed
attempts and new rounds, delivered with the amount to collect), and serves the sandbox with gunicorn
(``bench/serve.py --gunicorn``: ``--workers`` processes, keep-alive, DEBUG off) on a free port of 127.0.0.1. Then,
in alternating rounds so that both see the same machine, it sends one set's events, signed, to
``POST /cod/couriers/<code>/events/`` over ``--concurrency`` keep-alive connections at once, each carrying its own
orders' events one after the other; and runs the other set's through a bare psycopg loop over
``--bare-concurrency`` connections (by default as many), per event in its own transaction the de-duplicating
insert (``INSERT ... ON CONFLICT DO NOTHING``) and the status update. It checks both sets' results and prints
events per second and the ratio. Goal: the endpoint at no less than a third of the bare loop's rate. The server is
stopped and the database dropped at the end.
"""

import argparse
import http.client
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
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
CPUS = os.cpu_count() or 1
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
    parser.add_argument(
        "--concurrency",
        type=int,
        default=CPUS,
        help=f"connections each side sends over at once, each with its own orders (default {CPUS}, the CPUs)",
    )
    parser.add_argument(
        "--bare-concurrency",
        type=int,
        help="connections of the bare loop, if not as many as the endpoint's (1: the single loop of the issue)",
    )
    parser.add_argument(
        "--workers", type=int, default=CPUS, help=f"gunicorn worker processes (default {CPUS}, the CPUs)"
    )
    parser.add_argument(
        "--server",
        choices=("gunicorn", "runserver"),
        default="gunicorn",
        help="gunicorn (default): `--workers` processes; runserver: bench/serve.py, one process, a thread each",
    )
    args = parser.parse_args(argv)
    args.bare_concurrency = args.bare_concurrency or args.concurrency
    if not all(1 <= value <= 64 for value in (args.concurrency, args.bare_concurrency, args.workers)):
        parser.error("--concurrency, --bare-concurrency and --workers go from 1 to 64")
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
        # the limiter stays in the measured path, at a rate this burst of one courier stays under
        COD_WEBHOOK_RATE="100000000/m",
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
    """The channel's courier (its default one, so that confirmed orders are handed to it)."""
    from cod_plugin.models import CodPolicy, Courier

    secret = secrets.token_urlsafe(32)
    courier = Courier.objects.create(code=COURIER, name="FastShip", webhook_secret=secret, channels=[CHANNEL])
    CodPolicy.objects.filter(channel=CHANNEL).update(default_courier=courier)
    return courier.pk, secret


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

    from cod_plugin.flows import lifecycle, shipping
    from cod_plugin.rules.lifecycle import Event

    with transaction.atomic():  # as a confirmation does: confirmed, and handed to the channel's courier
        order = lifecycle.move(lifecycle.lock(order.pk), Event.CONFIRM, actor="bench")
        shipping.hand_over(order, actor="bench")
        return order


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
    # A process reads the courier once and keeps it (each event's own query confirms it): an event that is
    # refused records nothing, and leaves the courier read, as a server's first request would.
    post_in_process(client, {}, secret)  # 400: the event has no id
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


def streams(chunk: list[dict], count: int) -> list[list[dict]]:
    """``chunk`` split into ``count`` streams by order, each order's events in one stream and in their order."""
    split: list[list[dict]] = [[] for _ in range(count)]
    assigned: dict[str, int] = {}
    for body in chunk:
        index = assigned.setdefault(body["reference"], len(assigned) % count)
        split[index].append(body)
    return [stream for stream in split if stream]


def in_parallel(work, streams_: list) -> float:
    """Run ``work(index, stream)`` for every stream at once, one thread each; the seconds until all are done."""
    errors = []

    def run(index, stream):
        try:
            work(index, stream)
        except Exception as error:  # noqa: BLE001  (reported below, whatever it is)
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(streams_)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise BenchError(f"a sender failed: {errors[0]!r}")
    return seconds


def tally(side: Side, outcomes: list[str]) -> None:
    for outcome in outcomes:
        side.answers[outcome] = side.answers.get(outcome, 0) + 1
    side.sent += len(outcomes)


def send_round(connections_: list, side: Side, chunk: list[dict], secret: str, concurrency: int) -> None:
    signed_ = [[signed(body, secret) for body in stream] for stream in streams(chunk, concurrency)]
    outcomes: list[list[str]] = [[] for _ in signed_]

    def send(index, stream):
        conn = connections_[index]
        for raw, headers in stream:
            conn.request("POST", url_path(), body=raw, headers=headers)
            response = conn.getresponse()
            body = response.read()
            status = json.loads(body).get("status", "") if response.status < 500 else ""
            outcomes[index].append(status or f"HTTP {response.status}")

    side.seconds += in_parallel(send, signed_)
    tally(side, [outcome for stream in outcomes for outcome in stream])


def bare_round(connections_: list, side: Side, chunk: list[dict], courier_pk: int, concurrency: int) -> None:
    rows = [[bare_row(body, courier_pk) for body in stream] for stream in streams(chunk, concurrency)]
    outcomes: list[list[str]] = [[] for _ in rows]

    def run(index, stream):
        conn = connections_[index]
        for row in stream:
            inserted = conn.execute(BARE_INSERT, row).fetchone()
            if inserted:
                conn.execute(BARE_UPDATE, row)
            conn.commit()
            outcomes[index].append("applied" if inserted else "duplicate")

    side.seconds += in_parallel(run, rows)
    tally(side, [outcome for stream in outcomes for outcome in stream])


def bare_row(body: dict, courier_pk: int) -> dict:
    return {
        "courier": courier_pk,
        "event_id": body["event_id"],
        "kind": body["type"],
        "occurred_at": datetime.fromisoformat(body["occurred_at"]),
        "payload": Jsonb(body),
        "reference": body["reference"],
    }


def measure(args, port: int, endpoint: Side, bare: Side, courier_pk: int, secret: str) -> bool:
    """Alternating rounds, endpoint then bare loop; False when the time budget cut them short."""
    size = -(-len(endpoint.events) // ROUNDS)
    deadline = time.monotonic() + MEASURE_BUDGET
    http_ = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(args.concurrency)]
    pg = [psycopg.connect(dbname=DB_NAME, **PG) for _ in range(args.bare_concurrency)]
    try:
        for start in range(0, len(endpoint.events), size):
            if time.monotonic() > deadline:
                return False
            send_round(http_, endpoint, endpoint.events[start : start + size], secret, args.concurrency)
            bare_round(pg, bare, bare.events[start : start + size], courier_pk, args.bare_concurrency)
    finally:
        for conn in http_ + pg:
            conn.close()
    return True


def start(args, env: dict[str, str], port: int, log) -> subprocess.Popen:
    if args.server == "runserver":
        return start_server("nodelay", env, port, log)
    per_worker = -(-args.concurrency // args.workers)
    command = [
        sys.executable, "bench/serve.py", "--gunicorn", str(args.workers), "--connections", str(per_worker),
        f"127.0.0.1:{port}",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


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


def describe(args, port: int, setup: float) -> None:
    if args.server == "gunicorn":
        server = f"gunicorn, {args.workers} worker processes, keep-alive"
    else:
        server = "bench/serve.py (runserver: one process, a thread per connection)"
    print(f"PostgreSQL {DB_NAME}; sandbox.wsgi on 127.0.0.1:{port} with {server}, DEBUG off; setup {setup:.1f}s")
    print(f"{args.events} events per side over {args.orders} confirmed orders each, {ROUNDS} alternating rounds")
    print(f"  endpoint: {args.concurrency} client thread(s), each with its own orders, each over its own keep-alive")
    print("    HTTP connection: a signed POST, the answer read, then the next")
    print(f"  bare loop: {args.bare_concurrency} thread(s), each with its own orders, each over its own psycopg")
    print("    connection: per event BEGIN, the insert, the update if the insert was new, COMMIT")
    print(f"  (both from this one process, on the same {CPUS} CPU(s) as the server and PostgreSQL)")
    print()


def report(
    endpoint: Side, bare: Side, complete: bool, queries: dict[str, int], concurrency: int, bare_concurrency: int
) -> None:
    counted = ", ".join(f"{kind} {count}" for kind, count in queries.items())
    print(f"SQL statements per event through the endpoint, counted in-process with BEGIN and COMMIT: {counted}")
    print("(the bare loop: 4, BEGIN, the insert, the update, COMMIT)")
    print()
    print(f"{'':<26}{'events':>8}{'seconds':>10}{'events/s':>10}")
    for side in (endpoint, bare):
        print(f"{side.name:<26}{side.sent:>8}{side.seconds:>10.2f}{side.rate:>10.0f}")
    if not complete:
        print(f"(stopped early: the {MEASURE_BUDGET:.0f}s measurement budget ran out)")
    ratio = endpoint.rate / bare.rate
    print()
    print(f"endpoint / bare loop      {ratio:.2f}x  ({concurrency} connection(s) against {bare_concurrency})")
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
        server = start(args, env, port, log)
        wait_for_server(f"http://127.0.0.1:{port}{url_path()}", server, log)
        describe(args, port, time.monotonic() - started)
        complete = measure(args, port, endpoint, bare, courier_pk, secret)
        verify(endpoint, endpoint_orders, bare, bare_orders)
        report(endpoint, bare, complete, queries, args.concurrency, args.bare_concurrency)
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
