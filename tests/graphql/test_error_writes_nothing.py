"""A mutation that answers an error has written nothing: every mutation of the plugin, made to fail late.

Each case brings an order to where the mutation succeeds, then the shaping of the answer (``shapes.order_detail``,
called after the flow by every mutation) raises: the answer is a coded ``INTERNAL_ERROR`` and every table of the
plugin and of the store is as it was before the call.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from strawberry.relay import to_base64

from cod_plugin.flows import payment
from cod_plugin.graphql import shapes
from cod_plugin.graphql.cash import shapes as cash_shapes
from cod_plugin.graphql.extensions import plugin_mutation_names
from cod_plugin.models import Courier
from tests.cash.conftest import delivered
from tests.cash.remittance_rows import remittance
from tests.graphql.cash.test_remittance_create_api import CREATE, posted
from tests.graphql.cash.test_resolve_and_money import RESOLVE
from tests.graphql.shop import new_checkout
from tests.graphql.test_checkout_complete import COMPLETE
from tests.graphql.test_order_confirm import BY_LINK, CONFIRM, link_token
from tests.jobs.conftest import make_courier
from tests.lifecycle.helpers import MARK_PAID, RESCHEDULE, UPDATE, confirm, place
from tests.lifecycle.test_order_journey import RECORD
from tests.returns.helpers import (
    APPROVE,
    BANK,
    RECEIVE,
    REFUND,
    REJECT,
    REQUEST,
    completed_order,
)
from tests.returns.helpers import MARK_PAID as REFUND_MARK_PAID
from tests.roles.test_handover import ASSIGN

CUSTOMER = "new@example.com"
SUPERUSER = "admin@example.com"


def window(days: int) -> dict:
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=4)).isoformat()}


def _out_for_delivery(api, tokens):
    order_id, order = place(api, tokens(CUSTOMER))
    confirm(order)
    staff = tokens(SUPERUSER)
    api(UPDATE, {"id": order_id, "input": {"status": "SHIPPED", "trackingNumber": "FS-1"}}, token=staff)
    api(UPDATE, {"id": order_id, "input": {"status": "OUT_FOR_DELIVERY", "window": window(1)}}, token=staff)
    return order_id, order


def _requested_return(api, tokens):
    order_id, _ = completed_order(api, tokens(CUSTOMER))
    variables = {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}
    made = api(REQUEST, variables, token=tokens(CUSTOMER))["codReturnRequestCreate"]
    assert made["errors"] == [], made
    return order_id, made["returnRequest"]["id"]


def _approved_return(api, tokens):
    order_id, return_id = _requested_return(api, tokens)
    assert api(APPROVE, {"id": return_id}, token=tokens(SUPERUSER))["codReturnApprove"]["errors"] == []
    return order_id, return_id


def checkout_complete(api, tokens):
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=tokens(CUSTOMER))
    return COMPLETE, {"id": checkout, "terms": 1}, tokens(CUSTOMER)


def order_confirm(api, tokens):
    order_id, _ = place(api, tokens(CUSTOMER))
    return CONFIRM, {"id": order_id, "outcome": "CONFIRMED"}, tokens(SUPERUSER)


def order_confirm_by_link(api, tokens):
    _, order = place(api, tokens(CUSTOMER))
    return BY_LINK, {"token": link_token(order), "decision": "CONFIRM"}, None


def order_update_status(api, tokens):
    order_id, order = place(api, tokens(CUSTOMER))
    confirm(order)
    return UPDATE, {"id": order_id, "input": {"status": "SHIPPED", "trackingNumber": "FS-9"}}, tokens(SUPERUSER)


def order_assign_courier(api, tokens):
    order_id, order = place(api, tokens(CUSTOMER))
    Courier.objects.create(code="quickbox", name="QuickBox", webhook_secret="q" * 20, channels=[order.channel])
    return ASSIGN, {"id": order_id, "courier": "quickbox"}, tokens(SUPERUSER)


def order_reschedule(api, tokens):
    order_id, _ = _out_for_delivery(api, tokens)
    return RESCHEDULE, {"id": order_id, "w": window(2)}, tokens(CUSTOMER)


def order_mark_paid(api, tokens):
    order_id, _ = _out_for_delivery(api, tokens)
    return MARK_PAID, {"id": order_id, "v": {"reference": "RCPT-1"}, "m": "CASH"}, tokens(CUSTOMER)


def order_record_payment(api, tokens):
    order_id, order = place(api, tokens(CUSTOMER))
    confirm(order)
    amount = {"amount": "170.00", "currency": "USD"}  # short of what is due: DELIVERED, waiting for the record
    delivered = {"status": "DELIVERED", "collectedAmount": amount}
    api(UPDATE, {"id": order_id, "input": delivered}, token=tokens(SUPERUSER))
    due = {"amount": str(order.amount_to_collect.amount), "currency": "USD"}
    return RECORD, {"id": order_id, "a": due, "r": "FS-R-2"}, tokens(SUPERUSER)


def return_request_create(api, tokens):
    order_id, _ = completed_order(api, tokens(CUSTOMER))
    variables = {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}
    return REQUEST, variables, tokens(CUSTOMER)


def return_approve(api, tokens):
    _, return_id = _requested_return(api, tokens)
    return APPROVE, {"id": return_id, "note": "Send it back."}, tokens(SUPERUSER)


def return_reject(api, tokens):
    _, return_id = _requested_return(api, tokens)
    return REJECT, {"id": return_id, "reason": "Worn."}, tokens(SUPERUSER)


def return_receive(api, tokens):
    _, return_id = _approved_return(api, tokens)
    return RECEIVE, {"id": return_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, tokens(SUPERUSER)


def _refund_variables(order_id: str) -> dict:
    amount = {"amount": "1.00", "currency": "USD"}
    return {"id": order_id, "amount": amount, "method": "BANK_TRANSFER", "details": BANK, "key": "k-1"}


def refund_create(api, tokens):
    order_id, _ = completed_order(api, tokens(CUSTOMER))
    return REFUND, _refund_variables(order_id), tokens(SUPERUSER)


def refund_mark_paid(api, tokens):
    order_id, _ = completed_order(api, tokens(CUSTOMER))
    made = api(REFUND, _refund_variables(order_id), token=tokens(SUPERUSER))["codRefundCreate"]
    assert made["errors"] == [], made
    return REFUND_MARK_PAID, {"id": made["refund"]["id"], "ref": "TRF-1"}, tokens(SUPERUSER)


def remittance_create(api, tokens):
    order = delivered(make_courier("fastship"))
    return CREATE, {"input": posted([order], courier="fastship")}, tokens(SUPERUSER)


def reconciliation_exception_resolve(api, tokens):
    courier = make_courier("fastship")
    made = remittance(courier, lines=[(delivered(courier), "1.00", "short")])
    exception = made.exceptions.get()
    variables = {"id": to_base64("CodReconciliationException", exception.pk), "outcome": "WRITTEN_OFF", "note": "x"}
    return RESOLVE, variables, tokens(SUPERUSER)


CASES = {
    "cod_checkout_complete": checkout_complete,
    "cod_order_confirm": order_confirm,
    "cod_order_confirm_by_link": order_confirm_by_link,
    "cod_order_update_status": order_update_status,
    "cod_order_assign_courier": order_assign_courier,
    "cod_order_reschedule": order_reschedule,
    "cod_order_mark_paid": order_mark_paid,
    "cod_order_record_payment": order_record_payment,
    "cod_return_request_create": return_request_create,
    "cod_return_approve": return_approve,
    "cod_return_reject": return_reject,
    "cod_return_receive": return_receive,
    "cod_refund_create": refund_create,
    "cod_refund_mark_paid": refund_mark_paid,
    "cod_remittance_create": remittance_create,
    "cod_reconciliation_exception_resolve": reconciliation_exception_resolve,
}


def snapshot() -> dict:
    """Every row of every table of the plugin and of the store."""
    models = [*apps.get_app_config("cod_plugin").get_models(), *apps.get_app_config("store").get_models()]
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in models}


def test_every_mutation_of_the_plugin_has_a_case():
    assert set(CASES) == plugin_mutation_names()


@pytest.fixture
def tokens(token_for):
    cache = {}
    return lambda email: cache.setdefault(email, token_for(email))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_mutation_that_fails_after_its_flow_writes_nothing(name, api, tokens, monkeypatch):
    # given an order where the mutation would succeed
    query, variables, token = CASES[name](api, tokens)
    before = snapshot()

    # when the answer's shaping fails after the flow has done its work
    def broken(*args, **kwargs):
        raise RuntimeError("shaping failed")

    monkeypatch.setattr(shapes, "order_detail", broken)
    monkeypatch.setattr(cash_shapes, "remittance", broken)
    monkeypatch.setattr(cash_shapes, "exception", broken)
    body = api.raw(query, variables, token=token)

    # then the answer is a coded internal error without the exception's text, and nothing was written
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INTERNAL_ERROR"], body
    assert "shaping failed" not in str(body)
    assert snapshot() == before


def test_a_payload_error_after_a_committed_write_rolls_it_back(api, tokens, monkeypatch):
    # given an order out for delivery, and a "Paid" flow that writes its claim and then reports an error
    query, variables, token = order_mark_paid(api, tokens)
    before = snapshot()
    real = payment.mark_paid

    def claims_then_refuses(*args, **kwargs):
        real(*args, **kwargs)
        from cod_plugin.error_codes import CodError, CodErrorCode

        raise CodError(CodErrorCode.INVALID, "refused after writing", field="voucher")

    monkeypatch.setattr(payment, "mark_paid", claims_then_refuses)
    # when the customer clicks "Paid"
    payload = api(query, variables, token=token)["codOrderMarkPaid"]
    # then the payload has the error and the claim is gone with it
    assert [error["code"] for error in payload["errors"]] == ["INVALID"]
    assert snapshot() == before


def test_a_rolled_back_mutation_enqueues_nothing(api, tokens, monkeypatch, django_capture_on_commit_callbacks):
    # given a checkout whose completion would send the confirmation message on commit
    query, variables, token = checkout_complete(api, tokens)

    def broken(order_pk):
        raise RuntimeError("shaping failed")

    monkeypatch.setattr(shapes, "order_detail", broken)
    # when placing it fails after the flow
    with django_capture_on_commit_callbacks() as callbacks:
        api.raw(query, variables, token=token)
    # then no task waits for a commit that will not come
    assert callbacks == []


def test_a_mutation_that_succeeds_enqueues_its_tasks(api, tokens, django_capture_on_commit_callbacks):
    query, variables, token = checkout_complete(api, tokens)
    with django_capture_on_commit_callbacks() as callbacks:
        assert api(query, variables, token=token)["codCheckoutComplete"]["errors"] == []
    assert callbacks
