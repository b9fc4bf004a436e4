"""Importing a courier's 100,000-line remittance report through the plugin's own import path, against a bare
COPY and one matching UPDATE in plain SQL, and the import's peak memory at 10,000 and at 100,000 lines.

Not part of ``make test``. Run ``make bench-remittance`` or, from the repository root,
``python bench/remittance.py [--lines N] [--rounds N] [--refill]``.

It uses PostgreSQL at ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/cod_bench_remittance``),
creating the database when it is missing, migrates it and fills it by COPY with ``--lines`` delivered COD orders
of one courier, each with its payment record (once: a later run reuses them unless ``--refill``). It writes the
courier's report as CSV (tracking number, cash collected, COD charge, date; one line per order) and then, in
``--rounds`` alternating rounds:

- **import**: ``remittances.upload`` of the file, ``start_import`` and ``run_import`` of the job, as the Celery
  task runs it (streamed, checked row by row, staged by COPY, matched, applied in one transaction), timed from the
  upload to the finished job; the remittance is then deleted so that the next round is the same import;
- **baseline**: COPY of the same file into a bare table and one set-based UPDATE joining it to the orders by
  tracking number, in plain SQL over psycopg.

It prints both medians and their ratio (goal: at most 3), then the peak memory of the import (tracemalloc, a run
of its own since tracing slows Python) for a file of 10,000 lines and one of ``--lines``, and their ratio (goal:
at most 1.5).
"""

import argparse
import csv
import os
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cod_bench_remittance"
TIME_GOAL, MEMORY_GOAL = 3.0, 1.5
SMALL = 10_000
COURIER = "benchship"
DAY = date(2026, 11, 30)


class BenchError(Exception):
    pass


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000, help="orders and report lines (default 100000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each side (default 3)")
    parser.add_argument("--refill", action="store_true", help="make the orders again even when they are there")
    args = parser.parse_args(argv)
    if not SMALL <= args.lines <= 1_000_000:
        parser.error(f"--lines must be between {SMALL} and 1000000")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    return args


# --- database and Django -------------------------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def server_of(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    server = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432, "user": parts.username or "postgres"}
    if parts.password:
        server["password"] = parts.password
    return parts.path.lstrip("/"), server


def create_database_if_missing(url: str) -> None:
    name, server = server_of(url)
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def setup_django(url: str) -> None:
    """The sandbox's settings on this PostgreSQL, DEBUG off; the import's task is run here, not sent."""
    os.environ.update(DJANGO_SETTINGS_MODULE="sandbox.settings", DATABASE_URL=url, DEBUG="0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cod-bench-media-")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from cod_plugin import tasks

    tasks.import_remittance.delay = lambda *args: None


# --- the orders and the report -------------------------------------------------------------------------------


def courier():
    from cod_plugin.models import Courier, CourierReportMapping

    made, _ = Courier.objects.get_or_create(code=COURIER, defaults={"name": "Benchship", "webhook_secret": "b" * 24})
    CourierReportMapping.objects.update_or_create(
        courier=made,
        defaults={
            "reference_column": "AWB",
            "reference_kind": "tracking",
            "collected_column": "COD Amount",
            "cod_charge_column": "COD Fee",
            "date_column": "Delivered",
            "date_format": "%d/%m/%Y",
        },
    )
    return made


def amount_of(number: int) -> Decimal:
    return Decimal(1_000 + number % 49_000) / 100


def fill(count: int, courier_pk: int, *, refill: bool) -> str:
    """``count`` delivered orders of the courier with their payment records, by COPY."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cod_plugin.models import CodOrder, CodPaymentRecord

    present = CodOrder.objects.filter(courier_id=courier_pk).count()
    if present == count and not refill:
        return f"{present:,} orders already there (--refill to make them again)"
    started, now = time.monotonic(), timezone.now()
    fields = [f for f in CodOrder._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE cod_plugin_codremittance, cod_plugin_codorder RESTART IDENTITY CASCADE")
        with cursor.cursor.copy(f"COPY {CodOrder._meta.db_table} ({columns}) FROM STDIN") as copy:
            for number in range(1, count + 1):
                copy.write_row([values_of(defaults, number, courier_pk, now)[f.attname] for f in fields])
        payments = CodPaymentRecord._meta.db_table
        cursor.execute(
            f"INSERT INTO {payments} (order_id, amount, amount_currency, method, receipt, source, created_at) "
            f"SELECT id, amount_to_collect, amount_to_collect_currency, 'cash', '', 'courier', %s "
            f"FROM {CodOrder._meta.db_table} WHERE courier_id = %s",
            [now, courier_pk],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cod_plugin_codorder")
    return f"filled {count:,} delivered orders with payment records in {time.monotonic() - started:.1f}s"


def values_of(defaults: dict, number: int, courier_pk: int, now) -> dict:
    from psycopg.types.json import Jsonb

    amount = amount_of(number)
    values = {
        **defaults,
        "order_ref": f"bench-{number}",
        "order_number": str(200_000 + number),
        "checkout_ref": f"bench-checkout-{number}",
        "channel": "default-channel",
        "customer_key": f"guest:customer{number}@example.com",
        "status": "delivered",
        "order_amount_currency": "USD",
        "order_amount": amount,
        "fee_currency": "USD",
        "fee": Decimal(0),
        "amount_to_collect_currency": "USD",
        "amount_to_collect": amount,
        "shipping_amount_currency": "USD",
        "shipping_amount": Decimal(0),
        "tier": "NEW",
        "terms_version": 1,
        "terms_language": "en",
        "country": "US",
        "courier_id": courier_pk,
        "tracking_number": f"BS{number:09d}",
        "collection_methods": Jsonb(["cash"]),
        "created_at": now,
        "updated_at": now,
    }
    return values


def write_report(path: Path, lines: int, *, seed: str) -> Path:
    """The courier's report of ``lines`` orders (one per order; ``seed`` makes each file's bytes its own)."""
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["AWB", "COD Amount", "COD Fee", "Delivered", "Note"])
        for number in range(1, lines + 1):
            amount = amount_of(number)
            when = (DAY - timedelta(days=number % 7)).strftime("%d/%m/%Y")
            writer.writerow([f"BS{number:09d}", f"{amount:.2f}", "0.00", when, seed])
    return path


# --- the two sides -------------------------------------------------------------------------------------------


def import_file(courier, path: Path, reference: str) -> tuple[float, object]:
    """Upload, start and run the import; its seconds and the finished job."""
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from cod_plugin.flows import remittances
    from cod_plugin.models import CodJob

    user, _ = get_user_model().objects.get_or_create(username="bench-finance", defaults={"email": "f@example.com"})
    started = time.perf_counter()
    with open(path, "rb") as handle:
        uploaded = remittances.upload(
            courier,
            File(handle, name=path.name),
            reference=reference,
            remitted_on=DAY,
            currency="USD",
            net=None,
            user=user,
        )
    job = remittances.start_import(uploaded, user=user)
    remittances.run_import(job.pk)
    seconds = time.perf_counter() - started
    job = CodJob.objects.get(pk=job.pk)
    return seconds, job


def check_import(job, lines: int) -> None:
    from cod_plugin.models import CodRemittance

    if job.status != "done" or "remittance" not in job.params:
        raise BenchError(f"the import did not finish: {job.status} {job.error} {job.params.get('errors', [])[:3]}")
    remittance = CodRemittance.objects.get(pk=job.params["remittance"])
    if remittance.line_count != lines or job.counts.get("matched") != lines:
        raise BenchError(f"expected {lines} matched lines, got {remittance.line_count} ({job.counts})")


def forget_remittances() -> None:
    """Delete what an import made, so that the next round imports the same file into the same database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cod_plugin_codreconciliationexception, cod_plugin_codremittanceline, cod_plugin_codremittance, "
            "cod_plugin_codremittancefile, cod_plugin_codremittancestaging, cod_plugin_codjob CASCADE"
        )


def baseline(url: str, path: Path, courier_pk: int) -> tuple[float, int]:
    """COPY of the file into a bare table and one matching UPDATE in plain SQL; seconds and rows matched."""
    name, server = server_of(url)
    with psycopg.connect(dbname=name, **server) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_remittance")
        conn.execute(
            "CREATE TABLE bench_bare_remittance (awb text, collected numeric(15, 3), cod_fee numeric(15, 3), "
            "delivered text, note text, order_id bigint)"
        )
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            with (
                open(path, "rb") as handle,
                cursor.copy(
                    "COPY bench_bare_remittance (awb, collected, cod_fee, delivered, note) "
                    "FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := handle.read(1 << 16):
                    copy.write(block)
            cursor.execute(
                "UPDATE bench_bare_remittance b SET order_id = o.id FROM cod_plugin_codorder o "
                "WHERE o.tracking_number = b.awb AND o.courier_id = %s",
                [courier_pk],
            )
            matched = cursor.rowcount
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_bare_remittance")
        conn.commit()
    return seconds, matched


def peak_memory(courier, path: Path, lines: int, reference: str) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        _seconds, job = import_file(courier, path, reference)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    check_import(job, lines)
    forget_remittances()
    return peak


# --- the run -------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    url = database_url()
    try:
        create_database_if_missing(url)
        setup_django(url)
        made = courier()
        print(fill(args.lines, made.pk, refill=args.refill))
        forget_remittances()
        folder = Path(tempfile.mkdtemp(prefix="cod-bench-remittance-"))
        report = write_report(folder / "report.csv", args.lines, seed="timed")
        print(f"report: {args.lines:,} lines, {report.stat().st_size / 1e6:.1f} MB")
        plugin, bare = [], []
        for round_ in range(args.rounds):
            seconds, job = import_file(made, report, f"BENCH-{round_}")
            check_import(job, args.lines)
            forget_remittances()
            plugin.append(seconds)
            seconds, matched = baseline(url, report, made.pk)
            if matched != args.lines:
                raise BenchError(f"the baseline matched {matched} rows of {args.lines}")
            bare.append(seconds)
            print(f"round {round_ + 1}: import {plugin[-1]:.2f}s, baseline {bare[-1]:.2f}s")
        ratio = statistics.median(plugin) / statistics.median(bare)
        print(f"import (upload, run_import): median {statistics.median(plugin):.2f}s")
        print(f"baseline (COPY + UPDATE):     median {statistics.median(bare):.2f}s")
        print(f"ratio {ratio:.2f}x — goal at most {TIME_GOAL:.0f}x: {'met' if ratio <= TIME_GOAL else 'NOT met'}")
        small = peak_memory(made, write_report(folder / "small.csv", SMALL, seed="small"), SMALL, "MEM-SMALL")
        large = peak_memory(made, write_report(folder / "large.csv", args.lines, seed="large"), args.lines, "MEM-LARGE")
        growth = large / small
        print(f"peak memory of the import: {SMALL:,} lines {small / 1e6:.1f} MB, ", end="")
        print(f"{args.lines:,} lines {large / 1e6:.1f} MB")
        print(
            f"memory ratio {growth:.2f}x — goal at most {MEMORY_GOAL}x: {'met' if growth <= MEMORY_GOAL else 'NOT met'}"
        )
    except (BenchError, psycopg.OperationalError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
