"""On PostgreSQL, refunds sent twice or twenty at once make one refund; nothing is ever refunded beyond what was paid.

Each caller is a thread with its own test client and database connection; a barrier releases them together.
"""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cod_plugin.flows import refunds
from cod_plugin.models import CodOrder, CodOrderEvent, CodRefund, CodReturnRequest
from sandbox.store.auth import create_token
from tests.graphql.conftest import FIXTURES, Api
from tests.lifecycle.test_concurrency import all_at_once
from tests.workers import tasks_run_here

from .helpers import APPROVE, CUSTOMER, RECEIVE, REFUND, REJECT, REQUEST, codes, completed_order, support_token

CALLERS = 20
FULL = {"amount": "179.20", "currency": "USD"}

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def completed(postgres) -> tuple[str, CodOrder, str]:
    """A completed order of 179.20 and a support person's token, committed for every thread to see."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    customer = create_token(get_user_model().objects.get(email=CUSTOMER))
    with tasks_run_here():  # the confirmation message is sent here, not left on the environment's broker
        order_id, order = completed_order(Api(), customer)
    return order_id, order, support_token()


def refund_request(order_id: str, key: str, amount=FULL, **extra) -> dict:
    return {"id": order_id, "amount": amount, "method": "STORE_CREDIT", "key": key, **extra}


def payloads(bodies: list[dict]) -> list[dict]:
    assert [body.get("errors") for body in bodies] == [None] * len(bodies), bodies
    return [body["data"]["codRefundCreate"] for body in bodies]


def test_the_same_refund_sent_twice_at_once_makes_one(completed):
    # given a completed order
    order_id, order, support = completed
    # when support's double click sends the same refund twice at once
    answers = payloads(all_at_once(lambda i: Api().raw(REFUND, refund_request(order_id, "dbl"), token=support), 2))
    # then both are answered with the one refund made
    assert [a["errors"] for a in answers] == [[], []]
    assert len({a["refund"]["id"] for a in answers}) == 1
    assert CodRefund.objects.filter(order=order).count() == 1
    assert CodOrderEvent.objects.filter(order=order, kind="refund_created").count() == 1


def test_twenty_refunds_of_everything_left_make_one_and_nineteen_are_too_large(completed):
    # given a completed order of 179.20
    order_id, order, support = completed
    # when twenty requests, each its own, ask for the full 179.20 at once
    answers = payloads(
        all_at_once(lambda i: Api().raw(REFUND, refund_request(order_id, f"key-{i}"), token=support), CALLERS)
    )
    # then exactly one refund is made and the nineteen others are told it is too large
    made = [a for a in answers if not a["errors"]]
    assert len(made) == 1 and made[0]["refund"]["amount"] == FULL
    assert sorted(codes(a) for a in answers if a["errors"]) == [["REFUND_TOO_LARGE"]] * (CALLERS - 1)
    assert CodRefund.objects.filter(order=order).count() == 1
    assert refunds.left_to_refund(order) == 0
    assert CodOrderEvent.objects.filter(order=order, kind="refund_created").count() == 1


def test_twenty_requests_with_one_key_make_one_refund(completed):
    # given a completed order
    order_id, order, support = completed
    # when twenty requests with the same key, for a part of it, arrive at once
    part = {"amount": "50.00", "currency": "USD"}
    answers = payloads(
        all_at_once(lambda i: Api().raw(REFUND, refund_request(order_id, "one", part), token=support), CALLERS)
    )
    # then all are answered with the same single refund, and 129.20 is still left
    assert [a["errors"] for a in answers] == [[]] * CALLERS
    assert len({a["refund"]["id"] for a in answers}) == 1
    assert CodRefund.objects.get(order=order).amount.amount == 50
    assert str(refunds.left_to_refund(order)) == "129.20"


def test_above_what_was_collected_nothing_is_written(completed):
    order_id, order, support = completed
    before = CodOrderEvent.objects.filter(order=order).count()
    body = Api().raw(REFUND, refund_request(order_id, "over", {"amount": "179.21", "currency": "USD"}), token=support)
    assert codes(body["data"]["codRefundCreate"]) == ["REFUND_TOO_LARGE"]
    assert not CodRefund.objects.exists()
    assert CodOrderEvent.objects.filter(order=order).count() == before
    assert CodOrder.objects.get(pk=order.pk).status == order.status


def test_a_rejected_return_is_not_refundable(completed):
    order_id, order, support = completed
    customer = create_token(get_user_model().objects.get(email=CUSTOMER))
    api = Api()
    asked = api(
        REQUEST, {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "OTHER"}, token=customer
    )["codReturnRequestCreate"]["returnRequest"]
    api(REJECT, {"id": asked["id"], "reason": "Used"}, token=support)
    # when support (or anyone) tries to refund it anyway, then it is refused, and neither approval nor receipt
    # can bring it back
    refused = api(REFUND, refund_request(order_id, "rej", ret=asked["id"]), token=support)["codRefundCreate"]
    assert codes(refused) == ["RETURN_NOT_REFUNDABLE"]
    assert codes(api(APPROVE, {"id": asked["id"]}, token=support)["codReturnApprove"]) == ["INVALID_TRANSITION"]
    received = api(RECEIVE, {"id": asked["id"], "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, token=support)
    assert codes(received["codReturnReceive"]) == ["INVALID_TRANSITION"]
    assert CodReturnRequest.objects.get().status == CodReturnRequest.Status.REJECTED
    assert not CodRefund.objects.exists()


def test_overdue_sweeps_running_at_once_flag_a_return_once(completed):
    # given a received return whose refund was due yesterday
    order_id, order, support = completed
    customer = create_token(get_user_model().objects.get(email=CUSTOMER))
    api = Api()
    asked = api(
        REQUEST, {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}, token=customer
    )["codReturnRequestCreate"]["returnRequest"]
    api(APPROVE, {"id": asked["id"]}, token=support)
    api(RECEIVE, {"id": asked["id"], "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, token=support)
    due = CodReturnRequest.objects.get().refund_due
    # when five sweeps run at once the day after
    later = timezone.make_aware(datetime.combine(due + timedelta(days=1), time(9)))
    flagged = all_at_once(lambda i: refunds.flag_overdue_refunds(now=later), 5)
    # then one flagged it, with one event
    assert sorted(flagged) == [0, 0, 0, 0, 1]
    assert CodOrderEvent.objects.filter(order=order, kind="refund_overdue").count() == 1
    assert CodOrder.objects.get(pk=order.pk).refund_overdue
