"""Partial COD end to end through the API and the sandbox store: a deposit asked at placing, paid on the store's
page, the rest collected at the door; or never paid, and the order cancelled with nothing owed."""

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from cod_plugin.flows import sweeps
from cod_plugin.models import CodCustomerProfile, CodOrder, Notification
from sandbox.store.models import DepositPayment, Order
from tests.lifecycle.helpers import UPDATE, confirm, staff_token

from .conftest import DEPOSIT, ORDER, TOTAL, ask_deposits, pay_path, place_with_deposit

REST = TOTAL - DEPOSIT


def kinds(order):
    return list(Notification.objects.filter(order=order).order_by("pk").values_list("kind", flat=True))


def test_a_deposit_paid_on_the_store_page_lets_the_order_go_on_and_the_rest_is_collected(api, token_for):
    # given a channel that asks a deposit of every cart, and a new customer's order
    ask_deposits()
    customer = token_for("new@example.com")
    checked = []
    order_id, order = place_with_deposit(api, customer, eligibility=checked)
    # then the checkout was eligible with a deposit, and the door collects the rest
    assert checked == [
        {
            "isEligible": True,
            "amountToCollect": {"amount": str(TOTAL)},
            "deposit": {"required": True, "amount": {"amount": str(DEPOSIT), "currency": "USD"}},
        }
    ]
    # and the order waits for the deposit, the rest is what the courier will collect, the store has a payment
    node = api(ORDER, {"id": order_id}, token=customer)["codOrder"]
    assert node["status"] == "AWAITING_DEPOSIT" and node["amountToCollect"] == {"amount": str(REST)}
    assert node["deposit"]["amount"] == {"amount": str(DEPOSIT), "currency": "USD"}
    assert node["deposit"]["status"] == "PENDING" and node["deposit"]["paidAt"] is None
    assert node["deposit"]["payUrl"].endswith(f"/pay/{DepositPayment.objects.get(order_id=order.order_ref).token}/")
    # and the customer's message is the deposit's, not yet the confirmation's
    assert kinds(order) == ["deposit_request"]
    assert node["deposit"]["payUrl"] in Notification.objects.get(order=order).body
    # when the customer pays on the store's page
    page = Client()
    assert b"35.84" in page.get(pay_path(order)).content
    paid = page.post(pay_path(order))
    assert paid.status_code == 200 and b"Paid." in paid.content
    # then the store's payment is paid, the order goes on to its confirmation and that message goes out
    assert DepositPayment.objects.get(order_id=order.order_ref).status == "paid"
    node = api(ORDER, {"id": order_id}, token=customer)["codOrder"]
    assert node["status"] == "PENDING_CONFIRMATION" and node["deposit"]["status"] == "PAID"
    assert kinds(order) == ["deposit_request", "confirmation_request"]
    assert f"${REST}" in Notification.objects.get(order=order, kind="confirmation_request").body
    # when it is confirmed and delivered with the rest collected
    confirm(order)
    delivered = api(
        UPDATE,
        {
            "id": order_id,
            "input": {"status": "DELIVERED", "collectedAmount": {"amount": str(REST), "currency": "USD"}},
        },
        token=staff_token(),
    )["codOrderUpdateStatus"]
    # then it completes: the rest was the whole amount to collect
    assert delivered["errors"] == [] and delivered["order"]["status"] == "COMPLETED"
    assert Order.objects.get(pk=order.order_ref).status == "paid"
    assert CodCustomerProfile.objects.get(customer_key=order.customer_key).completed_orders == 1


def test_the_whole_total_at_the_door_is_not_the_amount_to_collect(api, token_for):
    ask_deposits()
    order_id, order = place_with_deposit(api, token_for("new@example.com"))
    Client().post(pay_path(order))
    confirm(order)
    delivered = api(
        UPDATE,
        {
            "id": order_id,
            "input": {"status": "DELIVERED", "collectedAmount": {"amount": str(TOTAL), "currency": "USD"}},
        },
        token=staff_token(),
    )["codOrderUpdateStatus"]
    # the deposit is not collected twice: more than the rest is refused, and the order stays where it was
    assert delivered["errors"] == [
        {"field": "collectedAmount", "code": "INVALID", "message": f"The amount can be at most ${REST}."}
    ]
    assert CodOrder.objects.get(pk=order.pk).status == "confirmed"


def test_a_deposit_never_paid_cancels_the_order_and_nothing_is_owed(api, token_for):
    ask_deposits()
    customer = token_for("new@example.com")
    order_id, order = place_with_deposit(api, customer)
    # when the deadline passes and the sweep runs
    later = order.deposit.expires_at + timedelta(seconds=1)
    assert sweeps.expire_deposits(now=later) == 1
    # then the order is cancelled for that reason, the store's order with it, and the customer owes nothing
    order = CodOrder.objects.get(pk=order.pk)
    assert order.status == "cancelled"
    assert order.events.get(kind="cancel").reason == "deposit_expired"
    assert Order.objects.get(pk=order.order_ref).status == "canceled"
    profile = CodCustomerProfile.objects.get(customer_key=order.customer_key)
    assert (profile.strikes, profile.outstanding_penalty.amount) == (0, Decimal(0))
    assert api(ORDER, {"id": order_id}, token=customer)["codOrder"]["deposit"]["status"] == "EXPIRED"
    # and a payment made on the page afterwards is refused and given back
    page = Client().post(pay_path(order))
    assert b"This order no longer waits for its deposit" in page.content
    payment = DepositPayment.objects.get(order_id=order.order_ref)
    assert (payment.status, payment.refunded) == ("refunded", DEPOSIT)
    assert timezone.now() < later  # the sweep was told the time; nothing waited for it
