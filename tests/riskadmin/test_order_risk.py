"""The order page's risk panel: score, band in words, action and each signal with its detail and weight; "Not
screened" for an order without a score."""

import re

import pytest

from cod_plugin.rules.risk import SignalCode
from tests.lifecycle.helpers import place

from .risky import screened

PAGE = "/admin/cod_plugin/codorder/{}/change/"
HISTORY = {"refusals": 2, "strikes": 1, "cancellations": 0, "accounts": 2}


@pytest.fixture
def order(api):
    _, placed = place(api, None)
    return placed


@pytest.fixture
def reader(demo, staff_client):
    return staff_client("cod_plugin.view_codorder")


def panel(response) -> str:
    found = re.search(r'<div class="module" id="cod-risk">(.*?)</div>', response.content.decode(), re.S)
    return found.group(1) if found else ""


def signal_rows(html: str) -> list[tuple[str, str, str, str]]:
    return re.findall(
        r'<tr data-signal="(\w+)"><td>([^<]*)</td><td>([^<]*)</td><td class="cod-amount">(\d+)</td>', html
    )


def test_a_screened_order_shows_its_score_band_action_and_signals_heaviest_first(order, reader):
    # given an order screened high: a phone that refused twice before under two accounts, and a duplicate
    from cod_plugin.models import CodOrder
    from cod_plugin.rules.risk import Signal

    duplicate = Signal(SignalCode.DUPLICATE_ORDER, 30, {"count": 1, "hours": 48})
    history = Signal(SignalCode.PHONE_HISTORY, 35, HISTORY)
    stored = [duplicate.as_dict(), history.as_dict()]
    CodOrder.objects.filter(pk=order.pk).update(
        risk_score=65, risk_band="high", risk_action="deposit", risk_signals=stored
    )
    # when a staff member reads the order page
    html = panel(reader.get(PAGE.format(order.pk)))
    # then the score, the band in words (with its colour's class), the action, and the signals in their own words
    assert "2" in history.detail and "48" in duplicate.detail
    assert '<span class="cod-risk-score">65</span> / 100' in html
    assert 'class="cod-risk cod-risk-high" id="cod-risk-band">High risk</span>' in html
    assert 'id="cod-risk-action">Require a deposit</td>' in html
    assert signal_rows(html) == [
        (
            "phone_history",
            "Earlier refusals with this phone",
            history.detail,
            "35",
        ),
        (
            "duplicate_order",
            "Possible duplicate order",
            duplicate.detail,
            "30",
        ),
    ]


def test_an_order_without_a_score_says_not_screened(order, reader):
    screened(order, None)
    html = panel(reader.get(PAGE.format(order.pk)))
    assert 'id="cod-risk-band">Not screened</span>' in html and "cod-risk-signals" not in html


def test_a_screened_order_without_signals_says_so(order, reader):
    screened(order, 0, "low")
    html = panel(reader.get(PAGE.format(order.pk)))
    assert '<span class="cod-risk-score">0</span>' in html and "Low risk" in html and "No signal fired." in html
