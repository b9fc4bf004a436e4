"""Shared test plumbing: what runs where, and a skip that is a failure in CI."""

import os
import shutil
import uuid

import pytest
from django.db import connection
from django.test import override_settings

from .workers import demo_data, redis_client, shared_cache, shared_database  # noqa: F401  (fixtures for every test)

IN_CI = os.environ.get("CI", "").lower() == "true"


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
def own_rate_limits():
    """Each test counts requests against the rate limits from zero, whatever the tests before it sent."""
    with override_settings(RATELIMIT_CACHE_PREFIX=f"rl:{uuid.uuid4().hex}:"):
        yield


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
