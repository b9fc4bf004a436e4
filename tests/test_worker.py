"""A real Celery worker on Redis refreshes the exchange rates over HTTP; every process converts with them at once."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cod_plugin.tasks import refresh_exchange_rates

from .graphql.conftest import FIXTURES, Api
from .graphql.shop import new_checkout
from .graphql.test_eligibility import codes, eligibility

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("CELERY_BROKER_URL", "")
OXR = "openexchangerates.org"  # the name djmoney's OpenExchangeRatesBackend stores its rates under
APP_ID = "test-app-id"
PROVIDER_RATES = {"AED": 3.6725, "EUR": 0.92, "IDR": 8000, "JPY": 150, "KWD": 0.3075}  # IDR: 16250 in the fixture
IDR_TO_USD = f"djmoney:get_rate:IDR:USD:{OXR}"


class Provider:
    """An OpenExchangeRates look-alike on 127.0.0.1: answers with the given statuses in turn, then 200."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.requests.append(self.path)
                status = provider.statuses.pop(0) if provider.statuses else 200
                body = json.dumps({"base": "USD", "rates": PROVIDER_RATES} if status == 200 else {"error": True})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/latest.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Worker:
    """``celery -A sandbox worker`` in its own process, on its own queue, with this test's database and cache."""

    def __init__(self, *, queue: str, env: dict, log: Path):
        self.queue, self.log = queue, log
        command = [sys.executable, "-m", "celery", "-A", "sandbox", "worker", "--pool=solo", "--concurrency=1"]
        command += ["-Q", queue, "-n", f"{queue}@%h", "--loglevel=warning", "--without-mingle", "--without-gossip"]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def run(self, task, timeout=60):
        """Send ``task`` to this worker's queue and wait for its result; fail early if the worker died."""
        from celery.exceptions import TimeoutError as ResultTimeout

        result = task.apply_async(queue=self.queue)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.output()}")
            try:
                value = result.get(timeout=1)
            except ResultTimeout:
                continue
            result.forget()
            return value
        pytest.fail(f"no result from the worker in {timeout}s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def worker_database_url() -> str:
    """A URL for the database this test writes to (``test_<name>``), for a process that pytest-django did not set up."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_client():
    if not BROKER.startswith("redis://"):
        pytest.skip("needs a Celery broker on Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        pytest.skip(f"needs Redis at CELERY_BROKER_URL={BROKER}, which does not answer: {error}")
    yield client
    client.close()


@pytest.fixture
def shared_database(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://postgres@127.0.0.1:5432/cod_plugin): the worker is another "
            "process and must see the test's committed data, which an in-memory SQLite database cannot share"
        )


@pytest.fixture
def shared_cache(redis_client):
    """The test process and the worker share one Redis cache under a prefix of their own, empty at the start."""
    location = os.environ.get("CACHE_URL") or BROKER
    prefix = f"cod-test-{uuid.uuid4().hex[:12]}"
    redis_cache = "django.core.cache.backends.redis.RedisCache"
    caches = {"default": {"BACKEND": redis_cache, "LOCATION": location, "KEY_PREFIX": prefix}}
    # cache.clear() would be FLUSHDB, which takes the broker's queues along when they share a database
    delete_prefixed(location, prefix)
    with override_settings(CACHES=caches):  # Django drops its cache objects on this change: ``cache`` is the new one
        yield {"CACHE_URL": location, "CACHE_KEY_PREFIX": prefix}
    delete_prefixed(location, prefix)


def delete_prefixed(location: str, prefix: str):
    import redis

    with redis.Redis.from_url(location) as client:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def demo_data(shared_database):
    call_command("loaddata", *FIXTURES, verbosity=0)


def start_worker(provider: Provider, cache_env: dict, redis_client, tmp_path: Path) -> Worker:
    queue = f"cod-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": BROKER,
        **cache_env,
        "EXCHANGE_BACKEND": "djmoney.contrib.exchange.backends.OpenExchangeRatesBackend",
        "OPEN_EXCHANGE_RATES_URL": provider.url,
        "OPEN_EXCHANGE_RATES_APP_ID": APP_ID,
    }
    return Worker(queue=queue, env=env, log=tmp_path / "worker.log")


def stop_worker(worker: Worker, redis_client):
    worker.stop()
    redis_client.delete(worker.queue, f"_kombu.binding.{worker.queue}", f"_kombu.binding_permanent.{worker.queue}")


def provider_rates_in_the_database() -> dict[str, Decimal]:
    from djmoney.contrib.exchange.models import Rate

    return dict(Rate.objects.filter(backend=OXR).values_list("currency", "value"))


def expected_rates() -> dict[str, Decimal]:
    return {currency: Decimal(str(value)) for currency, value in PROVIDER_RATES.items()}


def as_if_refreshed_from_the_fixture():
    """The provider's rates as an earlier refresh left them: the fixture's values, IDR at 16250."""
    from djmoney.contrib.exchange.models import ExchangeBackend, Rate

    backend = ExchangeBackend.objects.create(name=OXR, base_currency="USD")
    for rate in Rate.objects.filter(backend="fixture"):
        Rate.objects.create(backend=backend, currency=rate.currency, value=rate.value)


@override_settings(COD_EXCHANGE_BACKEND=OXR)
def test_the_worker_refreshes_rates_over_http_and_eligibility_follows(demo_data, shared_cache, redis_client, tmp_path):
    # given a cart in rupiah that is within the new customer's USD 500 at the rate of the last refresh (16250)
    as_if_refreshed_from_the_fixture()
    api = Api()
    checkout = new_checkout(api, "channel-id", {"HEADPHONES-001": 3})
    before = eligibility(api, checkout)
    assert before["isEligible"] and codes(before) == [], before
    assert cache.get(IDR_TO_USD) == 1 / Decimal("16250")  # the conversion is cached in the shared cache
    with Provider() as provider:
        worker = start_worker(provider, shared_cache, redis_client, tmp_path)
        try:
            # when the periodic refresh runs in the worker and the provider now says 8000 rupiah to the dollar
            stored = worker.run(refresh_exchange_rates)
        finally:
            stop_worker(worker, redis_client)
    # then the provider was asked once, with the app id, for USD-based rates
    assert len(provider.requests) == 1, provider.requests
    query = parse_qs(urlsplit(provider.requests[0]).query)
    assert urlsplit(provider.requests[0]).path == "/api/latest.json"
    assert query["app_id"] == [APP_ID] and query["base"] == ["USD"]
    # and its rates are stored under its name
    assert stored == len(PROVIDER_RATES)
    assert provider_rates_in_the_database() == expected_rates()
    # and the worker forgot the cached conversion for this process too: the same cart is now over the limit
    assert cache.get(IDR_TO_USD) is None
    after = eligibility(api, checkout)
    assert codes(after) == ["AMOUNT_OVER_LIMIT"], after
    assert after["orderAmount"] == before["orderAmount"] and after["limit"] == before["limit"]


def test_a_provider_outage_is_retried_until_the_rates_arrive(demo_data, shared_cache, redis_client, tmp_path):
    # given a provider that fails once with a 500
    with Provider(statuses=[500]) as provider:
        worker = start_worker(provider, shared_cache, redis_client, tmp_path)
        try:
            # when the refresh runs in the worker
            stored = worker.run(refresh_exchange_rates)
        finally:
            stop_worker(worker, redis_client)
    # then the task retried by itself and the second answer was stored
    assert len(provider.requests) == 2, provider.requests
    assert stored == len(PROVIDER_RATES)
    assert provider_rates_in_the_database() == expected_rates()
