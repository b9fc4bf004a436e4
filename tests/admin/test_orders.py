"""The COD orders list: columns, each filter, the API's search, and who may see it."""

import re

import pytest

from cod_plugin.models import CodOrder, Courier

from .cod_orders import make_orders

LIST = "/admin/cod_plugin/codorder/"
VIEWER = ("cod_plugin.view_codorder",)


@pytest.fixture
def viewer(demo, staff_client):
    return staff_client(*VIEWER)


@pytest.fixture
def courier(demo):
    return Courier.objects.create(code="fastship", name="FastShip", webhook_secret="s" * 20)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return sorted(order.order_number for order in response.context["cl"].result_list)


def test_the_list_shows_each_column_with_flags_as_badges(viewer, courier):
    make_orders(1, start=7001, courier=courier, claim_unverified=True, refund_overdue=True, status="delivered")
    html = viewer.get(LIST).content.decode()
    headers = ("Order number", "Channel", "Status", "Region", "Courier", "Amount to collect", "Flags", "Appointment")
    for header in (*headers, "Created at"):
        assert f">{header}</a>" in html or f"<span>{header}</span>" in html, header
    row = html[html.index(">7001<") :]
    row = row[: row.index("</tr>")]
    # the channel by the store's name, the region by the country's, the phone under the order number
    for cell in ("Default channel (US)", "Delivered", "+12125557001", "United States — NY", "FastShip", "$103.00"):
        assert cell in row, cell
    assert "default-channel" not in row
    assert '<span class="cod-badge">Disputed claim</span> <span class="cod-badge">Refund overdue</span>' in row


def test_the_list_has_no_add_or_delete_and_only_the_cod_bulk_actions(viewer):
    make_orders(2)
    html = viewer.get(LIST).content.decode()
    assert "addlink" not in html and "delete_selected" not in html
    # one who only reads orders may export them; handing over is dispatch's (tests/jobs)
    assert re.findall(r'<option value="(\w+)">', html[html.index('name="action"') :]) == ["export_orders_csv"]
    assert viewer.get(f"{LIST}add/").status_code == 403


def test_filter_by_status(viewer):
    make_orders(2, start=5001)
    make_orders(1, start=5101, status="confirmed")
    assert listed(viewer, "status__exact=confirmed") == ["5101"]
    assert listed(viewer, "status__exact=pending_confirmation") == ["5001", "5002"]


def test_filter_by_channel_lists_the_channels_with_a_policy(viewer):
    make_orders(1, start=5001)
    make_orders(1, start=5201, channel="channel-ae", country="AE", area="Dubai", currency="AED")
    html = viewer.get(LIST).content.decode()
    assert '<a href="?channel=channel-ae">United Arab Emirates</a>' in html and "?channel=channel-kw" in html
    assert listed(viewer, "channel=channel-ae") == ["5201"]


def test_filter_by_region_country_or_area(viewer):
    make_orders(1, start=5001)
    make_orders(1, start=5002, area="CA")
    make_orders(1, start=5301, channel="channel-ae", country="AE", area="Dubai", currency="AED")
    html = viewer.get(LIST).content.decode()
    assert "?region=AE%2FDubai" in html and "?region=US" in html
    assert listed(viewer, "region=AE%2FDubai") == ["5301"]
    assert listed(viewer, "region=US") == ["5001", "5002"]
    assert listed(viewer, "region=US%2FNY") == ["5001"]


def test_filter_by_courier(viewer, courier):
    make_orders(1, start=5001, courier=courier)
    make_orders(1, start=5002)
    assert listed(viewer, f"courier__id__exact={courier.pk}") == ["5001"]
    assert listed(viewer, "courier__isnull=True") == ["5002"]


@pytest.mark.parametrize("flag", ["confirmation_overdue", "claim_unverified", "amount_discrepancy", "refund_overdue"])
def test_filter_by_each_flag(viewer, flag):
    make_orders(2, start=5001)
    make_orders(1, start=5401, **{flag: True})
    assert listed(viewer, f"flag={flag}") == ["5401"]
    assert len(listed(viewer)) == 3


def test_search_by_exact_order_number_or_phone_ending(viewer):
    # given orders 5001..5012; their phones end in their numbers
    make_orders(12, start=5001)
    # then a number finds that order only, not those it is a part of
    assert listed(viewer, "q=5001") == ["5001"]
    assert listed(viewer, "q=500") == []
    # and the end of a phone number finds every order with that ending, with or without a plus
    assert listed(viewer, "q=5555010") == ["5010"]
    assert listed(viewer, "q=%2B12125555012") == ["5012"]
    assert listed(viewer, "q=01") == ["5001"]


def test_the_list_is_ordered_newest_first(viewer):
    make_orders(3, start=5001)
    response = viewer.get(LIST)
    assert [o.order_number for o in response.context["cl"].result_list] == ["5003", "5002", "5001"]


def test_staff_without_the_view_permission_get_403(demo, staff_client):
    make_orders(1)
    pk = CodOrder.objects.get().pk
    for client in (staff_client(), staff_client("cod_plugin.dispatch_cod_orders", "cod_plugin.record_cod_payments")):
        assert client.get(LIST).status_code == 403
        assert client.get(f"{LIST}{pk}/change/").status_code == 403
        assert client.get(f"{LIST}{pk}/voucher/").status_code == 403


def test_each_row_links_to_its_order_page_keeping_the_filters(viewer):
    (order,) = make_orders(1, start=5001, status="confirmed")
    html = viewer.get(f"{LIST}?status__exact=confirmed").content.decode()
    link = f"/admin/cod_plugin/codorder/{order.pk}/change/?_changelist_filters=status__exact%3Dconfirmed"
    assert f'<th class="field-order_number"><a href="{link}">5001</a>' in html


def test_columns_sort(viewer):
    # column 0 is the bulk actions' checkbox, 1 the order number, 2 the channel
    make_orders(1, start=5001)
    make_orders(1, start=5002, channel="channel-ae", country="AE", area="Dubai", currency="AED")
    assert [o.order_number for o in viewer.get(f"{LIST}?o=2").context["cl"].result_list] == ["5002", "5001"]
    assert [o.order_number for o in viewer.get(f"{LIST}?o=-2").context["cl"].result_list] == ["5001", "5002"]
