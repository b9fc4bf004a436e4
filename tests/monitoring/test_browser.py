"""The monitoring screen in Chromium at 1366x768, in English and in Arabic (right to left): four trend charts drawn,
the latest week sorted by refusal rate at a click, the alerts listed; nothing scrolling sideways. Screenshots go to
``COD_SCREENSHOTS`` when it is set (``monitoring-<language>.png``)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from cod_plugin.flows import alerts
from tests.browser.test_screens import OVERFLOW, VIEWPORT, signed_in_state
from tests.graphql.conftest import FIXTURES

from .history import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONITORING = "/admin/cod_admin_ui/codmonitoring/?dimension=region&weeks=8"
ALERTS = "/admin/cod_plugin/codriskalert/"
LANGUAGES = {"en": "en-US", "ar": "ar"}


@pytest.fixture
def history(settings):
    """Eight weeks of orders in six areas of Kuwait; Jahra refuses more than half, the others a fifth at most; the
    alerts raised for areas with at least 5 orders at the door (Jahra, last week and this week)."""
    settings.COD_ALERT_MIN_ORDERS = 5
    call_command("loaddata", *FIXTURES, verbosity=0)
    for weeks_ago in range(8):
        at = timezone.now() - timedelta(weeks=weeks_ago)
        for index, area in enumerate(("Capital", "Hawalli", "Farwaniya", "Ahmadi", "Jahra", "Mubarak Al-Kabeer")):
            refused = 5 if area == "Jahra" else 1 + (weeks_ago + index) % 2
            build("completed", at=at, count=10 - index - refused // 2, area=area)
            build("refused", at=at, count=refused, area=area, refusal_reason="changed_mind")
            build("cancelled", at=at, area=area)
    alerts.raise_alerts()


def test_the_monitoring_screen_in_english_and_arabic(live_server, browser, history):
    folder = os.environ.get("COD_SCREENSHOTS")
    state = signed_in_state(browser, live_server.url)
    for language, locale in LANGUAGES.items():
        context = browser.new_context(viewport=VIEWPORT, locale=locale, storage_state=state)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            # when a manager opens the monitoring by region
            response = page.goto(f"{live_server.url}{MONITORING}")
            # then the page is in that language, with four charts of five lines each
            assert response.status == 200
            assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert page.locator("svg.cod-line-chart").count() == 4
            assert page.locator("#cod-trend-refusal .cod-legend li").count() == 5
            # and a click on the refusal header puts the worst area first
            page.locator("#cod-sort-refusal").click()
            page.wait_for_url("**sort=-refusal**")
            first = page.locator("#cod-latest-table tbody tr").first.locator("th").inner_text()
            assert "Jahra" in first
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=Path(folder) / f"monitoring-{language}.png", full_page=True)
            assert page.evaluate(OVERFLOW) is None, language
            # and the alerts raised on that history are listed, open, with their figures and an Acknowledge button
            page.goto(f"{live_server.url}{ALERTS}")
            assert page.locator("#result_list tbody tr").count() == 2
            assert page.locator("#result_list button[form=cod-acknowledge]").count() == 2
            if folder:
                page.screenshot(path=Path(folder) / f"monitoring-alerts-{language}.png", full_page=True)
            assert page.evaluate(OVERFLOW) is None, language
        finally:
            context.close()
