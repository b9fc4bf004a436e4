"""The admin's monitoring screen (trend charts with their numbers, the latest week by key sorted by refusal rate,
the weeks' limit) and the alerts screen (open first, the orders behind an alert, acknowledged with who and when),
each for who the role table lets in; their queries as many for 10 orders as for 200."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.models import CodRiskAlert
from cod_plugin.permissions import VIEW_METRICS
from cod_plugin.rules.metrics import week_of
from tests.admin.conftest import MARK

from .history import build

pytestmark = pytest.mark.django_db
MONITORING = "/admin/cod_admin_ui/codmonitoring/"
ALERTS = "/admin/cod_plugin/codriskalert/"
AREAS = ("Capital", "Hawalli", "Farwaniya", "Ahmadi", "Jahra", "Mubarak")


def this_week(days: int = 0):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def manager(demo, staff_client):
    return staff_client(VIEW_METRICS, "cod_plugin.view_codriskalert", "cod_plugin.change_codriskalert")


@pytest.fixture
def reader(demo, staff_client):
    return staff_client(VIEW_METRICS, email="reader@example.com")


@pytest.fixture
def regions():
    """Six areas this week and last: the more orders, the earlier in AREAS; refusals 1 in 2 in Jahra only."""
    for weeks_ago in (0, 1):
        for index, area in enumerate(AREAS):
            at = this_week(7 * weeks_ago)
            build("completed", at=at, count=len(AREAS) - index, area=area)
            if area == "Jahra":
                build("refused", at=at, count=2, area=area, refusal_reason="changed_mind")


def region_view(client, **query):
    return client.get(MONITORING, {"dimension": "region", **query})


def test_four_trend_charts_each_with_a_line_per_top_five_region_and_its_numbers(manager, regions):
    response = region_view(manager, weeks=2)
    assert response.status_code == 200
    charts = response.context["charts"]
    assert [chart.slug for chart in charts] == ["sign_off", "refusal", "confirmation", "collection"]
    refusal = charts[1]
    assert [line.label for line in refusal.lines] == [
        "Kuwait — Capital",
        "Kuwait — Hawalli",
        "Kuwait — Farwaniya",
        "Kuwait — Jahra",
        "Kuwait — Ahmadi",
    ]  # Mubarak, with the fewest orders, is left out
    assert refusal.rows[-1][1] == ["0.0%", "0.0%", "0.0%", "50.0%", "0.0%"]
    html = response.content.decode()
    assert html.count('<svg class="cod-line-chart"') == 4
    assert "<caption" in html and "50.0%" in html


def test_the_latest_week_by_region_sorted_by_refusal_rate(manager, regions):
    rows = region_view(manager, sort="-refusal").context["latest"]
    assert rows[0].label == "Kuwait — Jahra" and rows[0].rate("refusal") == "50.0%"
    assert len(rows) == 6  # the table has every key, not only the charts' five
    ascending = region_view(manager, sort="refusal").context["latest"]
    assert ascending[-1].label == "Kuwait — Jahra"
    by_orders = [row.label for row in region_view(manager).context["latest"]]
    assert by_orders[:4] == ["Kuwait — Capital", "Kuwait — Hawalli", "Kuwait — Farwaniya", "Kuwait — Jahra"]


def test_53_weeks_may_be_shown_and_54_are_refused(manager, regions):
    shown = region_view(manager, weeks=53)
    assert len(shown.context["weeks"]) == 53
    assert shown.context["weeks"][0] == week_of(timezone.localdate()) - timedelta(weeks=52)
    refused = region_view(manager, weeks=54)
    assert refused.status_code == 200 and "charts" not in refused.context
    assert "Ensure this value is less than or equal to 53." in refused.content.decode()


def test_each_currency_apart_the_one_with_most_orders_first(manager):
    build("completed", at=this_week(), count=2)
    build("completed", at=this_week(), currency="KWD", amount="10.000", fee="0.500")
    assert manager.get(MONITORING).context["currency"] == "USD"
    kwd = manager.get(MONITORING, {"currency": "kwd"})
    assert kwd.context["currency"] == "KWD"
    assert kwd.context["latest"][0].money[0] != manager.get(MONITORING).context["latest"][0].money[0]


def test_no_orders_in_the_weeks(manager):
    assert "No COD orders in these weeks." in manager.get(MONITORING).content.decode()


def test_the_monitoring_page_in_arabic_is_right_to_left_and_all_through_gettext(manager, regions, marked_arabic):
    html = (
        region_view(manager, **{}).content.decode()
        and manager.get(MONITORING, {"dimension": "region"}, **marked_arabic).content.decode()
    )
    assert 'dir="rtl"' in html
    main = html.split('id="content-main"')[1]
    headers = re.findall(r"<h2>(.*?)</h2>", main, re.S) + re.findall(r"<summary>(.*?)</summary>", main, re.S)
    assert headers and all(header.strip().startswith(MARK) for header in headers), headers


@pytest.mark.parametrize("dimension", ["none", "region", "product", "agent"])
def test_the_monitoring_page_reads_as_many_queries_for_10_orders_as_for_200(manager, dimension):
    counts = []
    for orders in (10, 200):
        build("completed", at=this_week(), count=orders // 2, product="p", area=f"A{orders}")
        build("refused", at=this_week(7), count=orders // 2, product="q", area=f"B{orders}")
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(MONITORING, {"dimension": dimension}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_admin_index_and_the_overview_link_the_monitoring_for_managers(manager, staff_client):
    assert MONITORING in manager.get("/admin/").content.decode()
    assert ALERTS in manager.get("/admin/").content.decode()
    agent = staff_client("cod_admin_ui.view_codoverview")
    assert MONITORING not in agent.get("/admin/").content.decode()
    assert "cod-monitoring-link" not in agent.get("/admin/cod_admin_ui/codoverview/").content.decode()
    both = staff_client("cod_admin_ui.view_codoverview", VIEW_METRICS)
    overview = both.get("/admin/cod_admin_ui/codoverview/").content.decode()
    assert f'<p id="cod-monitoring-link"><a href="{MONITORING}">' in overview


def test_staff_without_the_metrics_permission_get_403(demo, staff_client):
    others = staff_client("cod_plugin.view_codorder", "cod_admin_ui.view_codoverview")
    assert others.get(MONITORING).status_code == 403
    assert others.get(ALERTS).status_code == 403


# --- the alerts --------------------------------------------------------------------------------------------------


def alert(key: str, *, acknowledged: bool = False, **fields) -> CodRiskAlert:
    week = week_of(timezone.localdate())
    values = {"kind": "refusal_rate", "dimension": "region", "label": key, "week": week, "rate": "45.0"}
    values |= {"data": {"at_door": 20, "refused": 9}}
    if acknowledged:
        values |= {"acknowledged_at": timezone.now(), "acknowledged_by": "someone@example.com"}
    return CodRiskAlert.objects.create(key=key, **{**values, **fields})


def test_open_alerts_come_first_with_their_figures(manager):
    alert("KW/Old", acknowledged=True)
    alert("KW/Capital", label="Kuwait — Capital")
    page = manager.get(ALERTS)
    html = page.content.decode()
    assert [a.key for a in page.context["cl"].result_list] == ["KW/Capital", "KW/Old"]
    assert "45.0% refused in the week of" in html and "(9 of 20 orders at the door)" in html
    assert html.count(">Acknowledge</button>") == 1


def test_acknowledging_records_who_and_when(manager):
    open_ = alert("KW/Capital")
    response = manager.post(f"{ALERTS}{open_.pk}/acknowledge/")
    assert response.status_code == 302
    open_.refresh_from_db()
    assert open_.acknowledged_by == "staff1@example.com" and open_.acknowledged_at is not None
    assert ">Acknowledge</button>" not in manager.get(ALERTS).content.decode()


def test_who_may_only_read_the_alerts_sees_no_button_and_may_not_acknowledge(reader):
    open_ = alert("KW/Capital")
    assert ">Acknowledge</button>" not in reader.get(ALERTS).content.decode()
    assert reader.post(f"{ALERTS}{open_.pk}/acknowledge/").status_code == 403
    open_.refresh_from_db()
    assert open_.acknowledged_at is None


def test_the_alerts_orders_link_lists_the_refused_orders_behind_it(manager, staff_client):
    refused = build("refused", at=this_week(), count=2, area="Jahra", refusal_reason="damaged")
    build("completed", at=this_week(), area="Jahra")
    build("refused", at=this_week(), area="Capital")
    jahra = alert("KW/Jahra")
    viewer = staff_client(VIEW_METRICS, "cod_plugin.view_codriskalert", "cod_plugin.view_codorder")
    assert f"{ALERTS}{jahra.pk}/orders/" in viewer.get(ALERTS).content.decode()
    page = viewer.get(f"{ALERTS}{jahra.pk}/orders/")
    assert page.status_code == 200
    assert sorted(order.pk for order, _status, _reason in page.context["orders"]) == sorted(o.pk for o in refused)
    html = page.content.decode()
    assert f'href="/admin/cod_plugin/codorder/{refused[0].pk}/change/"' in html and "Damaged" in html


def test_the_orders_behind_an_alert_come_100_a_page(manager, staff_client):
    build("refused", at=this_week(), count=101, area="Jahra")
    jahra = alert("KW/Jahra")
    viewer = staff_client(VIEW_METRICS, "cod_plugin.view_codriskalert", "cod_plugin.view_codorder")
    first = viewer.get(f"{ALERTS}{jahra.pk}/orders/")
    assert len(first.context["orders"]) == 100 and "Page 1 of 2 (101 orders)" in first.content.decode()
    assert len(viewer.get(f"{ALERTS}{jahra.pk}/orders/", {"page": 2}).context["orders"]) == 1
    CodRiskAlert.objects.filter(pk=jahra.pk).update(key="KW/Nowhere")
    assert 'id="cod-alert-pages"' not in viewer.get(f"{ALERTS}{jahra.pk}/orders/").content.decode()


def test_exactly_100_orders_are_one_page(manager, staff_client):
    build("refused", at=this_week(), count=100, area="Jahra")
    jahra = alert("KW/Jahra")
    viewer = staff_client(VIEW_METRICS, "cod_plugin.view_codriskalert", "cod_plugin.view_codorder")
    page = viewer.get(f"{ALERTS}{jahra.pk}/orders/")
    assert len(page.context["orders"]) == 100 and 'id="cod-alert-pages"' not in page.content.decode()


def test_the_alerts_and_their_orders_read_as_many_queries_for_few_as_for_many(manager, staff_client):
    viewer = staff_client(VIEW_METRICS, "cod_plugin.view_codriskalert", "cod_plugin.view_codorder")
    jahra = alert("KW/Jahra")
    counts = {"alerts": [], "orders": []}
    for many in (2, 40):
        for n in range(many):
            alert(f"KW/{many}-{n}")
        build("refused", at=this_week(), count=many, area="Jahra")
        for name, url in (("alerts", ALERTS), ("orders", f"{ALERTS}{jahra.pk}/orders/")):
            with CaptureQueriesContext(connection) as queries:
                assert viewer.get(url).status_code == 200
            counts[name].append(len(queries))
    assert counts["alerts"][0] == counts["alerts"][1] and counts["orders"][0] == counts["orders"][1]


def test_one_week_may_be_shown_and_none_is_refused_as_is_a_currency_of_four_letters(manager, regions):
    assert len(region_view(manager, weeks=1).context["weeks"]) == 1
    for query, message in (
        ({"weeks": 0}, "Ensure this value is greater than or equal to 1."),
        ({"currency": "USDX"}, "Ensure this value has at most 3 characters (it has 4)."),
    ):
        refused = region_view(manager, **query)
        assert "charts" not in refused.context and message in refused.content.decode()
