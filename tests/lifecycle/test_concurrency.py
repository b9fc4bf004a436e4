"""On PostgreSQL, many simultaneous requests about one order change it once: one claim, one payment, one completion.

Each caller is a thread with its own test client and its own database connection; a barrier releases them together.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections, transaction

from cod_plugin.flows import delivery, lifecycle
from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, CodPaymentClaim, CodPaymentRecord
from cod_plugin.money import round_money
from cod_plugin.rules.lifecycle import Event
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.auth import create_token
from sandbox.store.models import Order
from tests.graphql.conftest import FIXTURES, Api
from tests.workers import tasks_run_here

from .helpers import place, staff_token

CALLERS = 50
MARK_PAID = """mutation($id: ID!, $v: CodVoucherInput!) {
  codOrderMarkPaid(orderId: $id, voucher: $v, method: CASH) {
    order { status claim { reference method } } errors { field code message }
  }
}"""
UPDATE = """mutation($id: ID!, $input: CodStatusUpdateInput!) {
  codOrderUpdateStatus(orderId: $id, input: $input) {
    order { status payment { amount { amount currency } receipt } } errors { field code message }
  }
}"""

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def customer_token() -> str:
    return create_token(get_user_model().objects.get(email="new@example.com"))


def placed_order(status: str) -> tuple[str, CodOrder]:
    """A new customer's order, placed through the API and moved to ``status`` (CONFIRMED or OUT_FOR_DELIVERY)."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    with tasks_run_here():  # the confirmation message is sent here, not left on the environment's broker
        order_id, order = place(Api(), customer_token())
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(order.pk), Event.CONFIRM, actor="agent")
    if status == CodStatus.OUT_FOR_DELIVERY:
        delivery.update_status(order.pk, delivery.StatusUpdate(status=status), actor="agent")
    return order_id, order


def all_at_once(call, count=CALLERS) -> list[dict]:
    """``call(i)`` in ``count`` threads released together; each closes its own database connection."""
    barrier = Barrier(count)

    def run(i):
        try:
            barrier.wait()
            return call(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_simultaneous_paid_clicks_make_one_claim(postgres):
    # given an order out for delivery
    order_id, order = placed_order(CodStatus.OUT_FOR_DELIVERY)
    token = customer_token()
    # when its customer clicks "Paid" fifty times at once, each time with another receipt number
    bodies = all_at_once(lambda i: Api().raw(MARK_PAID, {"id": order_id, "v": {"reference": f"RCPT-{i}"}}, token=token))
    # then no request failed, and every one was answered with the same single claim
    assert [body.get("errors") for body in bodies] == [None] * CALLERS, bodies
    payloads = [body["data"]["codOrderMarkPaid"] for body in bodies]
    assert [p["errors"] for p in payloads] == [[]] * CALLERS, payloads
    claim = CodPaymentClaim.objects.get(order=order)
    assert {p["order"]["claim"]["reference"] for p in payloads} == {claim.reference}
    assert {p["order"]["status"] for p in payloads} == {"OUT_FOR_DELIVERY"}
    assert CodOrderEvent.objects.filter(order=order, kind="paid_claimed").count() == 1
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.OUT_FOR_DELIVERY  # a claim completes nothing


def test_fifty_simultaneous_deliveries_complete_the_order_once(postgres):
    # given a confirmed order and a customer with no completed COD order
    order_id, order = placed_order(CodStatus.CONFIRMED)
    profile = CodCustomerProfile.objects.get(customer_key=order.customer_key)
    staff = staff_token()
    due = order.amount_to_collect
    collected = {"amount": str(round_money(due.amount, str(due.currency))), "currency": str(due.currency)}
    update = {
        "status": "DELIVERED",
        "collectedAmount": collected,
        "collectionMethod": "CASH",
    }
    # when staff report it delivered, with the full amount collected, fifty times at once
    bodies = all_at_once(
        lambda i: Api().raw(UPDATE, {"id": order_id, "input": {**update, "receipt": f"R-{i}"}}, token=staff)
    )
    # then no request failed: one completed the order, the others were told it can no longer be delivered
    assert [body.get("errors") for body in bodies] == [None] * CALLERS, bodies
    payloads = [body["data"]["codOrderUpdateStatus"] for body in bodies]
    applied = [p for p in payloads if not p["errors"]]
    assert len(applied) == 1, applied
    assert applied[0]["order"]["status"] == "COMPLETED"
    assert applied[0]["order"]["payment"]["amount"] == collected
    refused = [p for p in payloads if p["errors"]]
    assert [(p["order"], [e["code"] for e in p["errors"]]) for p in refused] == [(None, ["INVALID_TRANSITION"])] * (
        CALLERS - 1
    )
    # and the order holds one payment record, one delivery and one completion, and counts once for the customer
    order.refresh_from_db()
    assert order.status == CodStatus.COMPLETED
    record = CodPaymentRecord.objects.get(order=order)
    assert record.amount == due and record.receipt == applied[0]["order"]["payment"]["receipt"]
    kinds = list(CodOrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert (kinds.count("deliver"), kinds.count("complete")) == (1, 1), kinds
    profile_after = CodCustomerProfile.objects.get(pk=profile.pk)
    assert profile_after.completed_orders == profile.completed_orders + 1
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.PAID
