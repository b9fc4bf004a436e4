"""The cash screens in Arabic: served right to left, and every header, label and button of their content goes
through gettext (``marked_arabic`` marks each translated string)."""

import re

import pytest

from cod_plugin.models import CodReconciliationException
from cod_plugin.rules.reconciliation import LineStatus
from tests.cash.remittance_rows import remittance

from .cash_screens import EXCEPTIONS, FINANCE, REMITTANCES, courier, delivered, lines_of, signed_in
from .conftest import MARK

pytestmark = pytest.mark.usefixtures("demo")


def texts(html: str, tag: str) -> list[str]:
    content = html.split('id="content-main"')[1]
    found = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", content, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in found]


def unmarked(html: str, *tags: str) -> list[str]:
    return [text for tag in tags for text in texts(html, tag) if text and not text.startswith(MARK)]


@pytest.fixture
def pages():
    fastship = courier("fastship")
    orders = delivered(2, fastship)
    made = remittance(fastship, reference="R-1", lines=[*lines_of(orders[:1]), (None, "5.00", LineStatus.UNKNOWN)])
    exception = CodReconciliationException.objects.get()
    return {
        "remittance": f"{REMITTANCES}{made.pk}/change/",
        "exception": f"{EXCEPTIONS}{exception.pk}/change/",
    }


@pytest.mark.parametrize("name", ["remittance", "exception"])
def test_the_pages_in_arabic_are_all_through_gettext(pages, marked_arabic, name):
    response = signed_in(FINANCE).get(pages[name], **marked_arabic)
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html
    assert unmarked(html, "h2", "th", "label") == []


@pytest.mark.parametrize("url", [REMITTANCES, EXCEPTIONS])
def test_the_lists_in_arabic_have_their_headers_through_gettext(pages, marked_arabic, url):
    response = signed_in(FINANCE).get(url, **marked_arabic)
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html
    headers = re.findall(r'<th scope="col"[^>]*>.*?<div class="text">(?:<a [^>]+>)?([^<]+)', html, re.S)
    assert headers and all(header.strip().startswith(MARK) for header in headers), headers
