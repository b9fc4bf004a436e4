"""Latency of ``codEligibility`` next to the store's own ``checkout(id)`` and ``{ __typename }``, over HTTP.

Not part of ``make test``. Run ``make bench-eligibility`` or, from the repository root,
``python bench/eligibility.py [--requests N] [--lines N] [--keep-db] [--server nodelay|runserver]``.

It creates a fresh PostgreSQL database (``cod_bench`` on 127.0.0.1:5432, user postgres), migrates it, loads the
demo fixtures, adds ``--lines`` products to default-channel, serves the sandbox with ``runserver`` (threaded, DEBUG
off, TCP_NODELAY: see bench/serve.py) on a free port of 127.0.0.1, builds a cart of one line per new product for
new@example.com over GraphQL, checks the answers, then times the three queries round-robin with one keep-alive
session. Goal: ``codEligibility`` within 1.5x of ``checkout(id)`` by median. The server is stopped and the database
dropped at the end.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [str(ROOT / "fixtures" / name) for name in ("01_store.json", "02_cod.json", "03_rates.json")]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB_NAME = "cod_bench"
CHANNEL = "default-channel"
CUSTOMER = "new@example.com"
SHIPPING = Decimal("5.00")  # Standard delivery in default-channel (fixtures/01_store.json)
GOAL = 1.5
WARMUP = 20
MEASURE_BUDGET = 90.0  # seconds: the measurement loop stops early rather than run past this
STARTUP_TIMEOUT = 30.0

# The reasons a big cart may get from its amount alone; anything else means the bench data is wrong.
AMOUNT_REASONS = {"AMOUNT_OVER_LIMIT", "REGION_ORDER_CAP", "ITEM_PRICE_OVER_CAP"}

US_ADDRESS = {
    "firstName": "Ann",
    "lastName": "Lee",
    "streetAddress1": "1 Main St",
    "city": "New York",
    "countryArea": "NY",
    "postalCode": "10001",
    "country": "US",
    "phone": "+12125550100",
}

CREATE = """mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id availableDeliveryMethods { id name } } errors { field code message } }
}"""
DELIVERY = """mutation($id: ID!, $m: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) { errors { field code message } }
}"""

# The same selection as tests/graphql/test_eligibility.py.
ELIGIBILITY = """query($id: ID!) {
  codEligibility(checkoutId: $id) {
    isEligible reasons { code message skus }
    orderAmount { amount currency } fee { amount currency } amountToCollect { amount currency }
    limit { amount currency } tier terms { version language text } collectionMethods
  }
}"""
# What a storefront reads to show the cart: every line with its product, the address, delivery and totals.
CHECKOUT = """query($id: ID!) {
  checkout(id: $id) {
    id email channel { slug currencyCode }
    lines {
      id quantity
      product { id name sku category isDigital quantityAvailable
                flags { highValue preOrder customized specialCustoms } }
      unitPrice { amount currency } totalPrice { amount currency }
    }
    shippingAddress { country countryArea city postalCode }
    deliveryMethod { id name price { amount currency } canCollectCash estimatedDays }
    subtotalPrice { amount currency } totalPrice { amount currency }
  }
}"""
TYPENAME = "{ __typename }"

# Both are Django's threaded runserver without the reloader; bench/serve.py says what differs.
SERVERS = {
    "nodelay": ["bench/serve.py"],
    "runserver": ["sandbox/manage.py", "runserver", "--noreload"],
}


class BenchError(Exception):
    pass


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per query (default 300)")
    parser.add_argument("--lines", type=int, default=50, help="cart lines, one new product each (default 50)")
    parser.add_argument("--keep-db", action="store_true", help=f"leave the {DB_NAME} database for inspection")
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="nodelay",
        help="nodelay (default): runserver with TCP_NODELAY, bench/serve.py; runserver: plain `manage.py runserver`, "
        "whose keep-alive answers stall ~40 ms each on Nagle and delayed ACK",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 100_000:
        parser.error("--requests must be between 1 and 100000")
    if not 1 <= args.lines <= 500:
        parser.error("--lines must be between 1 and 500 (the store's limit)")
    return args


# --- database and Django -------------------------------------------------------------------------------------


def admin_sql(statement: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(statement)


def recreate_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def configure_environment() -> dict[str, str]:
    """The sandbox's settings for this process and the server: PostgreSQL, DEBUG off, a throwaway key."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sandbox.settings",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    # Eager tasks, a per-process cache and the fixture's exchange rates: nothing leaves 127.0.0.1.
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "EXCHANGE_BACKEND"):
        env.pop(name, None)
    os.environ.clear()
    os.environ.update(env)
    return env


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate_and_load() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)


def seed_products(count: int) -> list[tuple[int, Decimal]]:
    """``count`` plain products sold in default-channel with stock: ``(pk, price)`` each."""
    from django.db import transaction
    from djmoney.money import Money

    from sandbox.store.models import Channel, Product, ProductChannelListing, Stock

    channel = Channel.objects.get(slug=CHANNEL)
    with transaction.atomic():
        products = Product.objects.bulk_create(
            Product(name=f"Bench product {i:03d}", sku=f"BENCH-{i:03d}", category="apparel") for i in range(count)
        )
        prices = [Decimal("1.00") + Decimal("0.50") * (i % 10) for i in range(count)]
        ProductChannelListing.objects.bulk_create(
            ProductChannelListing(product=product, channel=channel, price=Money(price, channel.currency))
            for product, price in zip(products, prices, strict=True)
        )
        Stock.objects.bulk_create(Stock(product=product, quantity=1000) for product in products)
    return [(product.pk, price) for product, price in zip(products, prices, strict=True)]


def customer_token() -> str:
    from django.contrib.auth import get_user_model

    from sandbox.store.auth import create_token

    return create_token(get_user_model().objects.get(email=CUSTOMER))


def queries_per_request(token: str, checkout_id: str) -> dict[str, int]:
    """SQL queries each request makes, counted in this process through the same URL, middleware and schema."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    counts = {}
    for name, query in (("codEligibility", ELIGIBILITY), ("checkout", CHECKOUT), ("__typename", TYPENAME)):
        body = json.dumps({"query": query, "variables": {"id": checkout_id}})
        client.post("/graphql/", body, content_type="application/json")  # warm caches, as the server's are
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/graphql/", body, content_type="application/json")
        if response.status_code != 200 or "errors" in response.json():
            raise BenchError(f"{name} failed in-process: {response.content[:500]!r}")
        counts[name] = len(captured)
    return counts


# --- the server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, env: dict[str, str], port: int, log) -> subprocess.Popen:
    command = [sys.executable, *SERVERS[kind], f"127.0.0.1:{port}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def log_tail(log) -> str:
    log.flush()
    log.seek(0)
    return "".join(log.read().decode(errors="replace").splitlines(keepends=True)[-30:])


class Api:
    """The store's GraphQL over one keep-alive session, signed in with an access token renewed before it expires."""

    RENEW_AFTER = 240  # seconds: the sandbox's access tokens last 5 minutes, a long run outlasts one

    def __init__(self, url: str, new_token: Callable[[], str]):
        self.url = url
        self.new_token = new_token
        self.session = requests.Session()
        self.session.headers.update({"Content-Type": "application/json"})
        self.renew()

    def renew(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.new_token()}"
        self.renewed = time.monotonic()

    def payload(self, query: str, variables: dict | None = None) -> bytes:
        return json.dumps({"query": query, "variables": variables or {}}).encode()

    def post(self, body: bytes) -> requests.Response:
        if time.monotonic() - self.renewed > self.RENEW_AFTER:
            self.renew()
        return self.session.post(self.url, data=body, timeout=30)

    def __call__(self, query: str, variables: dict | None = None) -> dict:
        return checked(self.post(self.payload(query, variables)), query[:40])


def checked(response: requests.Response, what: str) -> dict:
    if response.status_code != 200:
        raise BenchError(f"{what}: HTTP {response.status_code}: {response.text[:500]}")
    body = response.json()
    if body.get("errors"):
        raise BenchError(f"{what}: GraphQL errors: {body['errors']}")
    return body["data"]


def wait_for_server(api: Api, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"runserver exited with {process.returncode}:\n{log_tail(log)}")
        try:
            api(TYPENAME)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise BenchError(f"runserver did not answer within {STARTUP_TIMEOUT:.0f}s:\n{log_tail(log)}")


# --- the cart and its checks ---------------------------------------------------------------------------------


def build_checkout(api: Api, products: list[tuple[int, Decimal]]) -> str:
    from strawberry.relay import to_base64

    lines = [{"productId": to_base64("Product", pk), "quantity": 1} for pk, _ in products]
    created = api(CREATE, {"input": {"channel": CHANNEL, "lines": lines, "shippingAddress": US_ADDRESS}})
    created = created["checkoutCreate"]
    if created["errors"]:
        raise BenchError(f"checkoutCreate: {created['errors']}")
    checkout = created["checkout"]
    method = next((m["id"] for m in checkout["availableDeliveryMethods"] if m["name"] == "Standard"), None)
    if method is None:
        raise BenchError("default-channel has no Standard delivery method")
    errors = api(DELIVERY, {"id": checkout["id"], "m": method})["checkoutDeliveryMethodUpdate"]["errors"]
    if errors:
        raise BenchError(f"checkoutDeliveryMethodUpdate: {errors}")
    return checkout["id"]


def verify(api: Api, checkout_id: str, products: list[tuple[int, Decimal]]) -> str:
    """Both queries answer correctly for this cart; returns a one-line summary of the eligibility."""
    found = api(CHECKOUT, {"id": checkout_id})["checkout"]
    if found is None or len(found["lines"]) != len(products):
        got = None if found is None else len(found["lines"])
        raise BenchError(f"checkout(id) returned {got} lines, expected {len(products)}")
    subtotal = sum((price for _, price in products), Decimal(0))
    if Decimal(found["subtotalPrice"]["amount"]) != subtotal:
        raise BenchError(f"checkout subtotal {found['subtotalPrice']} != {subtotal}")

    result = api(ELIGIBILITY, {"id": checkout_id})["codEligibility"]
    codes = [reason["code"] for reason in result["reasons"]]
    if result["isEligible"] == bool(codes) or not set(codes) <= AMOUNT_REASONS:
        raise BenchError(f"codEligibility: unexpected answer {result['isEligible']=} {codes=}")
    if Decimal(result["orderAmount"]["amount"]) != subtotal + SHIPPING:
        raise BenchError(f"codEligibility orderAmount {result['orderAmount']} != {subtotal + SHIPPING}")
    verdict = "eligible" if result["isEligible"] else f"not eligible ({', '.join(codes)})"
    return (
        f"{verdict}; order {result['orderAmount']['amount']} + fee {result['fee']['amount']} "
        f"{result['fee']['currency']}, tier {result['tier']}"
    )


# --- measuring -----------------------------------------------------------------------------------------------


def measure(api: Api, checkout_id: str, requests_per_query: int) -> tuple[dict[str, list[float]], bool]:
    """Round-robin A, B, C, A, B, C... Milliseconds per query; False when the time budget cut it short."""
    bodies = {
        "codEligibility": api.payload(ELIGIBILITY, {"id": checkout_id}),
        "checkout": api.payload(CHECKOUT, {"id": checkout_id}),
        "__typename": api.payload(TYPENAME),
    }
    for _ in range(WARMUP):
        for name, body in bodies.items():
            checked(api.post(body), name)
    samples: dict[str, list[float]] = {name: [] for name in bodies}
    deadline = time.monotonic() + MEASURE_BUDGET
    for _ in range(requests_per_query):
        if time.monotonic() > deadline:
            return samples, False
        for name, body in bodies.items():
            start = time.perf_counter()
            response = api.post(body)  # reads the whole body
            elapsed = time.perf_counter() - start
            checked(response, name)
            samples[name].append(elapsed * 1000)
    return samples, True


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]


def report(samples: dict[str, list[float]], complete: bool, queries: dict[str, int]) -> bool:
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'query':<16}{'n':>6}{'median ms':>12}{'p90 ms':>10}{'SQL':>6}")
    for name, values in samples.items():
        print(f"{name:<16}{len(values):>6}{median[name]:>12.2f}{p90(values):>10.2f}{queries[name]:>6}")
    if not complete:
        print(f"(stopped early: the {MEASURE_BUDGET:.0f}s measurement budget ran out)")
    cod, store, base = median["codEligibility"], median["checkout"], median["__typename"]
    print()
    print(f"codEligibility / checkout(id)    {cod / store:6.2f}x")
    print(f"codEligibility / __typename     {cod / base:6.2f}x")
    net_cod, net_store = cod - base, store - base
    net = f"{net_cod / net_store:6.2f}x" if net_store > 0 else "   n/a"
    print(f"minus the __typename baseline   {net}   ({net_cod:.2f} ms vs {net_store:.2f} ms)")
    met = cod <= GOAL * store
    print()
    print(f"Goal codEligibility <= {GOAL}x checkout(id) by median: {'MET' if met else 'NOT MET'} ({cod / store:.2f}x)")
    return met


# --- main ----------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    env = configure_environment()
    server = None
    log = tempfile.TemporaryFile()
    try:
        recreate_database()
        setup_django()
        migrate_and_load()
        products = seed_products(args.lines)
        port = free_port()
        server = start_server(args.server, env, port, log)
        api = Api(f"http://127.0.0.1:{port}/graphql/", customer_token)
        wait_for_server(api, server, log)
        setup = time.monotonic() - started
        print(f"PostgreSQL {DB_NAME}; {args.server} on 127.0.0.1:{port} (threaded, DEBUG off); setup {setup:.1f}s")

        checkout_id = build_checkout(api, products)
        print(f"Cart: {args.lines} lines for {CUSTOMER}, US/NY, Standard: {verify(api, checkout_id, products)}")
        queries = queries_per_request(customer_token(), checkout_id)
        print(f"Timing {args.requests} requests per query, round-robin, one keep-alive session, {WARMUP} warm-ups")
        print()
        samples, complete = measure(api, checkout_id, args.requests)
        report(samples, complete, queries)
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
            drop_database()


if __name__ == "__main__":
    sys.exit(main())
