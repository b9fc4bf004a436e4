"""The COD overview on a known data set: today's orders per status, the 30-day rates and the refusal reasons."""

import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from admin_ui.overview import start_of_today
from cod_plugin import formatting
from cod_plugin.models import CodOrder

from .cod_orders import make_moves, make_orders

OVERVIEW = "/admin/cod_admin_ui/codoverview/"
VIEWER = ("cod_admin_ui.view_codoverview",)


@pytest.fixture
def viewer(demo, staff_client):
    return staff_client(*VIEWER)


def backdate(orders, days: int) -> list[CodOrder]:
    CodOrder.objects.filter(pk__in=[o.pk for o in orders]).update(created_at=timezone.now() - timedelta(days=days))
    return orders


@pytest.fixture
def known_data(demo):
    """Today: 3 pending, 2 confirmed, 1 cancelled. Over the last 30 days (orders placed 10 days ago): 8 confirmed
    and 2 cancelled from pending; 5 delivered (3 of them then completed), 3 refused (1 then returned), 1 failed
    delivery returned to origin. 40 days ago: 4 cancelled from pending, outside the window. One channel-ae order."""
    make_orders(3, start=1001)
    make_orders(2, start=1011, status="confirmed")
    make_orders(1, start=1021, status="cancelled")
    ago = timezone.now() - timedelta(days=10)
    confirmed = backdate(make_orders(8, start=2001, status="confirmed"), 10)
    make_moves(confirmed, [("pending_confirmation", "confirmed")], at=ago)
    make_moves(backdate(make_orders(2, start=2101, status="cancelled"), 10), [("pending_confirmation", "cancelled")])
    delivered, refused, failed = confirmed[:5], confirmed[5:7], confirmed[7:]
    make_moves(delivered, [("confirmed", "delivered")], at=ago)
    make_moves(delivered[:3], [("delivered", "completed")], at=ago)
    make_moves(refused[:1], [("confirmed", "refused")], at=ago, reason="damaged")
    make_moves(
        refused[1:], [("confirmed", "refused"), ("refused", "returned_to_origin")], at=ago, reason="changed_mind"
    )
    make_moves(failed, [("out_for_delivery", "delivery_failed"), ("delivery_failed", "returned_to_origin")], at=ago)
    another = backdate(make_orders(1, start=2201, status="confirmed"), 10)
    make_moves(another, [("confirmed", "refused")], at=ago, reason="changed_mind")
    old = backdate(make_orders(4, start=3001, status="cancelled"), 40)
    make_moves(old, [("pending_confirmation", "cancelled")], at=timezone.now() - timedelta(days=40))
    ae = backdate(make_orders(1, start=4001, channel="channel-ae", country="AE", currency="AED"), 5)
    make_moves(ae, [("pending_confirmation", "confirmed")], at=timezone.now() - timedelta(days=5))


def figures(response) -> dict:
    context = response.context
    return {
        "today": {bar.label: bar.value for bar in context["today"] if bar.value},
        "rates": {str(label): (rate.numerator, rate.denominator, rate.percent) for label, rate in context["rates"]},
        "refusals": [(bar.label, bar.value) for bar in context["refusals"]],
    }


def test_the_overview_counts_a_known_data_set(viewer, known_data):
    response = viewer.get(OVERVIEW)
    assert response.status_code == 200
    # refused: damaged (1), changed mind (2, one of them another order); the 9 at the door are 5 delivered,
    # 3 refused, 1 returned after a failed attempt
    assert figures(response) == {
        "today": {"Pending confirmation": 3, "Confirmed": 2, "Cancelled": 1},
        "rates": {"Confirmation rate": (9, 11, Decimal("81.8")), "Sign-off rate": (5, 9, Decimal("55.6"))},
        "refusals": [("Changed mind", 2), ("Damaged", 1)],
    }


def test_the_numbers_are_on_the_page_as_text_and_as_bars(viewer, known_data):
    html = viewer.get(OVERVIEW).content.decode()
    assert "Today (" in html and ": 6 orders</h2>" in html
    assert "81.8%" in html and "9 of 11" in html and "55.6%" in html and "5 of 9" in html
    # bars are inline SVG drawn on the server, the largest full width; no script and no CDN
    assert '<rect width="100.0" height="14"></rect>' in html  # pending, the most frequent status today
    assert '<rect width="66.7" height="14"></rect>' in html  # confirmed today: 2 of 3
    assert '<rect width="81.8" height="14"></rect>' in html
    assert '<script src="http' not in html and "cdn" not in html.lower()


def test_the_channel_filter(viewer, known_data):
    response = viewer.get(f"{OVERVIEW}?channel=channel-ae")
    assert figures(response) == {
        "today": {},
        "rates": {"Confirmation rate": (1, 1, Decimal("100.0")), "Sign-off rate": (0, 0, None)},
        "refusals": [],
    }
    assert '<option value="channel-ae" selected>' in response.content.decode()
    # an unknown channel shows every channel
    assert figures(viewer.get(f"{OVERVIEW}?channel=nope"))["rates"]["Confirmation rate"] == (9, 11, Decimal("81.8"))


def test_today_is_the_local_date(viewer):
    # given a store in UTC+14, an order placed at local midnight and one a second before it
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Kiritimati")):
        midnight = start_of_today()
        (today,) = make_orders(1, start=1001)
        (yesterday,) = make_orders(1, start=1002, status="confirmed")
        CodOrder.objects.filter(pk=today.pk).update(created_at=midnight)
        CodOrder.objects.filter(pk=yesterday.pk).update(created_at=midnight - timedelta(seconds=1))
        # then today's count has the first only
        assert figures(viewer.get(OVERVIEW))["today"] == {"Pending confirmation": 1}


def test_an_empty_store_shows_no_rate(viewer):
    response = viewer.get(OVERVIEW)
    assert figures(response)["rates"] == {"Confirmation rate": (0, 0, None), "Sign-off rate": (0, 0, None)}
    assert "No refusals." in response.content.decode()


def test_the_overview_needs_its_view_permission(demo, staff_client):
    for client in (staff_client(), staff_client("cod_plugin.view_codorder", "cod_plugin.manage_cod_settings")):
        assert client.get(OVERVIEW).status_code == 403
    viewer = staff_client(*VIEWER)
    assert viewer.get(f"{OVERVIEW}add/").status_code == 404
    assert 'href="/admin/cod_admin_ui/codoverview/"' in viewer.get("/admin/").content.decode()


def test_the_overview_names_channels_and_dates_in_one_format(viewer, known_data):
    html = viewer.get(OVERVIEW).content.decode()
    assert '<option value="channel-ae">United Arab Emirates</option>' in html and ">channel-ae<" not in html
    assert f"Today ({formatting.date(timezone.localdate())})" in html
