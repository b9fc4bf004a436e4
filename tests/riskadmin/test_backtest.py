"""The backtest read from the orders (the last N days, 1 to 365, one channel or all), its admin screen and
``codRiskBacktest``: a manager reads whether the score separates refused orders from delivered ones."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import backtest
from cod_plugin.rules.risk import Band, SignalCode
from cod_plugin.rules.statuses import CodStatus
from tests.graphql.conftest import Api

from .risky import finished, placed_at

SCREEN = "/admin/cod_admin_ui/riskbacktest/"
VIEW_METRICS = "cod_plugin.view_cod_metrics"
QUERY = """query($days: Int!, $channel: String) { codRiskBacktest(days: $days, channel: $channel) {
  days channel orders unscreened overall { orders refused percent }
  bands { band name rate { orders refused percent } } signals { code name rate { orders refused percent } }
  thresholds { score orders refused delivered } } }"""


@pytest.fixture
def history(demo):
    """Over the last 10 days: 3 low delivered, 1 low refused; 2 high refused with a phone that refused before, 1 high
    delivered; 1 unscreened returned; 1 pending (not finished); and 2 very high refused 40 days ago."""
    now = timezone.now()
    placed_at(finished(3, status=CodStatus.COMPLETED, score=10, band="low", start=100), now - timedelta(days=2))
    placed_at(finished(1, status=CodStatus.REFUSED, score=20, band="low", start=110), now - timedelta(days=2))
    codes = (SignalCode.PHONE_HISTORY,)
    high = finished(2, status=CodStatus.RETURNED_TO_ORIGIN, score=60, band="high", codes=codes, start=120)
    placed_at(high, now - timedelta(days=3))
    placed_at(finished(1, status=CodStatus.DELIVERED, score=55, band="high", start=130), now - timedelta(days=9))
    placed_at(finished(1, status=CodStatus.RETURNED_TO_ORIGIN, score=None, start=140), now - timedelta(days=1))
    placed_at(finished(1, status=CodStatus.PENDING_CONFIRMATION, score=90, band="very_high", start=150), now)
    old = finished(2, status=CodStatus.REFUSED, score=80, band="very_high", start=160)
    placed_at(old, now - timedelta(days=40))


# ---- the read


def test_finished_orders_of_the_last_days_only_and_one_query(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = backtest.finished_orders(10)
    assert len(rows) == 8 and sum(row.refused for row in rows) == 4
    assert len(backtest.finished_orders(365)) == 10  # the older very high ones too; never the pending one


def test_the_days_are_counted_from_now_exactly(demo):
    # given an order placed exactly 30 days ago and one a second before that
    now = timezone.now()
    placed_at(finished(1, status=CodStatus.COMPLETED, score=10, band="low", start=200), now - timedelta(days=30))
    placed_at(
        finished(1, status=CodStatus.COMPLETED, score=10, band="low", start=201), now - timedelta(days=30, seconds=1)
    )
    assert len(backtest.finished_orders(30, now=now)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("days", [1, 365])
def test_1_and_365_days_are_allowed(days):
    assert backtest.run(days).orders == 0


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 366, -1, True])
def test_0_or_366_days_are_refused_with_a_code(days):
    with pytest.raises(CodError) as refused:
        backtest.run(days)
    assert refused.value.code == CodErrorCode.INVALID and refused.value.field == "days"
    assert refused.value.message == "Choose from 1 to 365 days."


def test_one_channel_only(history):
    finished(2, status=CodStatus.REFUSED, score=30, band="medium", start=300, channel="channel-ae")
    assert backtest.run(10, channel="channel-ae").overall.orders == 2
    assert backtest.run(10).overall.orders == 9


def test_the_rates_per_band_and_signal(history):
    result = backtest.run(10)
    bands = dict(result.bands)
    assert (bands[Band.LOW].orders, bands[Band.LOW].refused, str(bands[Band.LOW].percent)) == (4, 1, "25.0")
    assert (bands[Band.HIGH].orders, bands[Band.HIGH].refused, str(bands[Band.HIGH].percent)) == (3, 2, "66.7")
    assert dict(result.signals)[SignalCode.PHONE_HISTORY].percent == 100
    assert result.unscreened == 1


# ---- the screen


def numbers(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr class="{row_id}.*?</tr>', html, re.S).group(0)
    return re.findall(r'<td class="cod-amount">([^<]*)</td>', row)


def test_the_screen_shows_bands_signals_and_thresholds(history, staff_client):
    client = staff_client(VIEW_METRICS)
    response = client.get(SCREEN, {"days": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers(html, 'backtest-band" data-band="high"') == ["3", "2", "66.7"]
    assert numbers(html, 'backtest-band" data-band="very_high"') == ["0", "0", "—"]
    assert 'width="66.7"' in html and "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert numbers(html, 'backtest-signal" data-signal="phone_history"') == ["2", "2", "100.0"]
    assert numbers(html, 'backtest-threshold" data-score="55"') == ["3", "2", "1"]
    assert numbers(html, 'backtest-threshold" data-score="60"') == ["2", "2", "0"]
    assert "1 finished order was never screened and is left out." in html
    assert "High risk" in html and "Earlier refusals with this phone" in html


def test_the_screen_opens_on_90_days_and_filters_by_channel(history, staff_client):
    client = staff_client(VIEW_METRICS)
    html = client.get(SCREEN).content.decode()
    assert 'value="90"' in html and "8 screened finished orders" not in html and "9 screened finished orders" in html
    html = client.get(SCREEN, {"days": "10", "channel": "channel-ae"}).content.decode()
    assert "0 screened finished orders" in html
    html = client.get(SCREEN, {"channel": "channel-ae"}).content.decode()  # the days left out: 90
    assert "0 screened finished orders" in html and 'value="90"' in html
    html = client.get(SCREEN, {"channel": "no-such-channel"}).content.decode()
    assert 'id="backtest-channel-error"' in html and 'id="backtest-bands"' not in html


@pytest.mark.parametrize(("days", "shown"), [("365", True), ("366", False), ("0", False), ("x", False)])
def test_the_screen_takes_1_to_365_days(history, staff_client, days, shown):
    response = staff_client(VIEW_METRICS).get(SCREEN, {"days": days})
    html = response.content.decode()
    assert response.status_code == 200
    assert ('id="backtest-bands"' in html) is shown
    assert ('id="backtest-days-error"' in html) is not shown


def test_the_screen_costs_the_same_queries_for_few_or_many_orders(history, staff_client):
    client = staff_client(VIEW_METRICS)
    with CaptureQueriesContext(connection) as few:
        client.get(SCREEN, {"days": "30"})
    finished(40, status=CodStatus.REFUSED, score=70, band="high", codes=(SignalCode.DUPLICATE_ORDER,), start=400)
    with CaptureQueriesContext(connection) as many:
        client.get(SCREEN, {"days": "30"})
    assert len(many) == len(few)


def test_without_the_metrics_permission_the_screen_is_refused(demo, staff_client):
    assert staff_client("cod_plugin.view_codorder").get(SCREEN).status_code == 403


# ---- the API


def manager_token(api) -> str:
    return api.token("manager@example.com")


def test_the_api_gives_the_same_figures(history, api):
    body = api(QUERY, {"days": 10}, token=manager_token(api))["codRiskBacktest"]
    assert (body["orders"], body["unscreened"], body["overall"]) == (
        8,
        1,
        {"orders": 7, "refused": 3, "percent": "42.9"},
    )
    high = next(band for band in body["bands"] if band["band"] == "HIGH")
    assert high == {"band": "HIGH", "name": "High risk", "rate": {"orders": 3, "refused": 2, "percent": "66.7"}}
    assert next(b for b in body["bands"] if b["band"] == "VERY_HIGH")["rate"]["percent"] is None
    assert body["signals"][0]["code"] == "PHONE_HISTORY"
    assert body["thresholds"][11] == {"score": 55, "orders": 3, "refused": 2, "delivered": 1}


@pytest.mark.parametrize(("days", "ok"), [(1, True), (365, True), (0, False), (366, False)])
def test_the_api_takes_1_to_365_days(demo, days, ok):
    api = Api()
    body = api.raw(QUERY, {"days": days}, token=api.token("manager@example.com"))
    if ok:
        assert body["data"]["codRiskBacktest"]["days"] == days
    else:
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID" and error["message"] == "Choose from 1 to 365 days."


def test_the_api_refuses_a_channel_too_long(demo):
    api = Api()
    body = api.raw(QUERY, {"days": 10, "channel": "c" * 101}, token=api.token("manager@example.com"))
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


def test_an_agent_may_not_read_the_backtest(demo):
    api = Api()
    body = api.raw(QUERY, {"days": 10}, token=api.token("agent@example.com"))
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
