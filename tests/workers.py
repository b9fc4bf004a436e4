"""Celery in tests: a real worker process on Redis against the test's PostgreSQL database, or tasks run right here.

The fixtures are registered in tests/conftest.py; the worker tests mark themselves ``celery_worker`` and use
``django_db(transaction=True)``, so that the worker sees what the test committed.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from .graphql.conftest import FIXTURES

REPO = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("CELERY_BROKER_URL", "")


class Worker:
    """``celery -A sandbox worker`` in its own process, on its own queue, with this test's database and cache."""

    def __init__(self, *, queue: str, env: dict, log: Path):
        self.queue, self.log = queue, log
        command = [sys.executable, "-m", "celery", "-A", "sandbox", "worker", "--pool=solo", "--concurrency=1"]
        command += ["-Q", queue, "-n", f"{queue}@%h", "--loglevel=warning", "--without-mingle", "--without-gossip"]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def run(self, task, *args, timeout=60):
        """Send ``task(*args)`` to this worker's queue and wait for its result; fail early if the worker died."""
        from celery.exceptions import TimeoutError as ResultTimeout

        result = task.apply_async(args, queue=self.queue)
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


@contextmanager
def running_worker(settings_env: dict, redis_client, tmp_path: Path):
    """A worker on a queue of its own, with ``settings_env`` on top of this process's environment."""
    queue = f"cod-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": BROKER,
        **settings_env,
    }
    worker = Worker(queue=queue, env=env, log=tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()
        redis_client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@contextmanager
def tasks_run_here(*, propagate: bool = True):
    """Tasks sent meanwhile run in this process, whatever broker the environment names (CI sets Redis).

    With ``propagate`` a task's exception reaches the caller, its first retry included; without, the retries run
    (at once, one after the other) and the caller gets the last result.
    """
    conf = current_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, propagate
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved


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
