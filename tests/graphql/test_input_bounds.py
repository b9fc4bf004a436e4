"""Every text, amount and time a mutation takes, refused at the edge with a coded payload error and nothing written.

Before, these reached the database and came back as internal text: PostgreSQL's "cannot contain NUL", "'utf-8'
codec can't encode", "value too long for type character varying(100)", Django's untemplated decimal message,
``[<class 'decimal.InvalidOperation'>]`` and "can't compare offset-naive and offset-aware datetimes". Run with
DATABASE_URL=postgres://... for the database that produced them.
"""

import copy
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from strawberry.relay import to_base64

from cod_plugin.models import CodRefund
from tests.lifecycle.helpers import MARK_PAID, RESCHEDULE, UPDATE, confirm, place, staff_token
from tests.returns.helpers import (
    APPROVE,
    BANK,
    CUSTOMER,
    RECEIVE,
    REFUND,
    REJECT,
    REQUEST,
    completed_order,
    support_token,
)
from tests.returns.helpers import MARK_PAID as REFUND_PAID

from .test_order_confirm import CONFIRM

RECORD = """mutation($id: ID!, $a: MoneyInput!, $r: String!) {
  codOrderRecordPayment(orderId: $id, collectedAmount: $a, method: CASH, receipt: $r) { errors { field code message } }
}"""
BAD_TEXTS = {"nul": "a\x00b", "surrogate": "a\ud800b", "low surrogate": "\udfff"}
BAD_AMOUNTS = ["1e400", "1E+15", "NaN", "Infinity", "0.001", "-5.00", "0", "abc", "1000000000000"]
INTERNAL = ("cannot contain NUL", "codec", "character varying", "%(value)s", "<class", "offset-naive", "Traceback")


def state() -> dict:
    """Every row of the plugin's and the store's tables."""
    tables = [*apps.get_app_config("cod_plugin").get_models(), *apps.get_app_config("store").get_models()]
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in tables}


def put(variables: dict, path: str, value) -> dict:
    changed = copy.deepcopy(variables)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[last] = value
    return changed


def payload(api, query: str, variables: dict, token: str) -> dict:
    body = api.raw(query, variables, token=token)
    assert "errors" not in body, body["errors"]
    return next(iter(body["data"].values()))


def assert_refused(api, query, variables, token, path, value, field, code="INVALID"):
    before = state()
    answer = payload(api, query, put(variables, path, value), token)
    errors = [(e["code"], e["field"]) for e in answer["errors"]]
    assert errors == [(code, field)], (path, value, answer["errors"])
    assert not any(text in answer["errors"][0]["message"] for text in INTERNAL)
    assert state() == before, (path, value)


def check_texts(api, query, variables, token, fields: dict[str, tuple[int, str]]) -> None:
    """Each text one character past its length, with a NUL and with an unpaired surrogate: refused; exactly at
    its length: no error about it (it may be taken, or the order may refuse something else)."""
    for path, (length, field) in fields.items():
        for bad in (*BAD_TEXTS.values(), "x" * (length + 1)):
            assert_refused(api, query, variables, token, path, bad, field)
        answer = payload(api, query, put(variables, path, "x" * length), token)
        assert field not in [e["field"] for e in answer["errors"]], (path, answer["errors"])


def check_amounts(api, query, variables, token, path: str, field: str) -> None:
    for bad in BAD_AMOUNTS:
        assert_refused(api, query, variables, token, path, bad, field)


def soon(days: int = 1, hours: int = 2) -> dict:
    start = timezone.now() + timedelta(days=days)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=hours)).isoformat()}


@pytest.fixture
def confirmed(api, token_for):
    customer = token_for(CUSTOMER)
    order_id, order = place(api, customer)
    confirm(order)
    return order_id, customer


@pytest.fixture
def completed(api, token_for):
    customer = token_for(CUSTOMER)
    order_id, _ = completed_order(api, customer)
    return order_id, customer


def test_the_status_report(api, confirmed):
    order_id, _ = confirmed
    report = {
        "status": "DELIVERED",
        "trackingNumber": "FS-1",
        "note": "ok",
        "receipt": "R-1",
        "collectedAmount": {"amount": "179.20", "currency": "USD"},
    }
    variables, staff = {"id": order_id, "input": report}, staff_token()
    check_amounts(api, UPDATE, variables, staff, "input.collectedAmount.amount", "collectedAmount")
    assert_refused(api, UPDATE, variables, staff, "input.collectedAmount.currency", "US\x00", "collectedAmount")
    out = {"id": order_id, "input": {"status": "OUT_FOR_DELIVERY", "window": soon()}}
    for end in ("window.start", "window.end"):
        naive = out["input"]["window"][end.split(".")[1]][:19]
        assert_refused(api, UPDATE, out, staff, f"input.{end}", naive, end)
    fields = {"input.trackingNumber": (64, "trackingNumber"), "input.note": (255, "note")}
    fields["input.receipt"] = (100, "receipt")
    check_texts(api, UPDATE, variables, staff, fields)


def test_the_payment_record(api, confirmed):
    order_id, _ = confirmed
    variables, staff = {"id": order_id, "a": {"amount": "179.20", "currency": "USD"}, "r": "R-1"}, staff_token()
    check_amounts(api, RECORD, variables, staff, "a.amount", "collectedAmount")
    check_texts(api, RECORD, variables, staff, {"r": (100, "receipt")})


@pytest.mark.parametrize(
    ("end", "value"),
    [("start", "2026-12-30T10:00:00"), ("end", "2026-12-30T12:00:00"), ("end", "9999-12-31T23:00:00-14:00")],
)
def test_the_appointment(api, confirmed, end, value):
    order_id, customer = confirmed
    variables = {"id": order_id, "w": soon()}
    assert_refused(api, RESCHEDULE, variables, customer, f"w.{end}", value, f"window.{end}")


def test_the_paid_click(api, confirmed):
    order_id, customer = confirmed
    variables = {"id": order_id, "v": {"reference": "RCPT-1"}, "m": "CASH"}
    check_texts(api, MARK_PAID, variables, customer, {"v.reference": (100, "voucher.reference")})


def test_the_confirmation_call(api, token_for):
    order_id, _ = place(api, token_for(CUSTOMER))
    address = {"country": "US", "countryArea": "NY", "city": "New York", "postalCode": "10001"}
    address |= {"firstName": "Ann", "lastName": "Lee", "streetAddress1": "1 Main St", "phone": "+12125550100"}
    modification = {"address": address, "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}
    variables = {"id": order_id, "outcome": "MODIFIED", "note": "ok", "m": modification}
    lengths = {"firstName": 100, "lastName": 100, "streetAddress1": 255, "streetAddress2": 255, "city": 100}
    lengths |= {"countryArea": 100}
    lengths |= {"postalCode": 20, "phone": 32}
    fields = {f"m.address.{name}": (n, f"modification.address.{name}") for name, n in lengths.items()}
    fields |= {"note": (255, "note"), "m.lines.0.sku": (64, "modification.lines.sku")}
    staff = staff_token()
    for path, (length, field) in fields.items():
        for bad in (*BAD_TEXTS.values(), "x" * (length + 1)):
            assert_refused(api, CONFIRM, variables, staff, path, bad, field)
    assert_refused(api, CONFIRM, variables, staff, "m.address.country", "USA", "modification.address.country")


def test_the_refund(api, completed):
    order_id, _ = completed
    support = support_token()
    variables = {"id": order_id, "amount": {"amount": "10.00", "currency": "USD"}, "method": "BANK_TRANSFER"}
    variables |= {"details": dict(BANK), "key": "key-1"}
    check_amounts(api, REFUND, variables, support, "amount.amount", "amount")
    fields = {
        "details.accountHolder": (255, "details.accountHolder"),
        "details.walletProvider": (100, "details.walletProvider"),
        "key": (64, "idempotencyKey"),
    }
    for path, (length, field) in fields.items():
        for bad in (*BAD_TEXTS.values(), "x" * (length + 1)):
            assert_refused(api, REFUND, variables, support, path, bad, field)
    for bad in BAD_TEXTS.values():
        assert_refused(api, REFUND, variables, support, "details.iban", bad, "details.iban")
        assert_refused(api, REFUND, variables, support, "details.phone", bad, "details.phone")


def test_an_account_holder_at_255_characters_is_kept_whole_and_at_256_refused_not_cut(api, completed):
    order_id, _ = completed
    support = support_token()
    variables = {"id": order_id, "amount": {"amount": "10.00", "currency": "USD"}, "method": "BANK_TRANSFER"}
    variables |= {"details": {**BANK, "accountHolder": "h" * 256}, "key": "key-1"}
    assert_refused(api, REFUND, variables, support, "details.accountHolder", "h" * 256, "details.accountHolder")
    assert_refused(api, REFUND, variables, support, "details.accountHolder", "h" * 100_000, "details.accountHolder")
    made = payload(api, REFUND, put(variables, "details.accountHolder", "h" * 255), support)
    assert made["errors"] == []
    assert CodRefund.objects.get().details["account_holder"] == "h" * 255


def test_the_refund_payment_reference(api, completed):
    order_id, _ = completed
    support = support_token()
    variables = {"id": order_id, "amount": {"amount": "10.00", "currency": "USD"}, "method": "STORE_CREDIT"}
    refund = payload(api, REFUND, {**variables, "key": "key-1"}, support)["refund"]
    check_texts(api, REFUND_PAID, {"id": refund["id"], "ref": "TR-1"}, support, {"ref": (100, "reference")})


def test_the_return_request_and_its_decisions(api, completed):
    order_id, customer = completed
    variables = {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED", "d": "torn"}
    for bad in (*BAD_TEXTS.values(), "x" * 65):
        assert_refused(api, REQUEST, variables, customer, "lines.0.sku", bad, "lines.sku")
    for bad in (*BAD_TEXTS.values(), "x" * 2001):
        assert_refused(api, REQUEST, variables, customer, "d", bad, "description")
    made = payload(api, REQUEST, put(variables, "d", "x" * 2000), customer)
    assert made["errors"] == []
    return_id, support = made["returnRequest"]["id"], support_token()
    check_texts(api, APPROVE, {"id": return_id, "note": "ok"}, support, {"note": (255, "note")})
    check_texts(api, REJECT, {"id": return_id, "reason": "no"}, support, {"reason": (255, "reason")})


def test_the_goods_received(api, completed):
    order_id, customer = completed
    variables = {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}
    return_id = payload(api, REQUEST, variables, customer)["returnRequest"]["id"]
    support = support_token()
    assert payload(api, APPROVE, {"id": return_id}, support)["errors"] == []
    received = {"id": return_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}
    for bad in (*BAD_TEXTS.values(), "x" * 65):
        assert_refused(api, RECEIVE, received, support, "lines.0.sku", bad, "lines.sku")


ORDERS = "query($f: CodOrderFilterInput) { codOrders(filter: $f) { totalCount } }"


@pytest.mark.parametrize("name", ["search", "channel"])
def test_the_staff_order_list_filters(api, name):
    staff = staff_token()
    for bad in (*BAD_TEXTS.values(), "x" * 101):
        body = api.raw(ORDERS, {"f": {name: bad}}, token=staff)
        assert body["data"] is None
        [error] = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", f"filter.{name}")
        assert not any(text in error["message"] for text in INTERNAL)
    assert api(ORDERS, {"f": {name: "x" * 100}}, token=staff)["codOrders"]["totalCount"] == 0


SETTINGS = 'query($c: String!, $l: String! = "en") { codSettings(channel: $c, languageCode: $l) { enabled } }'
ELIGIBILITY = "query($id: ID!) { codEligibility(checkoutId: $id) { isEligible } }"


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (SETTINGS, {"c": "default\x00"}, "channel"),
        (SETTINGS, {"c": "default\ud800"}, "channel"),
        (SETTINGS, {"c": "c" * 101}, "channel"),
        (SETTINGS, {"c": "default-channel", "l": "en\x00"}, "languageCode"),
        (SETTINGS, {"c": "default-channel", "l": "e" * 11}, "languageCode"),
        (ELIGIBILITY, {"id": to_base64("Checkout", "tok\x00en")}, "checkoutId"),
        (ELIGIBILITY, {"id": to_base64("Checkout", "t" * 65)}, "checkoutId"),
    ],
)
def test_the_public_queries(api, query, variables, field):
    body = api.raw(query, variables)
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", field)
    assert not any(text in error["message"] for text in INTERNAL)
