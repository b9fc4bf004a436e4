"""A return and its refund through the API, from the customer's request to the order REFUNDED."""

import json
from decimal import Decimal

from cod_plugin.flows import refunds
from cod_plugin.models import CodOrderEvent, CodPolicy, CodRefund, CodReturnPhoto

from .helpers import (
    APPROVE,
    BANK,
    CUSTOMER,
    MARK_PAID,
    ORDER,
    PNG_BASE64,
    RECEIVE,
    REFUND,
    REQUEST,
    completed_order,
    global_id,
    support_token,
)


def test_a_damaged_product_comes_back_in_part_and_is_refunded_with_the_fee(api, token_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given a completed order: two t-shirts at 19.99 and headphones at 129.00, 179.20 collected with a 5.22 COD fee
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    support = support_token()
    # when the customer asks to return both t-shirts as damaged, with a photo
    asked = api(
        REQUEST,
        {
            "id": order_id,
            "lines": [{"sku": "TSHIRT-001", "quantity": 2}],
            "reason": "DAMAGED",
            "d": "Torn seams",
            "photos": [PNG_BASE64],
        },
        token=customer,
    )["codReturnRequestCreate"]
    # then the return is requested, with the product's name, and the photo is kept
    assert asked["errors"] == []
    returned = asked["returnRequest"]
    assert (returned["status"], returned["reason"], returned["description"]) == ("REQUESTED", "DAMAGED", "Torn seams")
    assert returned["lines"] == [
        {"sku": "TSHIRT-001", "name": "Cotton T-shirt", "quantity": 2, "receivedQuantity": None}
    ]
    assert CodReturnPhoto.objects.filter(return_request__order=order).count() == 1
    # when support approves it and only one t-shirt comes back
    approved = api(APPROVE, {"id": returned["id"], "note": "Send them back"}, token=support)["codReturnApprove"]
    assert approved["returnRequest"]["status"] == "APPROVED"
    assert approved["returnRequest"]["decisionNote"] == "Send them back"
    received = api(RECEIVE, {"id": returned["id"], "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, token=support)
    received = received["codReturnReceive"]["returnRequest"]
    assert received["status"] == "RECEIVED" and received["lines"][0]["receivedQuantity"] == 1
    assert received["refundDue"] is not None and received["refundOverdue"] is False
    # then the refund it calls for is one t-shirt plus the COD fee (a damaged product refunds the fee)
    suggestion = refunds.suggest(int(order.returns.get().pk))
    assert (suggestion.amount, suggestion.includes_fee) == (Decimal("25.21"), True)
    # when support refunds that by bank transfer, and marks it paid
    made = api(
        REFUND,
        {
            "id": order_id,
            "ret": returned["id"],
            "amount": {"amount": "25.21", "currency": "USD"},
            "method": "BANK_TRANSFER",
            "details": BANK,
            "key": "refund-1",
        },
        token=support,
    )["codRefundCreate"]
    assert made["errors"] == []
    assert made["refund"]["status"] == "PENDING" and made["refund"]["includesFee"] is True
    assert made["order"]["status"] == "COMPLETED"
    assert made["order"]["refundableAmount"] == {"amount": "153.99", "currency": "USD"}
    paid = api(MARK_PAID, {"id": made["refund"]["id"], "ref": "TRF-20261201-1"}, token=support)["codRefundMarkPaid"]
    assert paid["errors"] == []
    # then the order is REFUNDED, and the customer sees the return and the refund, paid
    seen = api(ORDER, {"id": order_id}, token=customer)["codOrder"]
    assert seen["status"] == "REFUNDED"
    assert seen["refundedAmount"] == {"amount": "25.21", "currency": "USD"}
    assert [r["status"] for r in seen["returns"]] == ["REFUNDED"]
    refund = seen["refunds"][0]
    assert (refund["status"], refund["reference"], refund["method"]) == ("PAID", "TRF-20261201-1", "BANK_TRANSFER")
    assert refund["amount"] == {"amount": "25.21", "currency": "USD"} and refund["paidAt"]
    assert refund["returnId"] == returned["id"]
    # and the IBAN is kept whole (compact) but shown by its last 4 characters only, in the refund and the timeline
    assert CodRefund.objects.get().details == {"iban": "DE89370400440532013000", "account_holder": "Ann Lee"}
    assert refund["accountLast4"] == "3000"
    assert "DE8937" not in json.dumps(seen)
    # and every step is on the timeline, the first paid refund being the order's move to REFUNDED
    assert [e["kind"] for e in seen["timeline"]][-6:] == [
        "complete",
        "return_requested",
        "return_approved",
        "goods_received",
        "refund_created",
        "refund",
    ]
    assert (seen["timeline"][-1]["fromStatus"], seen["timeline"][-1]["toStatus"]) == ("COMPLETED", "REFUNDED")


def test_a_second_paid_refund_is_a_timeline_event_not_a_transition(api, token_for):
    # given an order already refunded in part, without a return (a goodwill refund as store credit)
    order_id, order = completed_order(api, token_for(CUSTOMER))
    support = support_token()

    def refund_and_pay(key: str, amount: str) -> dict:
        variables = {"id": order_id, "amount": {"amount": amount, "currency": "USD"}, "method": "STORE_CREDIT"}
        made = api(REFUND, {**variables, "key": key}, token=support)["codRefundCreate"]
        assert made["errors"] == [], made["errors"]
        return api(MARK_PAID, {"id": made["refund"]["id"], "ref": f"SC-{key}"}, token=support)["codRefundMarkPaid"]

    assert refund_and_pay("first", "10.00")["order"]["status"] == "REFUNDED"
    # when a second refund is paid
    second = refund_and_pay("second", "20.00")["order"]
    # then the order stays REFUNDED, with both refunds counted, and the second is a plain timeline event
    assert second["status"] == "REFUNDED"
    assert second["refundedAmount"] == {"amount": "30.00", "currency": "USD"}
    assert second["refundableAmount"] == {"amount": "149.20", "currency": "USD"}
    moves = CodOrderEvent.objects.filter(order=order).exclude(to_status="").values_list("kind", flat=True)
    assert list(moves)[-1] == "refund"
    paid = [e for e in second["timeline"] if e["kind"] in ("refund", "refund_paid")]
    assert [(e["kind"], e["toStatus"], e["data"]["reference"]) for e in paid] == [
        ("refund", "REFUNDED", "SC-first"),
        ("refund_paid", None, "SC-second"),
    ]


def test_a_change_of_mind_refunds_the_goods_but_not_the_fee_unless_the_channel_always_refunds_it(api, token_for):
    # given a completed order whose headphones come back for no product problem
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    support = support_token()
    asked = api(
        REQUEST,
        {"id": order_id, "lines": [{"sku": "HEADPHONES-001", "quantity": 1}], "reason": "OTHER"},
        token=customer,
    )["codReturnRequestCreate"]["returnRequest"]
    api(APPROVE, {"id": asked["id"]}, token=support)
    api(RECEIVE, {"id": asked["id"], "lines": [{"sku": "HEADPHONES-001", "quantity": 1}]}, token=support)
    return_pk = order.returns.get().pk
    # then the refund it calls for is the headphones alone
    assert refunds.suggest(return_pk) == refunds.Suggestion(Decimal("129.00"), False, Decimal("179.20"))
    # when the channel refunds the fee always, then the fee comes with it
    CodPolicy.objects.filter(channel="default-channel").update(refund_fee="always")
    assert refunds.suggest(return_pk).amount == Decimal("134.22")
    # when the channel never refunds the fee, a product problem does not either
    CodPolicy.objects.filter(channel="default-channel").update(refund_fee="never")
    order.returns.update(reason="defective")
    assert refunds.suggest(return_pk) == refunds.Suggestion(Decimal("129.00"), False, Decimal("179.20"))


def test_the_fee_is_refunded_once_per_order(api, token_for):
    # given a completed order and two returns for a product problem, each received
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    support = support_token()
    returned = []
    for sku in ("TSHIRT-001", "HEADPHONES-001"):
        asked = api(
            REQUEST, {"id": order_id, "lines": [{"sku": sku, "quantity": 1}], "reason": "DEFECTIVE"}, token=customer
        )["codReturnRequestCreate"]["returnRequest"]
        api(APPROVE, {"id": asked["id"]}, token=support)
        api(RECEIVE, {"id": asked["id"], "lines": [{"sku": sku, "quantity": 1}]}, token=support)
        returned.append(asked["id"])
    # when the first is refunded with the fee
    first = api(
        REFUND,
        {
            "id": order_id,
            "ret": returned[0],
            "amount": {"amount": "25.21", "currency": "USD"},
            "method": "STORE_CREDIT",
            "key": "a",
        },
        token=support,
    )["codRefundCreate"]["refund"]
    assert first["includesFee"] is True
    # then the second return's refund is its goods alone
    second_pk = order.returns.order_by("pk").last().pk
    assert refunds.suggest(second_pk) == refunds.Suggestion(Decimal("129.00"), False, Decimal("153.99"))
    assert global_id("CodReturn", second_pk) == returned[1]
