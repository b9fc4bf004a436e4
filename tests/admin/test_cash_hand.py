"""Finance's cash screens: the cash in hand page, the period's CSV export, the overview's chart of cash with
couriers, the order page's money panel and the courier's cash settings; each 403 for staff without its entry."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.models import CodReconciliationException, Courier
from cod_plugin.permissions import RECONCILE_CASH, VIEW_ORDERS, VIEW_OVERVIEW
from tests.cash.holding import collected, courier, remit

from .conftest import MARK

HAND = "/admin/cod_plugin/courier/cash-in-hand/"
EXPORT = "/admin/cod_plugin/courier/cash-export/"
COURIERS = "/admin/cod_plugin/courier/"
OVERVIEW = "/admin/cod_admin_ui/codoverview/"
FINANCE = (RECONCILE_CASH, "cod_plugin.view_courier", VIEW_ORDERS)


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def finance(db, staff_client):
    return staff_client(*FINANCE)


@pytest.fixture
def others(db, staff_client):
    """Staff that may read couriers, orders and the overview, but not the cash."""
    return staff_client("cod_plugin.view_courier", VIEW_ORDERS, VIEW_OVERVIEW, "cod_plugin.manage_cod_settings")


@pytest.fixture
def holdings(db):
    """FastShip (7 days) holds $103 from 2 days ago and $206 from 9 days ago (overdue); SwiftBox (3 days) holds
    KWD 12.500 from today and had an order remitted."""
    fastship, swiftbox = courier("fastship", name="FastShip"), courier("swiftbox", name="SwiftBox", days=3)
    collected(fastship, ago(2))
    collected(fastship, ago(9), n=2)
    collected(swiftbox, ago(0), amount="12.5", currency="KWD")
    remit(collected(swiftbox, ago(5), amount="1", currency="KWD"), on=ago(1))
    return fastship, swiftbox


def cells(html: str, row_start: str) -> list[str]:
    row = html.split(row_start, 1)[1].split("</tr>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_finance_sees_each_couriers_cash_aged_and_the_overdue_flagged(finance, holdings):
    # when
    html = finance.get(HAND).content.decode()
    # then FastShip's row: $309 in 3 orders, $103 at 0–3 days, $206 at 8–14 days, overdue $206 in 2 orders
    assert cells(html, '<th scope="row">FastShip</th>') == [
        "USD",
        "$309.00 3 orders",
        "$103.00 1 order",
        "—",
        "$206.00 2 orders",
        "—",
        "7 days",
        "Overdue $206.00 2 orders",
        "9 days",
    ]
    swift = cells(html, '<th scope="row">SwiftBox</th>')
    assert swift[:3] == ["KWD", "KWD12.500 1 order", "KWD12.500 1 order"] and swift[-2:] == ["—", "0 days"]


def test_one_couriers_cash(finance, holdings):
    _fastship, swiftbox = holdings
    html = finance.get(HAND, {"courier": swiftbox.pk}).content.decode()
    assert "SwiftBox</th>" in html and "FastShip</th>" not in html


def test_the_page_makes_as_many_queries_for_50_orders_as_for_5(finance):
    counts = []
    for n in (5, 50):
        collected(courier(f"c{n}"), ago(n % 20), n=n)
        with CaptureQueriesContext(connection) as queries:
            assert finance.get(HAND).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_in_arabic_is_all_through_gettext(finance, holdings, marked_arabic):
    html = finance.get(HAND, **marked_arabic).content.decode()
    assert 'dir="rtl"' in html
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html.split('id="content-main"')[1], re.S)
    assert headers and all(header.startswith(MARK) for header in headers), headers


def test_staff_without_the_cash_entries_get_403(others, holdings):
    for url in (HAND, EXPORT, f"{EXPORT}?start=2026-01-01&end=2026-01-31"):
        assert others.get(url).status_code == 403
    listing = others.get(COURIERS).content.decode()
    assert HAND not in listing and EXPORT not in listing


def test_the_couriers_list_links_finance_to_both_pages(finance):
    listing = finance.get(COURIERS).content.decode()
    assert f'href="{HAND}"' in listing and f'href="{EXPORT}"' in listing


# --- the export ----------------------------------------------------------------------------------------------------


def export(client, start: date, end: date):
    return client.get(EXPORT, {"start": start.isoformat(), "end": end.isoformat()})


def read(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_finance_downloads_the_periods_reconciliation(finance, holdings):
    # when the last ten days are exported
    response = export(finance, ago(9), ago(0))
    # then a CSV file with the header and one row per collected order
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="cod-reconciliation-{ago(9)}-{ago(0)}.csv"' in response["Content-Disposition"]
    rows = read(response)
    assert rows[0][:3] == ["Order number", "Courier", "Tracking number"] and len(rows) == 1 + 5


def test_the_form_shows_first_and_formulas_are_neutralised(finance):
    # given a courier whose name a spreadsheet would run
    collected(courier("evil", name="=1+2"), ago(0))
    # when the form is opened, then sent
    form = finance.get(EXPORT).content.decode()
    rows = read(export(finance, ago(0), ago(0)))
    # then
    assert 'type="date"' in form and 'name="start"' in form
    assert rows[1][1] == "'=1+2"


@pytest.mark.parametrize("days, allowed", [(366, True), (367, False)])
def test_a_period_is_at_most_366_days(finance, days, allowed):
    response = export(finance, date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=days - 1))
    if allowed:
        assert response.status_code == 200 and response.streaming
    else:
        assert (
            not getattr(response, "streaming", False)
            and "Export at most 366 days at once." in response.content.decode()
        )


def test_a_period_ends_on_or_after_its_start(finance):
    same = export(finance, date(2026, 3, 1), date(2026, 3, 1))
    reversed_ = export(finance, date(2026, 3, 2), date(2026, 3, 1))
    assert same.streaming
    assert "The period must end on or after its first day." in reversed_.content.decode()


def test_a_date_that_is_not_one_is_refused(finance):
    html = finance.get(EXPORT, {"start": "2026-02-30", "end": "x"}).content.decode()
    assert html.count('class="errorlist') == 2


# --- the overview's chart ---------------------------------------------------------------------------------------


def test_the_overview_charts_the_cash_with_couriers_for_finance(demo, staff_client, holdings):
    # given a manager who is also finance, and one who is not
    both = staff_client(VIEW_OVERVIEW, RECONCILE_CASH)
    manager = staff_client(VIEW_OVERVIEW)
    # when
    html = both.get(OVERVIEW).content.decode()
    # then a chart per currency, a line per courier, drawn inline, with the numbers in a table
    assert html.count('<svg class="cod-line-chart"') == 2
    usd = html.split('id="cod-cash-chart-USD"', 1)[1].split('id="cod-cash-chart-', 1)[0]
    assert usd.count("<polyline") == 1 and "FastShip: $309.00" in usd
    assert re.search(r'points="0\.0,100\.0 [\d., ]+ 300\.0,0\.0"', usd)
    kwd = html.split('id="cod-cash-chart-KWD"', 1)[1]
    assert "SwiftBox: KWD12.500" in kwd and "<script" not in html.split('id="cod-cash-chart"', 1)[1]
    assert "cod-cash-chart" not in manager.get(OVERVIEW).content.decode()


def test_the_overview_with_the_chart_takes_one_more_query(demo, staff_client, holdings):
    both, manager = staff_client(VIEW_OVERVIEW, RECONCILE_CASH), staff_client(VIEW_OVERVIEW)
    counts = []
    for client in (manager, both):
        with CaptureQueriesContext(connection) as queries:
            client.get(OVERVIEW)
        counts.append(len(queries))
    assert counts[1] == counts[0] + 1


# --- the order's money ----------------------------------------------------------------------------------------------


def order_page(pk: int) -> str:
    return f"/admin/cod_plugin/codorder/{pk}/change/"


def test_finance_sees_the_orders_money_on_its_page(demo, finance, staff_client):
    # given an order collected, remitted short, with an open exception
    fastship = courier("fastship", name="FastShip")
    (order,) = collected(fastship, ago(3), amount="100")
    remittance = remit([order], on=ago(1), status="short", reference="FS-77")
    CodReconciliationException.objects.create(
        courier=fastship, order=order, remittance=remittance, kind="short", currency="USD", difference=Decimal(3)
    )
    # when finance, then a reader of orders, opens the page
    html = finance.get(order_page(order.pk)).content.decode()
    reader = staff_client(VIEW_ORDERS).get(order_page(order.pk)).content.decode()
    # then
    panel = html.split('id="cod-money-status"', 1)[1].split('<div class="module"', 1)[0]
    assert "Expected (to collect)" in panel and "$103.00" in panel and "$100.00" in panel
    assert "FS-77" in panel and "Short: less than the amount to collect" in panel and "1 open exception" in panel
    assert "Short payment" in panel and "$3.00" in panel
    assert f'href="/admin/cod_plugin/codremittance/{remittance.pk}/change/"' in panel
    assert 'id="cod-money-status"' not in reader


def test_the_money_page_is_finances_only(demo, finance, staff_client):
    (order,) = collected(courier(), ago(0))
    url = f"/admin/cod_plugin/codorder/{order.pk}/money/"
    assert finance.get(url).status_code == 200 and "Not yet remitted" in finance.get(url).content.decode()
    assert staff_client(VIEW_ORDERS).get(url).status_code == 403
    assert staff_client(RECONCILE_CASH).get(url).status_code == 403


# --- the courier's cash settings -----------------------------------------------------------------------------------

SETTINGS = (
    "cod_plugin.view_courier",
    "cod_plugin.change_courier",
    "cod_plugin.add_courier",
    "cod_plugin.manage_cod_settings",
)


def save(client, courier: Courier, **cash):
    form = {
        "code": courier.code,
        "name": courier.name,
        "active": "on",
        "webhook_secret": "",
        "api_url": "",
        "api_key": "",
    }
    return client.post(f"/admin/cod_plugin/courier/{courier.pk}/change/", {**form, **cash})


@pytest.fixture
def manager(db, staff_client):
    return staff_client(*SETTINGS)


def test_the_deadline_and_the_agreed_charges_are_set_on_the_courier(manager):
    fastship = courier()
    response = save(
        manager, fastship, remittance_days="90", charges_currency="kwd", charge_percent="2.5", charge_fixed="0.250"
    )
    assert response.status_code == 302
    fastship.refresh_from_db()
    assert (fastship.remittance_days, fastship.charges_currency, fastship.charge_percent, fastship.charge_fixed) == (
        90,
        "KWD",
        Decimal("2.5"),
        Decimal("0.25"),
    )
    page = manager.get(f"/admin/cod_plugin/courier/{fastship.pk}/change/").content.decode()
    assert 'name="remittance_days"' in page and 'name="charge_fixed"' in page


@pytest.mark.parametrize(
    "cash, field, message",
    [
        ({"remittance_days": "91"}, "remittance_days", "less than or equal to 90"),
        ({"charges_currency": "USD", "charge_fixed": "1.005"}, "charge_fixed", "USD amounts have at most 2 decimals."),
        ({"charges_currency": "JPY", "charge_fixed": "1.5"}, "charge_fixed", "JPY amounts have at most 0 decimals."),
        ({"charges_currency": "USD", "charge_fixed": "-1"}, "charge_fixed", "The amount cannot be negative."),
        ({"charge_percent": "2"}, "charges_currency", "Give the currency of the agreed charges."),
        ({"charges_currency": "XYZ", "charge_percent": "2"}, "charges_currency", "not an ISO 4217 currency code"),
        ({"charges_currency": "USD", "charge_percent": "100.01"}, "charge_percent", "less than or equal to 100"),
    ],
)
def test_the_cash_settings_are_checked(manager, cash, field, message):
    fastship = courier()
    response = save(manager, fastship, **cash)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    fastship.refresh_from_db()
    assert (fastship.remittance_days, fastship.charge_fixed) == (7, 0)


def test_a_fixed_charge_at_the_currencys_last_unit_is_kept(manager):
    fastship = courier()
    assert save(manager, fastship, charges_currency="USD", charge_fixed="1.01", charge_percent="100").status_code == 302
    assert Courier.objects.get(pk=fastship.pk).charge_fixed == Decimal("1.01")


def test_the_chart_and_the_export_in_arabic_are_all_through_gettext(demo, staff_client, holdings, marked_arabic):
    client = staff_client(VIEW_OVERVIEW, RECONCILE_CASH)
    chart = client.get(OVERVIEW, **marked_arabic).content.decode().split('id="cod-cash-chart"', 1)[1]
    # (the heading is a plural, through ngettext, which the mark does not cover)
    texts = re.findall(r"<(?:h3|summary|caption)[^>]*>(.*?)</(?:h3|summary|caption)>", chart, re.S)
    assert len(texts) == 6 and all(text.strip().startswith(MARK) for text in texts), texts
    form = client.get(EXPORT, **marked_arabic).content.decode().split('id="content-main"', 1)[1]
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", form, re.S)]
    assert labels and all(label.startswith(MARK) for label in labels), labels
