"""The COD orders list and order page as a new merchant reads them: names rather than codes and slugs, every
courier, the orders' own regions, sortable dates, one format for money and dates, and words in Arabic too."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from djmoney.money import Money

from cod_plugin import formatting
from cod_plugin.models import CodOrder, CodOrderEvent, CodPaymentRecord, CodRefund, Courier

from ..lifecycle.helpers import confirm, place
from .cod_orders import make_orders
from .test_orders_detail import STAFF

LIST = "/admin/cod_plugin/codorder/"
PAGE = "/admin/cod_plugin/codorder/{}/change/"


@pytest.fixture
def viewer(demo, staff_client):
    return staff_client("cod_plugin.view_codorder")


@pytest.fixture
def courier(demo):
    return Courier.objects.create(
        code="fastship", name="FastShip", webhook_secret="s" * 20, channels=["default-channel"]
    )


def listed(client, query: str = "") -> list[str]:
    return [order.order_number for order in client.get(f"{LIST}?{query}").context["cl"].result_list]


def cells(html: str, column: str) -> list[str]:
    return re.findall(rf'<td class="field-{column}">(.*?)</td>', html)


# --- the list ----------------------------------------------------------------------------------------------------


def test_the_region_filter_offers_the_regions_of_the_orders_by_name(viewer):
    # given orders to regions no policy names (US/IL, KW/Capital), and none to AE/Abu Dhabi, which a policy covers
    make_orders(1, start=5001, area="IL")
    make_orders(1, start=5002, channel="channel-kw", country="KW", area="Capital", currency="KWD")
    html = viewer.get(LIST).content.decode()
    # then the filter offers the orders' regions, readable, and not the policies'
    assert '<a href="?region=US%2FIL">United States — IL</a>' in html
    assert '<a href="?region=KW%2FCapital">Kuwait — Capital</a>' in html
    assert '<a href="?region=KW">Kuwait</a>' in html
    assert "region=AE" not in html
    assert listed(viewer, "region=KW%2FCapital") == ["5002"]


def test_the_list_takes_as_many_queries_for_300_orders_as_for_30(viewer, courier, django_assert_max_num_queries):
    make_orders(30, start=5001, area="IL", courier=courier)
    with CaptureQueriesContext(connection) as few:
        viewer.get(LIST)
    make_orders(300, start=6001, channel="channel-kw", country="KW", area="Capital", currency="KWD")
    with django_assert_max_num_queries(len(few)):
        response = viewer.get(LIST)
    assert len(response.context["cl"].result_list) == 100


def test_the_courier_filter_lists_every_courier_and_no_courier(viewer, courier):
    # given a courier with orders, one that has none yet, and an order with no courier
    idle = Courier.objects.create(code="idle", name="Idle Express", webhook_secret="s" * 20)
    make_orders(1, start=5001, courier=courier)
    make_orders(1, start=5002)
    html = viewer.get(LIST).content.decode()
    # then each courier and "No courier" can be chosen
    assert f'<a href="?courier__id__exact={idle.pk}">Idle Express</a>' in html
    assert f'<a href="?courier__id__exact={courier.pk}">FastShip</a>' in html
    assert '<a href="?courier__isnull=True">No courier</a>' in html
    assert listed(viewer, f"courier__id__exact={idle.pk}") == []
    assert listed(viewer, "courier__isnull=True") == ["5002"]


def test_the_courier_shows_on_the_list(viewer, courier):
    make_orders(1, start=5001, courier=courier, status="shipped", tracking_number="FS-1")
    make_orders(1, start=5002)
    html = viewer.get(LIST).content.decode()
    assert cells(html, "courier") == ["-", "FastShip"]


def test_every_date_column_sorts(viewer):
    # given three orders whose appointments run the other way round from their creation
    orders = make_orders(3, start=5001, status="out_for_delivery")
    now = timezone.now()
    for index, order in enumerate(orders):
        start = now + timedelta(days=index + 1)
        CodOrder.objects.filter(pk=order.pk).update(
            appointment_start=start, appointment_end=start + timedelta(hours=2), created_at=now - timedelta(days=index)
        )
    html = viewer.get(LIST).content.decode()
    columns = re.findall(r'<th scope="col" class="([^"]*)"', html)
    # (the admin numbers its columns from 0 in the sorting parameter)
    appointment = next(i for i, c in enumerate(columns) if "column-appointment" in c)
    created = next(i for i, c in enumerate(columns) if "column-created" in c)
    assert "sortable" in columns[appointment] and "sortable" in columns[created]
    # then each sorts by its own date, either way
    assert listed(viewer, f"o={appointment}") == ["5001", "5002", "5003"]
    assert listed(viewer, f"o=-{appointment}") == ["5003", "5002", "5001"]
    assert listed(viewer, f"o={created}") == ["5003", "5002", "5001"]
    assert listed(viewer, f"o=-{created}") == ["5001", "5002", "5003"]


def test_list_dates_and_amounts_are_in_the_one_format_of_the_language(viewer):
    (order,) = make_orders(1, start=5001, currency="IDR", channel="channel-id", country="ID", area="Jakarta")
    start = timezone.now() + timedelta(days=1)
    CodOrder.objects.filter(pk=order.pk).update(
        amount_to_collect=Money("1505600", "IDR"), appointment_start=start, appointment_end=start + timedelta(hours=4)
    )
    order.refresh_from_db()
    for language in ("en", "ar"):
        html = viewer.get(LIST, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        with translation.override(language):
            assert cells(html, "created") == [formatting.datetime(order.created_at)]
            assert cells(html, "to_collect") == [formatting.money(order.amount_to_collect.amount, "IDR")]
            assert cells(html, "appointment")[0].startswith(formatting.datetime(order.appointment_start))
    assert cells(viewer.get(LIST).content.decode(), "to_collect") == ["IDR1,505,600.00"]


# --- the order page ----------------------------------------------------------------------------------------------


@pytest.fixture
def shipped(api, token_for, courier):
    """new@example.com's order, confirmed by an agent, handed to FastShip, shipped by dispatch, reported out for
    delivery by the courier's webhook, checked by the system."""
    _, order = place(api, token_for("new@example.com"))
    confirm(order)
    user_model = get_user_model()
    user_model.objects.create_user("dana@example.com", "dana@example.com", "x", first_name="Dana", last_name="Desk")
    user_model.objects.filter(username="dana@example.com").update(is_staff=True)
    CodOrder.objects.filter(pk=order.pk).update(courier=courier, tracking_number="FS-123", status="out_for_delivery")
    events = [
        ("ship", "confirmed", "shipped", "dana@example.com", ""),
        ("out_for_delivery", "shipped", "out_for_delivery", "courier:fastship", ""),
        ("confirmation_overdue", "", "", "system", ""),
    ]
    CodOrderEvent.objects.bulk_create(
        CodOrderEvent(order=order, kind=kind, from_status=before, to_status=after, actor=actor, reason=reason)
        for kind, before, after, actor, reason in events
    )
    return order


def timeline_rows(html: str) -> list[list[str]]:
    table = html[html.index('id="cod-timeline"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)]


def test_the_page_shows_words_not_codes(demo, staff_client, shipped):
    html = staff_client(*STAFF).get(PAGE.format(shipped.pk)).content.decode()
    # no code, key or slug shows through
    for raw in ("customer:", "(new)", "(en)", ">placed<", ">confirm<", "out_for_delivery<", "default-channel"):
        assert raw not in html, raw
    assert "unconfirmed" not in html
    # but the customer by email with their tier, the terms' language by name, the channel by the store's name
    for text in ("new@example.com", "New customer", "version 1 (English)", "Channel Default channel (US)"):
        assert text in html, text
    # and the courier with its tracking number
    delivery = html[html.index('id="cod-delivery"') :]
    assert "FastShip" in delivery[: delivery.index("</table>")] and "FS-123" in delivery


def test_the_timeline_tells_who_did_what_and_when(demo, staff_client, shipped):
    html = staff_client(*STAFF).get(PAGE.format(shipped.pk)).content.decode()
    events = list(shipped.events.order_by("created_at", "pk"))
    rows = timeline_rows(html)
    # oldest first, each with its time in the one format, what happened in words, and who did it
    assert [row[0] for row in rows] == [formatting.datetime(event.created_at) for event in events]
    assert [(row[1], row[3]) for row in rows] == [
        ("Order placed", "Customer"),
        ("Risk assessed", "Customer"),
        ("Confirmed", "agent"),
        ("Shipped", "Dana Desk"),
        ("Out for delivery", "Courier FastShip"),
        ("Confirmation overdue", "System"),
    ]
    assert rows[3][2] == "Confirmed → Shipped"


def test_the_arabic_page_has_no_english_status_words(demo, staff_client, shipped):
    html = staff_client(*STAFF).get(PAGE.format(shipped.pk), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    rows = timeline_rows(html)
    with translation.override("ar"):
        confirmed = str(translation.gettext("Confirmed"))
    assert confirmed != "Confirmed"
    # the timeline's kinds are words of the page's language, never the stored codes
    assert rows[2][1] == confirmed
    assert ">confirm<" not in html and "unconfirmed" not in html


def test_status_buttons_say_what_they_do(demo, staff_client, shipped):
    client = staff_client(*STAFF)
    html = client.get(PAGE.format(shipped.pk)).content.decode()
    buttons = re.findall(r'<input type="submit" value="([^"]*)"', html)
    assert "Delivery failed — set a new appointment" in buttons and "Mark delivered" in buttons
    assert not any(button.startswith("Mark as") for button in buttons)
    CodOrder.objects.filter(pk=shipped.pk).update(status="confirmed")
    buttons = re.findall(r'<input type="submit" value="([^"]*)"', client.get(PAGE.format(shipped.pk)).content.decode())
    assert "Mark shipped" in buttons and "Mark out for delivery" in buttons


def test_the_money_box_shows_collected_refunded_and_refundable(demo, staff_client, shipped):
    # given 179.20 collected by the courier, a paid refund of 50 and a pending one of 20
    CodOrder.objects.filter(pk=shipped.pk).update(status="completed")
    CodPaymentRecord.objects.create(
        order=shipped, amount=Money("179.20", "USD"), method="cash", receipt="R-1", source="courier"
    )
    for key, amount, status in (("r1", "50.00", "paid"), ("r2", "20.00", "pending")):
        CodRefund.objects.create(
            order=shipped, amount=Money(amount, "USD"), method="cash", status=status, idempotency_key=key
        )
    response = staff_client(*STAFF).get(PAGE.format(shipped.pk), HTTP_ACCEPT_LANGUAGE="ar")
    with translation.override("ar"):
        expected = {
            "collected": formatting.money(Decimal("179.20"), "USD"),
            "refunded": formatting.money(Decimal("50.00"), "USD"),
            "refundable": formatting.money(Decimal("109.20"), "USD"),
        }
    values = [value for _, value in response.context["amounts"]]
    assert values[3:] == [expected["collected"], expected["refunded"], expected["refundable"]]
    assert "remitted" not in response.content.decode().lower()
    # the payment record reads in the page's format too, not as str(Money)
    payment = response.content.decode()
    payment = payment[payment.index('id="cod-payment"') :]
    assert expected["collected"] in payment and "US$179.20" not in payment and "$179.20" not in payment


def test_the_page_before_anything_is_collected_shows_no_refundable_amount(demo, staff_client, shipped):
    amounts = dict(staff_client(*STAFF).get(PAGE.format(shipped.pk)).context["amounts"])
    assert amounts["Collected (courier’s payment record)"] == "—" and amounts["Refundable"] == "—"
    assert amounts["To collect, fee included"] == "$179.20"
