"""``codOrder { deposit }``: for the order's customer and staff who read orders, null for its courier and for an
order without one; read with the order, so a page of orders costs the same queries however many have deposits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from cod_plugin import api as cod_api
from cod_plugin.flows import delivery, lifecycle
from cod_plugin.models import CodOrder, CodPolicy
from cod_plugin.rules.risk import Action
from tests.graphql.factories import big_checkout
from tests.graphql.test_checkout_complete import COMPLETE
from tests.lifecycle.helpers import confirm, courier_token, place, staff_token

from .conftest import DEPOSIT, DEPOSIT_FIELDS, ORDER, ask_deposits, place_with_deposit

LIST = f"query {{ codOrders(first: 100) {{ totalCount edges {{ node {{ status {DEPOSIT_FIELDS} }} }} }} }}"


def count_queries(api, query, variables, token) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = api(query, variables, token=token)
    return len(captured), data


def test_the_customer_and_staff_read_the_deposit(api, token_for):
    ask_deposits()
    customer = token_for("new@example.com")
    order_id, _ = place_with_deposit(api, customer)
    for token in (customer, staff_token()):
        deposit = api(ORDER, {"id": order_id}, token=token)["codOrder"]["deposit"]
        assert deposit["amount"]["amount"] == str(DEPOSIT) and deposit["status"] == "PENDING"
        assert deposit["refunded"] == {"amount": "0.00"}
    # another customer does not see the order at all
    assert api(ORDER, {"id": order_id}, token=token_for("trusted@example.com"))["codOrder"] is None


def test_the_courier_reads_the_amount_to_collect_not_the_deposit(api, token_for):
    ask_deposits()
    order_id, order = place_with_deposit(api, token_for("new@example.com"))
    api_order = CodOrder.objects.get(pk=order.pk)
    cod_api.deposit_paid(api_order.order_ref)
    confirm(order)
    courier, token = courier_token()
    with lifecycle.transaction.atomic():
        CodOrder.objects.filter(pk=order.pk).update(courier=courier)
    delivery.update_status(order.pk, delivery.StatusUpdate(status="shipped"), actor="agent")
    node = api(ORDER, {"id": order_id}, token=token)["codOrder"]
    assert node["deposit"] is None
    assert node["amountToCollect"]["amount"] == str(api_order.amount_to_collect.amount.quantize(DEPOSIT))


def test_an_order_without_a_deposit_reads_null(api, token_for):
    order_id, _ = place(api, token_for("new@example.com"))
    assert api(ORDER, {"id": order_id}, token=staff_token())["codOrder"]["deposit"] is None


def test_the_order_list_reads_deposits_in_a_fixed_number_of_queries(api, token_for):
    ask_deposits()
    # the same customer ordering again and again looks risky: every band asks a deposit rather than refusing
    CodPolicy.objects.filter(channel="default-channel").update(
        risk_action_high=Action.DEPOSIT, risk_action_very_high=Action.DEPOSIT
    )
    customer, staff = token_for("new@example.com"), staff_token()
    counts = {}
    for size in (1, 4):
        while CodOrder.objects.count() < size:
            place_with_deposit(api, customer, {"TSHIRT-001": 1})
        counts[size], data = count_queries(api, LIST, {}, staff)
        assert [edge["node"]["deposit"]["status"] for edge in data["codOrders"]["edges"]] == ["PENDING"] * size
    assert counts[1] == counts[4], counts


def test_placing_with_a_deposit_takes_a_fixed_number_of_queries(api, token_for):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite splits bulk inserts of large carts into batches")
    ask_deposits()
    token = token_for("new@example.com")
    counts = {}
    for size in (1, 10, 100):
        checkout_id = to_base64("Checkout", big_checkout(size).token)
        counts[size], data = count_queries(api, COMPLETE, {"id": checkout_id, "terms": 1}, token)
        assert data["codCheckoutComplete"]["order"]["status"] == "AWAITING_DEPOSIT"
    assert len(set(counts.values())) == 1, counts
