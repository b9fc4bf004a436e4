"""Issue 8, defects 2 and 3: a courier acts only on the orders handed to it, in the channels it serves, and an agent
(confirmation calls) can neither refuse, record a payment nor complete an order, in the API or the admin."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from strawberry.relay import to_base64

from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, CodPaymentRecord, Courier, CourierEvent
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.auth import create_token
from tests.couriers.conftest import SECRET, place_order, post
from tests.lifecycle.helpers import UPDATE

from .conftest import admin_client

RECORD_PAYMENT = """mutation($id: ID!, $m: MoneyInput!) {
  codOrderRecordPayment(orderId: $id, collectedAmount: $m, method: CASH, receipt: "R-1") { errors { code } }
}"""


def standing(email: str) -> tuple[int, Decimal]:
    profile = CodCustomerProfile.objects.filter(customer_key=f"guest:{email}").first()
    return (profile.strikes, profile.outstanding_penalty.amount) if profile else (0, Decimal(0))


def unchanged(order: CodOrder) -> bool:
    before = order.status, order.courier_id
    order.refresh_from_db()
    return (order.status, order.courier_id) == before and not CodOrderEvent.objects.filter(
        order=order, kind__in=["refuse", "deliver", "ship"]
    ).exists()


@pytest.fixture
def fastship(demo):
    return Courier.objects.create(code="fastship", name="FastShip", webhook_secret=SECRET, channels=["default-channel"])


# --- defect 2: couriers only on their orders ---------------------------------------------------------------------


def test_a_courier_event_for_an_order_without_a_courier_is_an_unknown_order(client, api, fastship, events):
    # given a confirmed order nobody handed to a courier
    order = place_order(api, "ann@example.com")
    # when fastship reports a fake-order refusal on it
    response = post(client, events("refused", order, reason="fake_order", note="nobody ordered"))
    # then it is answered like an order that does not exist, and nothing changed: no courier, no strike, no penalty
    assert response.status_code == 404 and response.json()["status"] == "unknown_order"
    assert unchanged(order) and order.courier_id is None and order.status == CodStatus.CONFIRMED
    assert standing("ann@example.com") == (0, Decimal(0))
    assert list(CourierEvent.objects.values_list("outcome", "order")) == [("unknown_order", None)]


def test_a_courier_event_for_another_couriers_order_is_an_unknown_order(client, api, fastship, events):
    # given an order handed to another courier
    other = Courier.objects.create(
        code="slowship", name="SlowShip", webhook_secret="s" * 20, channels=["default-channel"]
    )
    order = place_order(api, "ann@example.com", courier=other)
    # when fastship refuses it
    response = post(client, events("refused", order, reason="fake_order"))
    # then
    assert response.status_code == 404 and response.json()["status"] == "unknown_order"
    assert unchanged(order) and order.courier_id == other.pk
    assert standing("ann@example.com") == (0, Decimal(0))


def test_a_courier_outside_its_channels_is_not_assigned_and_its_events_are_unknown(client, api, events):
    # given a courier serving only channel-ae, somehow assigned an order of default-channel
    courier = Courier.objects.create(code="fastship", name="FastShip", webhook_secret=SECRET, channels=["channel-ae"])
    order = place_order(api, "ann@example.com")
    CodOrder.objects.filter(pk=order.pk).update(courier=courier)
    order.refresh_from_db()
    # when it reports a refusal
    response = post(client, events("refused", order, reason="fake_order"))
    # then nothing happened to the order
    assert response.status_code == 404 and response.json()["status"] == "unknown_order"
    assert unchanged(order) and standing("ann@example.com") == (0, Decimal(0))


def test_a_courier_with_no_channel_serves_none(client, api, events):
    courier = Courier.objects.create(code="fastship", name="FastShip", webhook_secret=SECRET)
    order = place_order(api, "ann@example.com")
    CodOrder.objects.filter(pk=order.pk).update(courier=courier)
    order.refresh_from_db()
    response = post(client, events("shipped", order))
    assert response.status_code == 404 and unchanged(order)


def test_a_courier_api_account_cannot_update_an_unassigned_order(api, fastship):
    # given fastship's API account and a confirmed order with no courier
    user = get_user_model().objects.create_user("fs@couriers.example", "fs@couriers.example", "x")
    fastship.user = user
    fastship.save()
    order = place_order(api, "ann@example.com")
    # when it reports a refusal through the API
    variables = {"id": to_base64("CodOrder", order.pk), "input": {"status": "REFUSED", "reason": "FAKE_ORDER"}}
    payload = api(UPDATE, variables, token=create_token(user))["codOrderUpdateStatus"]
    # then the order is not found, and nothing changed
    assert [error["code"] for error in payload["errors"]] == ["NOT_FOUND"]
    assert unchanged(order) and standing("ann@example.com") == (0, Decimal(0))


# --- defect 3: agents only confirm ----------------------------------------------------------------------------------


def agent_api_errors(api, agent, query: str, variables: dict) -> list[str]:
    body = api.raw(query, variables, token=create_token(agent))
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def test_an_agent_cannot_refuse_an_order_through_the_api(api, agent):
    order = place_order(api, "ann@example.com")
    variables = {"id": to_base64("CodOrder", order.pk), "input": {"status": "REFUSED", "reason": "FAKE_ORDER"}}
    assert agent_api_errors(api, agent, UPDATE, variables) == ["PERMISSION_DENIED"]
    assert unchanged(order) and standing("ann@example.com") == (0, Decimal(0))


def test_an_agent_cannot_record_a_payment_or_complete_an_order_through_the_api(api, agent):
    # given a pending order
    order = place_order(api, "ann@example.com", confirmed=False)
    amount = {"amount": str(order.amount_to_collect.amount), "currency": "USD"}
    order_id = to_base64("CodOrder", order.pk)
    # when the agent records a payment, and reports it delivered with the cash
    delivered = {"status": "DELIVERED", "collectedAmount": amount, "collectionMethod": "CASH", "receipt": "R-1"}
    answers = [
        agent_api_errors(api, agent, RECORD_PAYMENT, {"id": order_id, "m": amount}),
        agent_api_errors(api, agent, UPDATE, {"id": order_id, "input": delivered}),
    ]
    # then both are refused, and the order is still pending with no payment
    assert answers == [["PERMISSION_DENIED"]] * 2
    assert unchanged(order) and order.status == CodStatus.PENDING_CONFIRMATION
    assert not CodPaymentRecord.objects.exists()


def test_an_agent_cannot_refuse_record_a_payment_or_complete_in_the_admin(api, agent):
    order = place_order(api, "ann@example.com")
    client = admin_client(agent)
    base = f"/admin/cod_plugin/codorder/{order.pk}"
    amount = str(order.amount_to_collect.amount)
    answers = [
        client.post(f"{base}/status/", {"status": "refused", "reason": "fake_order"}).status_code,
        client.post(f"{base}/status/", {"status": "delivered", "collected_amount": amount}).status_code,
        client.post(f"{base}/payment/", {"amount": amount, "method": "cash", "receipt": "R-1"}).status_code,
    ]
    assert answers == [403, 403, 403]
    assert unchanged(order) and not CodPaymentRecord.objects.exists()
    assert standing("ann@example.com") == (0, Decimal(0))


def test_the_order_page_offers_an_agent_no_delivery_or_payment_action(api, agent):
    order = place_order(api, "ann@example.com")
    page = admin_client(agent).get(f"/admin/cod_plugin/codorder/{order.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/codorder/{order.pk}/status/" not in html and f"/codorder/{order.pk}/payment/" not in html


# --- reading orders: the API as the admin -------------------------------------------------------------------------

ORDERS = "{ codOrders(first: 5) { totalCount edges { node { number } } } }"
ORDER = "query($id: ID!) { codOrder(orderId: $id) { number } }"


@pytest.mark.parametrize("email", ["manager@example.com", "support@example.com", "finance@example.com"])
def test_every_cod_group_reads_one_order_and_the_list_in_the_api(api, email):
    order = place_order(api, "ann@example.com")
    token = create_token(get_user_model().objects.get(email=email))
    listed = api(ORDERS, token=token)["codOrders"]
    one = api(ORDER, {"id": to_base64("CodOrder", order.pk)}, token=token)["codOrder"]
    assert [edge["node"]["number"] for edge in listed["edges"]] == [order.order_number]
    assert one == {"number": order.order_number}
