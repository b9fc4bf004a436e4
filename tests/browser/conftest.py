"""Playwright drives Chromium against pytest-django's live server; a failed test leaves a screenshot in artifacts/."""

import os
import re
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in the test's thread; Django's ORM refuses to run in such a thread unless
# told that it is safe, which it is here: the loop only waits on the browser while the test code runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that a fixture's teardown can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"


@pytest.fixture
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            # While Playwright's loop runs in this thread, Django's ORM keeps its connections apart from the thread's
            # own (asgiref's Local is context-local then): close them now, or one stays open and keeps the test
            # database from being dropped at the end of the session.
            connections.close_all()
            browser.close()


@pytest.fixture
def page(request, browser):
    """A page in a new browser context; ``@pytest.mark.browser_locale("ar")`` makes the browser ask for Arabic."""
    marker = request.node.get_closest_marker("browser_locale")
    locale = marker.args[0] if marker else "en-US"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            page.screenshot(path=screenshot_path(f"{request.node.name}-failed"), full_page=True)
        context.close()
