"""Shared test plumbing: what runs where, and a skip that is a failure in CI.

Under pytest-xdist (``-n``) each worker process has its own test database (pytest-django names it
``test_<name>_gwN``), its own Redis database for the cache (``cache.clear()`` empties a whole Redis database) and its
own media folder; live servers take a free port and temporary folders are per worker already.
"""

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import translation

from .workers import BROKER as CELERY_BROKER
from .workers import demo_data, redis_client, shared_cache, shared_database  # noqa: F401  (fixtures for every test)

IN_CI = os.environ.get("CI", "").lower() == "true"

# The oscar suite (tests/oscar) runs on its own settings, apart (`pytest tests/oscar --ds=tests.oscar.settings`): each
# run collects only its own tests, whatever paths it is given.
TESTS = Path(__file__).resolve().parent
OSCAR_TESTS = TESTS / "oscar"
ON_OSCAR = settings.SETTINGS_MODULE == "tests.oscar.settings"


def pytest_ignore_collect(collection_path, config):
    path = collection_path.resolve()
    if TESTS not in path.parents:
        return None
    in_oscar = path == OSCAR_TESTS or OSCAR_TESTS in path.parents
    return True if in_oscar != ON_OSCAR else None


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under xdist, empty in a single process
REDIS_DATABASES = 16  # Redis's default number of databases


def worker_redis_url(url: str, worker: str, *, avoid: str = "") -> str:
    """The Redis URL ``url`` with a database of this worker's own: the first worker keeps the one named, the others
    take the next free ones, never the database of ``avoid`` (the broker's, whose queues the workers share)."""
    if not worker:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    taken = int(urlsplit(avoid).path.strip("/") or 0) if avoid.startswith("redis://") else None
    free = [base] + [db for db in range(REDIS_DATABASES) if db not in (base, taken)]
    index = int(worker.removeprefix("gw"))
    if index >= len(free):
        raise pytest.UsageError(f"{index + 1} test workers, but Redis has only {len(free)} databases to give them")
    return urlunsplit(parts._replace(path=f"/{free[index]}"))


if WORKER and os.environ.get("CACHE_URL"):
    # for the processes the tests start (a Celery worker, the sandbox in a subprocess)
    os.environ["CACHE_URL"] = worker_redis_url(os.environ["CACHE_URL"], WORKER, avoid=CELERY_BROKER)


@pytest.fixture(scope="session", autouse=True)
def own_worker_resources(tmp_path_factory):
    """This worker's cache and media folder, apart from the other workers' (see the module's docstring)."""
    from django.conf import settings

    changes = {"MEDIA_ROOT": str(tmp_path_factory.mktemp("media"))}
    cache = settings.CACHES["default"]
    if WORKER and cache["BACKEND"].endswith("RedisCache"):
        location = worker_redis_url(cache["LOCATION"], WORKER, avoid=CELERY_BROKER)
        changes["CACHES"] = {**settings.CACHES, "default": {**cache, "LOCATION": location}}
    with override_settings(**changes):
        yield


# `make test` runs the tests in groups by marker (see the Makefile); a test that uses a group's fixture is in that
# group whether or not it is marked.
GROUP_OF_FIXTURE = {"postgres": "postgres", "redis_client": "celery_worker", "live_server": "browser"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    other_runs = [item for item in items if (OSCAR_TESTS in Path(item.path).resolve().parents) != ON_OSCAR]
    if other_runs:
        config.hook.pytest_deselected(items=other_runs)
        items[:] = [item for item in items if item not in other_runs]
    for item in items:
        if ON_OSCAR:
            item.add_marker("oscar")
        for fixture, marker in GROUP_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(marker):
                item.add_marker(marker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every component is there; a test skipped for want of one is a broken run, not a quiet pass."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where nothing may be missing: {reason}"


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in the store's default language, whatever a test before it in this process activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def own_rate_limits():
    """Each test counts requests against the rate limits from zero, whatever the tests before it sent."""
    with override_settings(RATELIMIT_CACHE_PREFIX=f"rl:{uuid.uuid4().hex}:"):
        yield


# Screening acts (refuses, asks for a deposit or an agent's call) only in the groups written for it. The older groups
# place many identical orders from one shopper within seconds, the very pattern screening stops: there the orders
# are still screened and their scores stored, but every band's action is "accept".
SCREENING_ACTS = tuple(TESTS / name for name in ("screening", "deposits", "riskadmin", "monitoring"))


@pytest.fixture(autouse=True)
def screening_accepts_outside_its_tests(request, monkeypatch):
    path = Path(str(request.node.path)).resolve()
    if any(folder in path.parents for folder in SCREENING_ACTS):
        return
    from dataclasses import replace

    from cod_plugin.flows import policies

    measured = policies.risk_settings

    def accepting(policy):
        settings = measured(policy)
        return replace(settings, actions=dict.fromkeys(settings.actions, "accept"), deposit_above=None)

    monkeypatch.setattr(policies, "risk_settings", accepting)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/cod_plugin")


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.skip("needs Chromium: apt-get install -y chromium")
    return path
