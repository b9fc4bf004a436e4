"""Every admin screen at 1366x768, in English and in Arabic: a screenshot of each, and none scrolls sideways.

The screenshots go to ``COD_SCREENSHOTS`` (a temporary folder unless set; CI keeps its own), named
``<screen>-<language>.png``, on the demo store with its demo orders (``manage.py cod_demo_orders``).
"""

import os
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from admin_ui.queue import queued
from cod_plugin.models import (
    CodCustomerProfile,
    CodOrder,
    CodPolicy,
    CodReconciliationException,
    CodRemittance,
    CodReturnRequest,
    Courier,
)
from cod_plugin.rules.statuses import CodStatus
from tests.graphql.conftest import FIXTURES, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1366, "height": 768}
LANGUAGES = {"en": "en-US", "ar": "ar"}
ADMIN = "/admin/"
# The elements that stand out of the window, innermost first, to say in a failure what makes the page scroll.
OVERFLOW = """() => {
  const width = window.innerWidth, html = document.documentElement;
  // a box that scrolls sideways inside the page (the admin's results table) is a sideways scroll too
  const boxes = [...document.body.querySelectorAll("*")].filter(element => {
    const style = getComputedStyle(element);
    return ["auto", "scroll"].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
  });
  if (boxes.length) {
    return {scrolls: boxes.slice(0, 8).map(element => {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string" ? "." + element.className.split(" ")[0] : "");
      return `${name} ${element.scrollWidth} in ${element.clientWidth}`;
    })};
  }
  if (html.scrollWidth <= width) return null;
  const out = [...document.body.querySelectorAll("*")].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 1 || box.left < -1);
  });
  const innermost = out.filter(element => !out.some(other => other !== element && element.contains(other)));
  return {
    scrollWidth: html.scrollWidth,
    innerWidth: width,
    elements: innermost.slice(0, 8).map(element => {
      const box = element.getBoundingClientRect();
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string" ? "." + element.className.split(" ")[0] : "");
      return `${name} ${Math.round(box.left)}..${Math.round(box.right)}`;
    }),
  };
}"""


def first_pk(queryset) -> int:
    pk = queryset.values_list("pk", flat=True).first()
    assert pk is not None, f"the demo data has no {queryset.model.__name__} for this screen"
    return pk


def order_page() -> str:
    pk = first_pk(CodOrder.objects.filter(status=CodStatus.OUT_FOR_DELIVERY).order_by("pk"))
    return f"{ADMIN}cod_plugin/codorder/{pk}/change/"


def call_script_page() -> str:
    """The change form an agent opens from the call script when the customer wants the order changed."""
    pk = queued(timezone.now()).values_list("pk", flat=True).first()
    assert pk is not None, "no order waits for its confirmation call in the demo data"
    return f"{ADMIN}cod_admin_ui/confirmationqueue/{pk}/modify/"


def profile_page() -> str:
    pk = first_pk(CodCustomerProfile.objects.order_by("pk"))
    return f"{ADMIN}cod_plugin/codcustomerprofile/{pk}/change/"


def return_page() -> str:
    return f"{ADMIN}cod_plugin/codreturnrequest/{first_pk(CodReturnRequest.objects.order_by('pk'))}/change/"


def policy_page() -> str:
    return f"{ADMIN}cod_plugin/codpolicy/{first_pk(CodPolicy.objects.order_by('pk'))}/change/"


def courier_page() -> str:
    return f"{ADMIN}cod_plugin/courier/{first_pk(Courier.objects.order_by('pk'))}/change/"


def remitted_order_page() -> str:
    """An order remitted short: the money panel with its remittance and its open exception."""
    pk = first_pk(CodOrder.objects.filter(cash_exceptions__isnull=False).order_by("pk"))
    return f"{ADMIN}cod_plugin/codorder/{pk}/change/"


def remittance_page() -> str:
    return (
        f"{ADMIN}cod_plugin/codremittance/{first_pk(CodRemittance.objects.order_by('-open_exceptions', 'pk'))}/change/"
    )


def exception_page() -> str:
    pk = first_pk(CodReconciliationException.objects.order_by("pk"))
    return f"{ADMIN}cod_plugin/codreconciliationexception/{pk}/change/"


def fixed(path: str) -> Callable[[], str]:
    return lambda: path


def elsewhere(reason: str):
    """A screen another change is making fit its window: this test says when it does (strict)."""
    return pytest.mark.xfail(strict=True, reason=reason)


# (name, the screen's address, signed in?, marks)
SCREENS = [
    ("sign-in", fixed(f"{ADMIN}login/"), False, ()),
    ("index", fixed(ADMIN), True, ()),
    ("cod-settings", policy_page, True, ()),
    ("couriers", fixed(f"{ADMIN}cod_plugin/courier/"), True, ()),
    ("courier", courier_page, True, ()),
    ("orders", fixed(f"{ADMIN}cod_plugin/codorder/"), True, ()),
    ("order", order_page, True, ()),
    ("confirmation-queue", fixed(f"{ADMIN}cod_admin_ui/confirmationqueue/"), True, ()),
    ("risk-backtest", fixed(f"{ADMIN}cod_admin_ui/riskbacktest/"), True, ()),
    ("call-script-change", call_script_page, True, ()),
    ("customers", fixed(f"{ADMIN}cod_plugin/codcustomerprofile/"), True, ()),
    ("customer-profile", profile_page, True, ()),
    ("returns", fixed(f"{ADMIN}cod_plugin/codreturnrequest/"), True, ()),
    ("return", return_page, True, ()),
    ("overview", fixed(f"{ADMIN}cod_admin_ui/codoverview/"), True, ()),
    ("messages", fixed(f"{ADMIN}cod_plugin/notification/"), True, ()),
    ("cash-in-hand", fixed(f"{ADMIN}cod_plugin/courier/cash-in-hand/"), True, ()),
    ("cash-export", fixed(f"{ADMIN}cod_plugin/courier/cash-export/"), True, ()),
    ("order-money", remitted_order_page, True, ()),
    ("remittances", fixed(f"{ADMIN}cod_plugin/codremittance/"), True, ()),
    ("remittance", remittance_page, True, ()),
    ("remittance-upload", fixed(f"{ADMIN}cod_plugin/codremittance/upload/"), True, ()),
    ("exceptions", fixed(f"{ADMIN}cod_plugin/codreconciliationexception/"), True, ()),
    ("exception", exception_page, True, ()),
]


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("COD_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def demo_store(settings, tmp_path):
    """The demo fixtures and the demo orders (returns with photos, messages, couriers' events) behind the server."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("cod_demo_orders", verbosity=0, stdout=StringIO())


def signed_in_state(browser, base: str) -> dict:
    """The cookies of the demo's superuser after signing in through the admin's own form."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{base}{ADMIN}login/")
        page.fill("#id_username", "admin@example.com")
        page.fill("#id_password", PASSWORD)
        page.locator("input[type=submit]").click()
        page.locator("#site-name").wait_for()
        return context.storage_state()
    finally:
        context.close()


@pytest.mark.parametrize(
    ("name", "address", "signed_in"),
    [pytest.param(name, address, signed_in, id=name, marks=marks) for name, address, signed_in, marks in SCREENS],
)
def test_the_screen_fits_the_window_in_english_and_arabic(
    live_server, browser, demo_store, screenshots, name, address, signed_in
):
    # given the demo store, and the demo's superuser signed in (but for the sign-in screen)
    state = signed_in_state(browser, live_server.url) if signed_in else None
    url = f"{live_server.url}{address()}"
    overflows = {}
    for language, locale in LANGUAGES.items():
        context = browser.new_context(viewport=VIEWPORT, locale=locale, storage_state=state)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)

            # when the screen is opened in a browser asking for that language
            response = page.goto(url)

            # then it is served, in that language
            assert response.status == 200, (language, url, response.status)
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(path=screenshots / f"{name}-{language}.png", full_page=True)
            overflow = page.evaluate(OVERFLOW)
        finally:
            context.close()
        if overflow:
            overflows[language] = overflow

    # and in neither language does it scroll sideways
    assert overflows == {}, f"{name} scrolls sideways at {VIEWPORT['width']}px: {overflows}"
