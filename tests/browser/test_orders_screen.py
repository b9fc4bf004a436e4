"""The COD orders list of the demo store in a 1366 x 768 laptop window, in English and in Arabic (right to left):
every column in sight, no sideways scroll of the page or of the table."""

import pytest
from django.core.management import call_command

from tests.graphql.conftest import FIXTURES, PASSWORD

from .conftest import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}
COLUMNS = (
    "order_number",
    "channel_name",
    "status",
    "region",
    "courier",
    "to_collect",
    "flags",
    "appointment",
    "created",
)
# How far the widest thing stands out of its box: the page, and the results table's own scrolling box.
OVERFLOW = """() => {
  const results = document.querySelector('#changelist .results');
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    table: results.scrollWidth - results.clientWidth,
  };
}"""
# Whether each header's right and left edges lie inside the window.
HEADERS_IN_SIGHT = """columns => columns.map(name => {
  const box = document.querySelector(`#result_list thead th.column-${name}`).getBoundingClientRect();
  return box.left >= 0 && box.right <= window.innerWidth;
})"""


@pytest.fixture
def demo_orders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("cod_demo_orders", verbosity=0)


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()


@pytest.mark.parametrize("language", ["en-US", "ar"])
def test_the_orders_list_fits_a_laptop_window(live_server, browser, demo_orders, language):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=LAPTOP, locale=language)
    page = context.new_page()
    try:
        # given a merchant signed in on a 1366 px laptop, the sidebars as the admin opens them
        sign_in(page, live_server, "admin@example.com")
        # when they open the COD orders list of the demo (25 orders, 5 channels)
        page.goto(f"{live_server.url}/admin/cod_plugin/codorder/")
        expect(page.locator("#result_list tbody tr")).to_have_count(25)
        page.screenshot(path=screenshot_path(f"orders-list-1366-{language}"), full_page=True)
        # then neither the page nor the table scrolls sideways, and every column's header is in sight
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(OVERFLOW) == {"page": 0, "table": 0}
        assert page.evaluate(HEADERS_IN_SIGHT, COLUMNS) == [True] * len(COLUMNS)
        # and channels read as the store names them, not as slugs
        expect(page.locator("#result_list")).to_contain_text("Default channel (US)")
        expect(page.locator("#result_list")).not_to_contain_text("default-channel")
    finally:
        context.close()
