"""Risk on the demo store in a 1366 x 768 laptop window, in English and in Arabic (right to left): the confirmation
queue sorted by risk, its high-risk order first with its score, band and the questions its signals raise, and that
order's page with the risk panel; neither scrolls sideways. Screenshots go to ``COD_SCREENSHOTS`` when it is set."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from admin_ui.queue import queued
from tests.graphql.conftest import FIXTURES, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}
LANGUAGES = {"en": "en-US", "ar": "ar"}
QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
IN_SIGHT = """selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.left >= 0 && box.right <= window.innerWidth && box.width > 0;
}"""


@pytest.fixture(autouse=True)
def screening_accepts_outside_its_tests():
    """Overrides the suite's: the demo is screened as a shop is, its high-risk order paying its deposit."""


@pytest.fixture
def demo_store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("cod_demo_orders", verbosity=0, stdout=StringIO())
    return queued(timezone.now()).first()


def shoot(page, name: str) -> None:
    folder = os.environ.get("COD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def signed_in(browser, live_server, locale: str):
    context = browser.new_context(viewport=LAPTOP, locale=locale)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin@example.com")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queue_puts_the_explained_high_risk_order_first_and_fits(live_server, browser, demo_store, language):
    from playwright.sync_api import expect

    top = demo_store
    context, page = signed_in(browser, live_server, LANGUAGES[language])
    try:
        # when an agent opens the queue, sorted by risk as it opens
        page.goto(f"{live_server.url}{QUEUE}")
        # then the high-risk order is the next call, with its score and band, and the questions its signals raise
        expect(page.locator("#next-order h2")).to_contain_text(top.order_number)
        expect(page.locator("#next-risk")).to_contain_text("65")
        expect(page.locator("#next-risk .cod-risk-high")).to_be_visible()
        expect(page.locator("#risk-questions li")).to_have_count(2)
        # and the orders after it go down in risk, each with its band
        scores = page.locator("#upcoming .cod-risk-score-small").all_inner_texts()
        assert scores == sorted(scores, key=int, reverse=True) and len(scores) == 5
        shoot(page, f"queue-by-risk-1366-{language}")
        assert page.evaluate(SIDEWAYS) <= 0
        assert page.evaluate(IN_SIGHT, "#upcoming table") and page.evaluate(IN_SIGHT, "#risk-questions")
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_order_page_explains_the_score_and_fits(live_server, browser, demo_store, language):
    from playwright.sync_api import expect

    top = demo_store
    context, page = signed_in(browser, live_server, LANGUAGES[language])
    try:
        page.goto(f"{live_server.url}/admin/cod_plugin/codorder/{top.pk}/change/")
        panel = page.locator("#cod-risk")
        expect(panel.locator(".cod-risk-score")).to_have_text("65")
        expect(panel.locator("#cod-risk-band.cod-risk-high")).to_be_visible()
        expect(panel.locator("#cod-risk-signals tbody tr")).to_have_count(2)
        expect(panel.locator('tr[data-signal="phone_history"]')).to_contain_text("35")
        shoot(page, f"order-risk-1366-{language}")
        assert page.evaluate(SIDEWAYS) <= 0
        assert page.evaluate(IN_SIGHT, "#cod-risk-signals")
    finally:
        context.close()
