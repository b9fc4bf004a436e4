"""The COD order page: what it shows, and its actions, each through the same flow as the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from cod_plugin.models import CodOrder, CodPaymentClaim, CodPaymentRecord, CodRefund, CodReturnRequest, Courier
from sandbox.store.models import Order

from ..lifecycle.helpers import confirm, place

PAGE = "/admin/cod_plugin/codorder/{}/change/"
ACTION = "/admin/cod_plugin/codorder/{}/{}/"
JOBS = ("cod_plugin.confirm_cod_orders", "cod_plugin.dispatch_cod_orders", "cod_plugin.record_cod_payments")
STAFF = ("cod_plugin.view_codorder", *JOBS)
WINDOW_FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def order(api, token_for) -> CodOrder:
    """new@example.com's order of 2 t-shirts and headphones to New York: 173.98 + 5.22 fee = 179.20 USD."""
    _, placed = place(api, token_for("new@example.com"))
    return placed


@pytest.fixture
def confirmed(order) -> CodOrder:
    confirm(order)
    return order


@pytest.fixture
def staff(demo, staff_client):
    return staff_client(*STAFF, email="desk@example.com")


def window(days: int) -> dict:
    start = timezone.localtime() + timedelta(days=days)
    return {
        "window_start": start.strftime(WINDOW_FORMAT),
        "window_end": (start + timedelta(hours=2)).strftime(WINDOW_FORMAT),
    }


def act(client, order, action: str, data: dict):
    """Post an action form of the order page and follow the redirect back to it."""
    response = client.post(ACTION.format(order.pk, action), data, follow=True)
    assert response.redirect_chain == [(PAGE.format(order.pk), 302)]
    return response


def shown(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def timeline(order) -> list[tuple[str, str, str, str]]:
    return list(order.events.order_by("pk").values_list("kind", "from_status", "to_status", "actor"))


# --- what the page shows ---------------------------------------------------------------------------------------


def test_the_page_shows_amounts_customer_delivery_claim_payment_and_timeline(staff, confirmed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given an order shipped by a courier, delivered for less than due, with the customer's claim and voucher
    courier = Courier.objects.create(code="fastship", name="FastShip", webhook_secret="s" * 20)
    CodOrder.objects.filter(pk=confirmed.pk).update(
        courier=courier, tracking_number="FS-123", status="delivered", amount_discrepancy=True
    )
    claim = CodPaymentClaim(order=confirmed, reference="RCPT-9", method="cash")
    claim.image.save("voucher.png", ContentFile(b"\x89PNG voucher"), save=True)
    CodPaymentRecord.objects.create(
        order=confirmed, amount=Money("170.00", "USD"), method="cash", receipt="FS-R-1", source="courier"
    )
    # when staff open it
    response = staff.get(PAGE.format(confirmed.pk))
    html = response.content.decode()
    # then it shows the amounts, the customer and address from the store, the delivery, claim and payment
    assert response.status_code == 200
    amounts = dict(response.context["amounts"])
    assert amounts == {
        "Order amount": "$173.98",
        "COD fee": "$5.22",
        "To collect, fee included": "$179.20",
        "Collected (courier’s payment record)": "$170.00",
        "Refunded": "$0.00",
        "Refundable": "$170.00",
    }
    for text in ("new@example.com", "1 Main St", "New York", "FastShip", "FS-123", "RCPT-9", "FS-R-1"):
        assert text in html, text
    assert '<span class="cod-badge">Amount discrepancy</span>' in html
    assert response.context["reschedules_left"] == 2
    # and the timeline, and a link to the voucher image that only staff can open
    assert [(event.what, event.change) for event in response.context["events"]] == [
        ("Order placed", "Pending confirmation"),
        ("Risk assessed", ""),
        ("Confirmed", "Pending confirmation → Confirmed"),
    ]
    voucher = ACTION.format(confirmed.pk, "voucher")
    assert f'href="{voucher}"' in html
    assert b"".join(staff.get(voucher).streaming_content) == b"\x89PNG voucher"
    assert Client().get(voucher).status_code == 302  # to the login page


def test_the_page_shows_refusal_returns_and_refunds(staff, confirmed):
    CodOrder.objects.filter(pk=confirmed.pk).update(status="completed", refusal_reason="", refund_overdue=True)
    request = CodReturnRequest.objects.create(order=confirmed, reason="damaged", status="received")
    CodRefund.objects.create(
        order=confirmed,
        return_request=request,
        amount=Money("50.00", "USD"),
        method="bank_transfer",
        status="paid",
        reference="TR-55",
        idempotency_key="refund-1",
    )
    response = staff.get(PAGE.format(confirmed.pk))
    html = response.content.decode()
    assert dict(response.context["amounts"])["Refunded"] == "$50.00"
    assert "$50.00" in html
    for text in ("Goods received", "Damaged", "Bank transfer", "TR-55", "Refund overdue"):
        assert text in html, text


def test_a_reader_sees_the_page_without_the_actions(demo, staff_client, confirmed):
    reader = staff_client("cod_plugin.view_codorder")
    html = reader.get(PAGE.format(confirmed.pk)).content.decode()
    assert "COD order" in html and 'id="cod-actions"' not in html and '<form method="post" action' not in html


def test_only_the_actions_the_order_can_take_are_offered(staff, confirmed):
    response = staff.get(PAGE.format(confirmed.pk))
    offered = [status for status, _ in response.context["status_actions"]]
    assert offered == ["shipped", "out_for_delivery", "delivered", "refused"]
    assert response.context["can_reschedule"] and not response.context["can_record_payment"]
    assert response.content.decode().count("csrfmiddlewaretoken") >= 5


# --- actions through the flows ---------------------------------------------------------------------------------


def test_ship_with_a_tracking_number(staff, confirmed):
    response = act(staff, confirmed, "status", {"status": "shipped", "tracking_number": " FS-777 "})
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.tracking_number) == ("shipped", "FS-777")
    assert timeline(confirmed)[-1] == ("ship", "confirmed", "shipped", "desk@example.com")
    assert shown(response) == [("success", "The order is now Shipped.")]


def test_out_for_delivery_with_a_window_then_a_failed_attempt_then_a_new_appointment(staff, confirmed):
    act(staff, confirmed, "status", {"status": "out_for_delivery", **window(1)})
    confirmed.refresh_from_db()
    assert confirmed.status == "out_for_delivery" and confirmed.appointment_start is not None
    act(staff, confirmed, "status", {"status": "delivery_failed", "note": "nobody home"})
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.delivery_failures) == ("delivery_failed", 1)
    response = act(staff, confirmed, "reschedule", window(2))
    confirmed.refresh_from_db()
    assert confirmed.reschedules == 1
    assert [kind for kind, *_ in timeline(confirmed)][-3:] == ["out_for_delivery", "delivery_failed", "rescheduled"]
    assert shown(response) == [("success", "Appointment set.")]


def test_delivered_with_the_collected_amount_completes_the_order(staff, confirmed):
    act(staff, confirmed, "status", {"status": "shipped"})
    response = act(
        staff,
        confirmed,
        "status",
        {"status": "delivered", "collected_amount": "179.20", "collection_method": "card", "receipt": "R-1"},
    )
    confirmed.refresh_from_db()
    assert confirmed.status == "completed"
    assert (confirmed.payment.amount, confirmed.payment.method, confirmed.payment.source) == (
        Money("179.20", "USD"),
        "card",
        "courier",
    )
    assert [kind for kind, *_ in timeline(confirmed)][-2:] == ["deliver", "complete"]
    assert Order.objects.get(pk=int(confirmed.order_ref)).status == "paid"
    assert shown(response) == [("success", "The order is now Completed.")]


def test_refused_with_a_reason_then_returned_to_origin(staff, confirmed):
    act(staff, confirmed, "status", {"status": "refused", "reason": "damaged", "note": "box crushed"})
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.refusal_reason, confirmed.refusal_note) == ("refused", "damaged", "box crushed")
    assert Order.objects.get(pk=int(confirmed.order_ref)).status == "canceled"
    act(staff, confirmed, "status", {"status": "returned_to_origin"})
    confirmed.refresh_from_db()
    assert confirmed.status == "returned_to_origin"
    assert [kind for kind, *_ in timeline(confirmed)][-2:] == ["refuse", "return_to_origin"]


def test_record_and_correct_a_payment(staff, confirmed):
    # given a delivered order with no payment record
    act(staff, confirmed, "status", {"status": "delivered"})
    # when staff record a short amount, then it is flagged and stays delivered
    act(staff, confirmed, "payment", {"amount": "170", "method": "cash", "receipt": "R-1"})
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.amount_discrepancy) == ("delivered", True)
    # when they correct it to the amount to collect, then it completes
    response = act(staff, confirmed, "payment", {"amount": "179.20", "method": "cash", "receipt": "R-2"})
    confirmed.refresh_from_db()
    assert confirmed.status == "completed" and confirmed.payment.receipt == "R-2"
    kinds = [kind for kind, *_ in timeline(confirmed)]
    assert kinds[-3:] == ["amount_discrepancy", "payment_corrected", "complete"]
    assert shown(response) == [("success", "Payment record saved; the order is Completed.")]


def test_an_action_the_order_cannot_take_shows_the_flows_error(staff, order):
    # given an order still pending confirmation, when staff try to ship it
    response = act(staff, order, "status", {"status": "shipped", "tracking_number": "FS-1"})
    # then the flow's message is shown and nothing changes
    assert shown(response) == [("error", "An order that is Pending confirmation cannot take “ship”.")]
    order.refresh_from_db()
    assert order.status == "pending_confirmation" and order.tracking_number == ""


def test_the_appointment_limit_shows_its_error(staff, confirmed):
    for days in (1, 2, 3):
        act(staff, confirmed, "reschedule", window(days))
    response = act(staff, confirmed, "reschedule", window(4))
    assert shown(response) == [("error", "The appointment cannot be moved again.")]
    confirmed.refresh_from_db()
    assert confirmed.reschedules == 2


def test_a_refusal_without_a_reason_and_a_half_window_are_refused(staff, confirmed):
    response = act(staff, confirmed, "status", {"status": "refused"})
    assert shown(response) == [("error", "Give a refusal reason.")]
    half = {"status": "out_for_delivery", "window_start": window(1)["window_start"]}
    response = act(staff, confirmed, "status", half)
    assert shown(response) == [("error", "Appointment until: Give both ends of the window, or neither.")]
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"


def test_an_appointment_in_the_past_is_refused(staff, confirmed):
    response = act(staff, confirmed, "reschedule", window(-1))
    assert shown(response) == [("error", "Choose a window in the future that ends after it starts.")]


# --- who may act -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "jobs"),
    [
        ("status", {"status": "shipped"}, ("cod_plugin.dispatch_cod_orders",)),
        (
            "reschedule",
            {"window_start": "2030-01-01T10:00", "window_end": "2030-01-01T12:00"},
            ("cod_plugin.confirm_cod_orders", "cod_plugin.dispatch_cod_orders"),
        ),
        ("payment", {"amount": "1", "method": "cash", "receipt": "R"}, ("cod_plugin.record_cod_payments",)),
    ],
)
def test_every_action_needs_its_job_permission(demo, staff_client, confirmed, action, data, jobs):
    # given staff without the view permission, and staff with it and every order job but this action's
    other_jobs = [job for job in JOBS if job not in jobs]
    for client in (staff_client(*jobs), staff_client("cod_plugin.view_codorder", *other_jobs)):
        assert client.post(ACTION.format(confirmed.pk, action), data).status_code == 403
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed" and confirmed.appointment_start is None
    assert staff_client(*STAFF).get(ACTION.format(confirmed.pk, action)).status_code == 405


def test_an_action_without_the_csrf_token_is_refused(staff, confirmed):
    client = Client(enforce_csrf_checks=True)
    client.cookies = staff.cookies
    page = client.get(PAGE.format(confirmed.pk))
    assert page.status_code == 200
    # when the form is posted without its token, then it is refused and the order stays as it was
    assert client.post(ACTION.format(confirmed.pk, "status"), {"status": "shipped"}).status_code == 403
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"
    # and with it, it goes through
    token = page.context["csrf_token"]
    response = client.post(ACTION.format(confirmed.pk, "status"), {"status": "shipped", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == "shipped"


def test_an_unknown_order_goes_back_to_the_admin(staff):
    response = staff.get(PAGE.format(999999))
    assert response.status_code == 302
    assert staff.post(ACTION.format(999999, "status"), {"status": "shipped"}).status_code == 404


def test_amounts_use_the_currency_minor_units(demo, staff_client):
    from .cod_orders import make_orders

    (kwd,) = make_orders(1, channel="channel-kw", country="KW", area="", currency="KWD")
    CodOrder.objects.filter(pk=kwd.pk).update(amount_to_collect=Decimal("10.5"))
    response = staff_client(*STAFF).get(PAGE.format(kwd.pk))
    assert dict(response.context["amounts"])["To collect, fee included"] == "KWD10.500"
