"""Every way a return or a refund is refused, with its exact code, and that a refusal writes nothing."""

import base64
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import returns
from cod_plugin.host import HostContext, get_adapter
from cod_plugin.models import CodOrder, CodOrderEvent, CodRefund, CodReturnRequest
from tests.lifecycle.helpers import place, staff_token

from .helpers import (
    APPROVE,
    BANK,
    CUSTOMER,
    MARK_PAID,
    PNG_BASE64,
    RECEIVE,
    REFUND,
    REJECT,
    REQUEST,
    codes,
    completed_order,
    global_id,
    support_token,
)


@dataclass
class Completed:
    order_id: str
    order: CodOrder
    customer: str
    support: str


@pytest.fixture
def completed(api, token_for) -> Completed:
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    return Completed(order_id, order, customer, support_token())


def ask(api, done: Completed, lines=None, reason="DAMAGED", **extra) -> dict:
    lines = [{"sku": "TSHIRT-001", "quantity": 1}] if lines is None else lines
    variables = {"id": done.order_id, "lines": lines, "reason": reason}
    return api(REQUEST, {**variables, **extra}, token=done.customer)["codReturnRequestCreate"]


def received_return(api, done: Completed, quantity=1) -> str:
    return_id = ask(api, done)["returnRequest"]["id"]
    api(APPROVE, {"id": return_id}, token=done.support)
    api(RECEIVE, {"id": return_id, "lines": [{"sku": "TSHIRT-001", "quantity": quantity}]}, token=done.support)
    return return_id


def refund(api, done: Completed, amount="10.00", currency="USD", **extra) -> dict:
    variables = {
        "id": done.order_id,
        "amount": {"amount": amount, "currency": currency},
        "method": "STORE_CREDIT",
        "key": "k-1",
        **extra,
    }
    return api(REFUND, variables, token=done.support)["codRefundCreate"]


# ---- asking for a return


def test_the_return_window_closes_the_channels_days_after_completion(api, completed):
    # given an order completed 15 days ago, on a channel with a 14-day return window
    CodOrderEvent.objects.filter(order=completed.order, kind="complete").update(
        created_at=timezone.now() - timedelta(days=15)
    )
    # when the customer asks for a return, then the window is closed and nothing is recorded
    payload = ask(api, completed)
    assert codes(payload) == ["RETURN_WINDOW_CLOSED"] and payload["returnRequest"] is None
    assert "14 days" in payload["errors"][0]["message"]
    assert not CodReturnRequest.objects.exists()
    # when it was completed 14 days ago, then the last day of the window still takes it
    CodOrderEvent.objects.filter(order=completed.order, kind="complete").update(
        created_at=timezone.now() - timedelta(days=14)
    )
    assert ask(api, completed)["errors"] == []


def test_only_a_completed_order_of_ones_own_takes_a_return(api, token_for):
    # given a confirmed, unpaid order
    customer = token_for(CUSTOMER)
    order_id, _ = place(api, customer)
    variables = {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}
    # when its customer asks for a return, then it is too early
    assert codes(api(REQUEST, variables, token=customer)["codReturnRequestCreate"]) == ["INVALID_TRANSITION"]
    # when another customer asks, then the order is not found for them
    other = api(REQUEST, variables, token=token_for("trusted@example.com"))["codReturnRequestCreate"]
    assert codes(other) == ["NOT_FOUND"]
    # when nobody is signed in, then it is a top-level permission error
    anonymous = api.raw(REQUEST, variables)
    assert anonymous["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"sku": "SHOES-001", "quantity": 1}], "INVALID"),  # not on the order
        ([{"sku": "TSHIRT-001", "quantity": 3}], "INVALID"),  # two were ordered
        ([{"sku": "TSHIRT-001", "quantity": 0}], "INVALID"),
        ([], "REQUIRED"),
    ],
)
def test_lines_must_be_on_the_order_within_what_was_ordered(api, completed, lines, code):
    payload = ask(api, completed, lines=lines)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "lines")]
    assert not CodReturnRequest.objects.exists()


def test_what_earlier_returns_asked_for_cannot_be_asked_again_unless_they_were_rejected(api, completed):
    # given a return of one of the two t-shirts
    first = ask(api, completed)["returnRequest"]["id"]
    # when the customer asks for two more, then only one is left
    assert codes(ask(api, completed, lines=[{"sku": "TSHIRT-001", "quantity": 2}])) == ["INVALID"]
    # when the first return is rejected, then both may be asked for again
    rejected = api(REJECT, {"id": first, "reason": "Worn"}, token=completed.support)["codReturnReject"]
    assert rejected["returnRequest"]["status"] == "REJECTED" and rejected["returnRequest"]["decisionNote"] == "Worn"
    assert ask(api, completed, lines=[{"sku": "TSHIRT-001", "quantity": 2}])["errors"] == []


@pytest.mark.parametrize(
    "photos",
    [
        [base64.b64encode(b"GIF89a not a png").decode()],
        ["not base64!"],
        [PNG_BASE64] * 6,
    ],
    ids=["gif", "garbage", "six-photos"],
)
def test_photos_are_at_most_five_pngs_or_jpegs_of_two_megabytes(api, completed, photos):
    payload = ask(api, completed, photos=photos)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", "photos")]
    assert not CodReturnRequest.objects.exists()


def test_a_photo_over_two_megabytes_is_refused_by_the_flow(completed):
    # (a request body that large is refused by the sandbox's web server before the API sees it)
    customer = get_adapter().get_customer(HostContext(user=get_user_model().objects.get(email=CUSTOMER)))
    too_large = b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)
    with pytest.raises(CodError) as refused:
        returns.request(
            completed.order.pk, customer=customer, lines={"TSHIRT-001": 1}, reason="damaged", photos=[too_large]
        )
    assert (refused.value.code, refused.value.field) == (CodErrorCode.INVALID, "photos")
    assert not CodReturnRequest.objects.exists()


# ---- support's decision and the goods coming back


def test_decisions_follow_the_returns_status(api, completed):
    return_id = ask(api, completed)["returnRequest"]["id"]
    support = completed.support
    # a rejection needs a reason
    no_reason = api(REJECT, {"id": return_id, "reason": "  "}, token=support)["codReturnReject"]
    assert [(e["code"], e["field"]) for e in no_reason["errors"]] == [("REQUIRED", "reason")]
    # goods are received only for an approved return
    early = api(RECEIVE, {"id": return_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, token=support)
    assert codes(early["codReturnReceive"]) == ["INVALID_TRANSITION"]
    # approving twice changes nothing; rejecting an approved return is refused
    for _ in range(2):
        assert api(APPROVE, {"id": return_id}, token=support)["codReturnApprove"]["errors"] == []
    assert CodOrderEvent.objects.filter(kind="return_approved").count() == 1
    late = api(REJECT, {"id": return_id, "reason": "Changed our mind"}, token=support)["codReturnReject"]
    assert codes(late) == ["INVALID_TRANSITION"]
    # an unknown return, or a malformed ID
    assert codes(api(APPROVE, {"id": global_id("CodReturn", 999)}, token=support)["codReturnApprove"]) == ["NOT_FOUND"]
    assert codes(api(APPROVE, {"id": completed.order_id}, token=support)["codReturnApprove"]) == ["INVALID"]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"sku": "TSHIRT-001", "quantity": 2}], "INVALID"),  # one was asked back
        ([{"sku": "HEADPHONES-001", "quantity": 1}], "INVALID"),  # not in this return
        ([{"sku": "TSHIRT-001", "quantity": 0}], "REQUIRED"),  # nothing came back
        ([{"sku": "TSHIRT-001", "quantity": -1}], "INVALID"),
    ],
)
def test_what_came_back_is_between_nothing_and_what_was_asked(api, completed, lines, code):
    return_id = ask(api, completed)["returnRequest"]["id"]
    api(APPROVE, {"id": return_id}, token=completed.support)
    payload = api(RECEIVE, {"id": return_id, "lines": lines}, token=completed.support)["codReturnReceive"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "lines")]
    assert CodReturnRequest.objects.get().status == CodReturnRequest.Status.APPROVED


def test_return_and_refund_mutations_need_the_refunds_permission(api, completed):
    return_id = ask(api, completed)["returnRequest"]["id"]
    for token in (completed.customer, staff_token()):  # a customer, and an agent who manages orders only
        for query, variables in (
            (APPROVE, {"id": return_id}),
            (REJECT, {"id": return_id, "reason": "x"}),
            (RECEIVE, {"id": return_id, "lines": []}),
            (
                REFUND,
                {
                    "id": completed.order_id,
                    "amount": {"amount": "1", "currency": "USD"},
                    "method": "STORE_CREDIT",
                    "key": "k",
                },
            ),
            (MARK_PAID, {"id": global_id("CodRefund", 1), "ref": "R"}),
        ):
            body = api.raw(query, variables, token=token)
            assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED", (query, body)
    assert CodReturnRequest.objects.get().status == CodReturnRequest.Status.REQUESTED
    assert not CodRefund.objects.exists()


# ---- refunds


def test_a_refund_above_what_was_collected_is_refused_and_says_what_is_left(api, completed):
    payload = refund(api, completed, amount="179.21")
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REFUND_TOO_LARGE", "amount")]
    assert "$179.20" in payload["errors"][0]["message"]
    # and after a refund of 100.00, 79.20 is what is left
    assert refund(api, completed, amount="100.00", key="k-2")["errors"] == []
    left = refund(api, completed, amount="79.21", key="k-3")
    assert codes(left) == ["REFUND_TOO_LARGE"] and "$79.20" in left["errors"][0]["message"]
    assert CodRefund.objects.count() == 1
    assert CodOrderEvent.objects.filter(kind="refund_created").count() == 1


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("10.005", "USD", "INVALID"),  # more decimals than the dollar has: refused, not rounded
        ("0", "USD", "INVALID"),
        ("-5", "USD", "INVALID"),
        ("10.00", "EUR", "CURRENCY_MISMATCH"),
    ],
)
def test_the_amount_is_positive_in_the_orders_currency_and_its_minor_units(api, completed, amount, currency, code):
    payload = refund(api, completed, amount=amount, currency=currency)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "amount")]
    assert not CodRefund.objects.exists()


@pytest.mark.parametrize("status", ["REQUESTED", "APPROVED", "REJECTED"])
def test_a_return_whose_goods_are_not_back_is_not_refundable(api, completed, status):
    return_id = ask(api, completed)["returnRequest"]["id"]
    if status == "APPROVED":
        api(APPROVE, {"id": return_id}, token=completed.support)
    if status == "REJECTED":
        api(REJECT, {"id": return_id, "reason": "Outside the policy"}, token=completed.support)
    payload = refund(api, completed, ret=return_id)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("RETURN_NOT_REFUNDABLE", "returnId")]
    assert not CodRefund.objects.exists()


def test_only_a_completed_order_is_refunded_and_a_return_must_be_its_own(api, completed, token_for):
    other = token_for("trusted@example.com")
    store_credit = {"amount": {"amount": "1.00", "currency": "USD"}, "method": "STORE_CREDIT"}
    # given a confirmed, unpaid order: it cannot be refunded
    unpaid_id, _ = place(api, other)
    unpaid = api(REFUND, {"id": unpaid_id, "key": "x", **store_credit}, token=completed.support)["codRefundCreate"]
    assert codes(unpaid) == ["INVALID_TRANSITION"]
    # given another completed order: a received return of the first one is not found on it
    return_id = received_return(api, completed)
    other_id, _ = completed_order(api, other)
    mixed = api(REFUND, {"id": other_id, "ret": return_id, "key": "y", **store_credit}, token=completed.support)[
        "codRefundCreate"
    ]
    assert [(e["code"], e["field"]) for e in mixed["errors"]] == [("NOT_FOUND", "returnId")]
    assert not CodRefund.objects.exists()


@pytest.mark.parametrize(
    ("method", "details", "code", "field"),
    [
        ("BANK_TRANSFER", {**BANK, "iban": "DE89 3704 0044 0532 0130 01"}, "INVALID_IBAN", "details.iban"),
        ("BANK_TRANSFER", {**BANK, "iban": "not an iban"}, "INVALID_IBAN", "details.iban"),
        ("BANK_TRANSFER", {"iban": BANK["iban"]}, "REQUIRED", "details.accountHolder"),
        ("MOBILE_WALLET", {"phone": "+971501234567"}, "REQUIRED", "details.walletProvider"),
        ("MOBILE_WALLET", {"walletProvider": "e& money", "phone": "+97150"}, "INVALID", "details.phone"),
    ],
)
def test_refund_details_are_checked_by_method(api, completed, method, details, code, field):
    payload = refund(api, completed, method=method, details=details)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert not CodRefund.objects.exists()


def test_a_wallet_number_is_kept_in_e164_and_shown_by_its_end(api, completed):
    details = {"walletProvider": "Vodafone Cash", "phone": "(212) 555-0100"}  # the order's country: US
    payload = refund(api, completed, method="MOBILE_WALLET", details=details)
    assert payload["errors"] == [] and payload["refund"]["accountLast4"] == "0100"
    assert CodRefund.objects.get().details == {"provider": "Vodafone Cash", "phone": "+12125550100"}


def test_a_double_submit_makes_one_refund_and_a_key_belongs_to_one_order(api, completed, token_for):
    # when the same refund is sent twice, then both answers are the same refund
    first, second = (refund(api, completed, key="double") for _ in range(2))
    assert first["errors"] == second["errors"] == [] and first["refund"]["id"] == second["refund"]["id"]
    assert CodRefund.objects.count() == 1
    assert CodOrderEvent.objects.filter(kind="refund_created").count() == 1
    # when the key is sent again for another order, then it is refused
    other_id, _ = completed_order(api, token_for("trusted@example.com"))
    reused = api(
        REFUND,
        {"id": other_id, "amount": {"amount": "1.00", "currency": "USD"}, "method": "STORE_CREDIT", "key": "double"},
        token=completed.support,
    )["codRefundCreate"]
    assert [(e["code"], e["field"]) for e in reused["errors"]] == [("INVALID", "idempotencyKey")]


def test_marking_paid_needs_a_reference_and_the_same_one_again_changes_nothing(api, completed):
    refund_id = refund(api, completed)["refund"]["id"]
    support = completed.support
    blank = api(MARK_PAID, {"id": refund_id, "ref": " "}, token=support)["codRefundMarkPaid"]
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("REQUIRED", "reference")]
    for _ in range(2):
        paid = api(MARK_PAID, {"id": refund_id, "ref": "TRF-1"}, token=support)["codRefundMarkPaid"]
        assert paid["errors"] == [] and paid["refund"]["status"] == "PAID"
    other = api(MARK_PAID, {"id": refund_id, "ref": "TRF-2"}, token=support)["codRefundMarkPaid"]
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("INVALID", "reference")]
    assert CodRefund.objects.get().reference == "TRF-1"
    kinds = list(CodOrderEvent.objects.filter(order=completed.order).values_list("kind", flat=True))
    assert (kinds.count("refund"), kinds.count("refund_paid")) == (1, 0)
    unknown = api(MARK_PAID, {"id": global_id("CodRefund", 999), "ref": "R"}, token=support)["codRefundMarkPaid"]
    assert codes(unknown) == ["NOT_FOUND"]
