"""Render time of the COD orders list and the COD overview next to Django admin's plain changelist, 100,000 orders.

Not part of ``make test``. Run ``make bench-admin`` or, from the repository root,
``python bench/admin.py [--orders N] [--rounds N] [--refill]``.

It uses PostgreSQL at ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/cod_bench_admin``), creating
the database when it is missing, migrates it, loads the demo fixtures and fills it with ``--orders`` COD orders and
their timelines by COPY (once: a later run reuses them unless ``--refill``). It then renders, in-process through
Django's test ``Client`` signed in as a superuser (DEBUG off, the sandbox's whole middleware), after warm-ups and
round-robin, ``--rounds`` times each: the COD orders list filtered by status, the COD overview (of all channels and
of the largest), and Django admin's plain changelist of the same table (a bare ``ModelAdmin`` on an ``AdminSite``
of its own), unfiltered and with the same filter. It prints the median and p90 of each, their SQL queries, and
the ratios to the plain changelist. Goals: the COD list and the COD overview, each within 1.5x of the plain
changelist by median.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
import types
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [str(ROOT / "fixtures" / name) for name in ("01_store.json", "02_cod.json", "03_rates.json")]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cod_bench_admin"
GOAL = 1.5
WARMUP = 5
MEASURE_BUDGET = 120.0  # seconds: the measurement loop stops early rather than run past this
SUPERUSER = "bench-admin@example.com"
FILTER = "status__exact=pending_confirmation"
PAGES = {
    "COD list, filtered": f"/admin/cod_plugin/codorder/?{FILTER}",
    "COD overview": "/admin/cod_admin_ui/codoverview/",
    "overview, 1 channel": "/admin/cod_admin_ui/codoverview/?channel=default-channel",
    "plain changelist": "/plain-admin/cod_plugin/codorder/",
    "plain, filtered": f"/plain-admin/cod_plugin/codorder/?{FILTER}",
}
PLAIN = "plain changelist"

# The spread of the orders: channels with their currency, countries and areas; statuses as a shop sees them.
CHANNELS = [
    ("default-channel", "USD", "US", ["NY", "CA", "TX", "FL", ""], 0.45),
    ("channel-ae", "AED", "AE", ["Dubai", "Abu Dhabi"], 0.2),
    ("channel-id", "IDR", "ID", ["Jakarta", "Bali", ""], 0.2),
    ("channel-kw", "KWD", "KW", [""], 0.1),
    ("channel-eg", "EGP", "EG", ["Cairo", ""], 0.05),
]
STATUSES = {
    "pending_confirmation": 0.08,
    "confirmed": 0.07,
    "shipped": 0.08,
    "out_for_delivery": 0.05,
    "delivery_failed": 0.02,
    "delivered": 0.05,
    "completed": 0.44,
    "refused": 0.08,
    "returned_to_origin": 0.04,
    "cancelled": 0.08,
    "refunded": 0.01,
}
# The moves that lead to each status, after "placed": the timeline the overview reads.
PATHS = {
    "pending_confirmation": [],
    "confirmed": ["confirmed"],
    "shipped": ["confirmed", "shipped"],
    "out_for_delivery": ["confirmed", "shipped", "out_for_delivery"],
    "delivery_failed": ["confirmed", "shipped", "out_for_delivery", "delivery_failed"],
    "delivered": ["confirmed", "shipped", "out_for_delivery", "delivered"],
    "completed": ["confirmed", "shipped", "out_for_delivery", "delivered", "completed"],
    "refused": ["confirmed", "shipped", "out_for_delivery", "refused"],
    "returned_to_origin": ["confirmed", "shipped", "out_for_delivery", "refused", "returned_to_origin"],
    "cancelled": ["cancelled"],
    "refunded": ["confirmed", "shipped", "out_for_delivery", "delivered", "completed", "refunded"],
}
REFUSALS = ["damaged", "wrong_item", "changed_mind", "not_at_home", "no_reason", "fake_order"]
FLAGS = ("confirmation_overdue", "claim_unverified", "amount_discrepancy", "refund_overdue")
COURIERS = ["fastship", "desertpost", "nusantara", "gulfline"]
DAYS = 180


class BenchError(Exception):
    pass


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="COD orders in the table (default 100000)")
    parser.add_argument("--rounds", type=int, default=30, help="timed renders of each page (default 30)")
    parser.add_argument("--refill", action="store_true", help="empty and refill the orders even when they are there")
    args = parser.parse_args(argv)
    if not 100 <= args.orders <= 2_000_000:
        parser.error("--orders must be between 100 and 2000000")
    if not 1 <= args.rounds <= 1000:
        parser.error("--rounds must be between 1 and 1000")
    return args


# --- database and Django -------------------------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def create_database_if_missing(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432, "user": parts.username or "postgres"}
    if parts.password:
        server["password"] = parts.password
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def configure_environment(url: str) -> None:
    """The sandbox's settings: this PostgreSQL, DEBUG off, eager tasks, a throwaway key."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="sandbox.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
    )
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "EXCHANGE_BACKEND"):
        os.environ.pop(name, None)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate_and_load() -> None:
    from django.core.management import call_command

    from cod_plugin.models import CodPolicy

    call_command("migrate", interactive=False, verbosity=0)
    if not CodPolicy.objects.exists():
        call_command("loaddata", *FIXTURES, verbosity=0)


# --- the orders ----------------------------------------------------------------------------------------------


def couriers() -> list[int]:
    from cod_plugin.models import Courier

    return [
        Courier.objects.get_or_create(code=code, defaults={"name": code.title(), "webhook_secret": "b" * 24})[0].pk
        for code in COURIERS
    ]


def order_row(number: int, rng: random.Random, courier_ids: list[int], now) -> dict:
    channel, currency, country, areas, _share = rng.choices(CHANNELS, weights=[c[4] for c in CHANNELS])[0]
    status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
    amount = Decimal(rng.randrange(1_000, 50_000)) / 100
    fee = (amount * Decimal("0.03")).quantize(Decimal("0.01"))
    created = now - timedelta(days=DAYS) * rng.random() ** 1.5  # more orders lately
    row = {
        "order_ref": f"bench-{number}",
        "order_number": str(number),
        "checkout_ref": f"bench-checkout-{number}",
        "channel": channel,
        "customer_key": f"customer{rng.randrange(number // 3 + 1)}@example.com",
        "status": status,
        "order_amount_currency": currency,
        "order_amount": amount,
        "fee_currency": currency,
        "fee": fee,
        "amount_to_collect_currency": currency,
        "amount_to_collect": amount + fee,
        "shipping_amount_currency": currency,
        "shipping_amount": Decimal(0),
        "tier": "NEW",
        "terms_version": 1,
        "terms_language": "en",
        "country": country,
        "area": rng.choice(areas),
        "phone": f"+{rng.randrange(10**10, 10**11)}",
        "courier_id": None if status in ("pending_confirmation", "cancelled") else rng.choice(courier_ids),
        "refusal_reason": rng.choice(REFUSALS) if status in ("refused", "returned_to_origin") else "",
        "created_at": created,
        "updated_at": created,
    }
    for flag in FLAGS:
        row[flag] = rng.random() < 0.02
    return row


def copy_orders(count: int, courier_ids: list[int]) -> list[dict]:
    """COPY ``count`` orders into the table; returns their rows (with ``id``) for their timelines."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from cod_plugin.models import CodOrder

    rng, now = random.Random(20261130), timezone.now()
    fields = [f for f in CodOrder._meta.concrete_fields if not f.primary_key]
    # A money field's default is a Money (the deposit's 0): COPY writes its amount; its currency is a column too.
    defaults = {f.attname: getattr(f.get_default(), "amount", f.get_default()) for f in fields}
    rows = [order_row(number, rng, courier_ids, now) for number in range(100_001, 100_001 + count)]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {CodOrder._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = {**defaults, **row}
            copy.write_row(
                [
                    Jsonb(values[f.attname]) if f.get_internal_type() == "JSONField" else values[f.attname]
                    for f in fields
                ]
            )
    ids = dict(CodOrder.objects.values_list("order_number", "id"))
    for row in rows:
        row["id"] = ids[row["order_number"]]
    return rows


def copy_events(rows: list[dict]) -> int:
    """Each order's timeline: placed, then the moves that led to its status, an hour or so apart."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from cod_plugin.models import CodOrderEvent

    now, count = timezone.now(), 0
    columns = "order_id, kind, from_status, to_status, actor, reason, data, created_at"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {CodOrderEvent._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            at, before = row["created_at"], ""
            for to in ["pending_confirmation", *PATHS[row["status"]]]:
                reason = row["refusal_reason"] if to == "refused" else ""
                kind = "placed" if not before else to
                copy.write_row([row["id"], kind, before, to, "bench", reason, Jsonb({}), min(at, now)])
                at, before, count = at + timedelta(hours=3), to, count + 1
    return count


def fill(count: int, *, refill: bool) -> str:
    from django.db import connection, transaction

    from cod_plugin.models import CodOrder

    present = CodOrder.objects.count()
    if present == count and not refill:
        return f"{present:,} orders already there (--refill to make them again)"
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cod_plugin_codorderevent, cod_plugin_codorder RESTART IDENTITY CASCADE")
        rows = copy_orders(count, couriers())
        events = copy_events(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cod_plugin_codorder")
        cursor.execute("VACUUM ANALYZE cod_plugin_codorderevent")
    return f"filled {count:,} orders and {events:,} timeline events in {time.monotonic() - started:.1f}s"


# --- the pages -----------------------------------------------------------------------------------------------


def install_plain_admin() -> None:
    """Django admin's plain changelist of the same table: a bare ModelAdmin on an AdminSite of its own, served
    beside the sandbox's URLs."""
    from django.conf import settings
    from django.contrib import admin
    from django.urls import path

    from cod_plugin.models import CodOrder

    plain = admin.AdminSite(name="plain_admin")
    plain.register(CodOrder)
    urls = types.ModuleType("bench_admin_urls")
    urls.urlpatterns = [path("plain-admin/", plain.urls), *import_module("sandbox.urls").urlpatterns]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(username=SUPERUSER).first()
    if user is None:
        user = get_user_model().objects.create_superuser(SUPERUSER, SUPERUSER, secrets.token_urlsafe(16))
    client = Client()
    client.force_login(user)
    return client


def render(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}")
    return response.content


def check_pages(client) -> dict[str, int]:
    """Each page renders what it should; returns the SQL queries of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cod_plugin.models import CodOrder

    queries = {}
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as captured:
            html = render(client, url).decode()
        queries[name] = len(captured)
        if "overview" in name:
            if "Confirmation rate" not in html or "<svg" not in html:
                raise BenchError("the overview has no rates or no chart")
        elif html.count('<th class="field-') < 1:
            raise BenchError(f"{name} lists no orders")
    pending = CodOrder.objects.filter(status="pending_confirmation").count()
    if f"{pending} COD orders" not in render(client, PAGES["COD list, filtered"]).decode():
        raise BenchError(f"the COD list does not count the {pending} pending orders")
    return queries


def measure(client, rounds: int) -> tuple[dict[str, list[float]], bool]:
    """Round-robin over the pages; milliseconds per render; False when the time budget cut it short."""
    for _ in range(WARMUP):
        for url in PAGES.values():
            render(client, url)
    samples: dict[str, list[float]] = {name: [] for name in PAGES}
    deadline = time.monotonic() + MEASURE_BUDGET
    for _ in range(rounds):
        if time.monotonic() > deadline:
            return samples, False
        for name, url in PAGES.items():
            start = time.perf_counter()
            render(client, url)
            samples[name].append((time.perf_counter() - start) * 1000)
    return samples, True


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]


def report(samples: dict[str, list[float]], complete: bool, queries: dict[str, int]) -> bool:
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'page':<20}{'n':>5}{'median ms':>12}{'p90 ms':>10}{'SQL':>6}{'/ plain':>10}")
    for name, values in samples.items():
        ratio = median[name] / median[PLAIN]
        print(f"{name:<20}{len(values):>5}{median[name]:>12.2f}{p90(values):>10.2f}{queries[name]:>6}{ratio:>9.2f}x")
    if not complete:
        print(f"(stopped early: the {MEASURE_BUDGET:.0f}s measurement budget ran out)")
    cod = median["COD list, filtered"] / median[PLAIN]
    print()
    print(f"COD list / plain changelist        {cod:6.2f}x")
    print(f"COD overview / plain changelist    {median['COD overview'] / median[PLAIN]:6.2f}x")
    print(f"overview, 1 channel / plain        {median['overview, 1 channel'] / median[PLAIN]:6.2f}x")
    print(f"COD list / plain, same filter      {median['COD list, filtered'] / median['plain, filtered']:6.2f}x")
    overview = median["COD overview"] / median[PLAIN]
    met = cod <= GOAL and overview <= GOAL
    print()
    print(
        f"Goal COD list <= {GOAL}x the plain changelist by median: {'MET' if cod <= GOAL else 'NOT MET'} ({cod:.2f}x)"
    )
    print(
        f"Goal COD overview <= {GOAL}x the plain changelist by median: "
        f"{'MET' if overview <= GOAL else 'NOT MET'} ({overview:.2f}x)"
    )
    return met


# --- main ----------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    url = database_url()
    try:
        create_database_if_missing(url)
        configure_environment(url)
        setup_django()
        migrate_and_load()
        print(f"PostgreSQL {urlsplit(url).path.lstrip('/')}: {fill(args.orders, refill=args.refill)}")
        install_plain_admin()
        client = signed_in_client()
        queries = check_pages(client)
        print(f"In-process Django test Client, superuser, DEBUG off; {WARMUP} warm-ups, {args.rounds} rounds")
        print()
        samples, complete = measure(client, args.rounds)
        report(samples, complete, queries)
        print(f"\nTotal {time.monotonic() - started:.1f}s")
        return 0
    except (BenchError, psycopg.OperationalError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    sys.exit(main())
