"""The admin: the order page's deposit panel, the status among the list's filters, and the sandbox store's
"Mark paid" for a deposit payment made elsewhere."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.models import CodOrder
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import DepositPayment
from tests.lifecycle.helpers import place

from .conftest import ask_deposits, place_with_deposit

PAGE = "/admin/cod_plugin/codorder/{}/change/"
PAYMENTS = "/admin/store/depositpayment/"


def test_the_order_page_shows_the_deposit_waiting_with_its_pay_page(api, token_for, staff_client):
    ask_deposits()
    _, order = place_with_deposit(api, token_for("new@example.com"))
    html = staff_client("cod_plugin.view_codorder").get(PAGE.format(order.pk)).content.decode()
    assert 'id="cod-deposit"' in html and "$35.84" in html
    assert "Waiting for the customer&#x27;s payment" in html
    assert CodOrder.objects.select_related("deposit").get(pk=order.pk).deposit.pay_url in html
    assert "Awaiting the deposit" in html  # the status, in words


def test_the_order_page_without_a_deposit_has_no_panel_and_no_query_for_it(api, token_for, staff_client):
    _, plain = place(api, token_for("new@example.com"))
    client = staff_client("cod_plugin.view_codorder")
    with CaptureQueriesContext(connection) as without:
        html = client.get(PAGE.format(plain.pk)).content.decode()
    assert 'id="cod-deposit"' not in html
    ask_deposits()
    _, with_deposit = place_with_deposit(api, token_for("trusted@example.com"))
    with CaptureQueriesContext(connection) as with_one:
        client.get(PAGE.format(with_deposit.pk))
    assert len(with_one) == len(without)  # the deposit comes with the order


def test_the_list_filters_orders_awaiting_their_deposit(api, token_for, staff_client):
    ask_deposits()
    _, order = place_with_deposit(api, token_for("new@example.com"))
    client = staff_client("cod_plugin.view_codorder")
    html = client.get(f"/admin/cod_plugin/codorder/?status__exact={CodStatus.AWAITING_DEPOSIT}").content.decode()
    assert "Awaiting the deposit" in html and order.order_number in html


def test_staff_mark_a_deposit_paid_in_the_store_admin_and_the_order_goes_on(api, token_for, superuser_client):
    ask_deposits()
    _, order = place_with_deposit(api, token_for("new@example.com"))
    payment = DepositPayment.objects.get(order_id=order.order_ref)
    response = superuser_client.post(PAYMENTS, {"action": "mark_paid", "_selected_action": [payment.pk]}, follow=True)
    assert f"{payment}: paid." in response.content.decode()
    assert DepositPayment.objects.get(pk=payment.pk).status == "paid"
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.PENDING_CONFIRMATION
