"""Collected amounts: above zero, in the currency's minor units, at most the amount to collect, whichever way they
come in (the API's payment record and status report, the admin's payment form); and the discrepancy flag that a
corrected receipt clears."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from strawberry.relay import to_base64

from cod_plugin.models import CodOrder, CodOrderEvent, CodPaymentRecord

from .helpers import UPDATE, confirm, place, staff_token

RECORD = """mutation($id: ID!, $a: MoneyInput!, $r: String!) {
  codOrderRecordPayment(orderId: $id, collectedAmount: $a, method: CASH, receipt: $r) {
    order { status payment { amount { amount } } flags { amountDiscrepancy } } errors { field code message }
  }
}"""
# new@example.com's order of 2 t-shirts and headphones: 173.98 + 5.22 fee = 179.20 USD to collect.
TO_COLLECT = Decimal("179.20")


@pytest.fixture
def staff(demo):
    return staff_token()


@pytest.fixture
def delivered(api, token_for, staff) -> tuple[str, CodOrder]:
    """Delivered without the courier's record: staff are to enter it."""
    order_id, order = place(api, token_for("new@example.com"))
    confirm(order)
    answer = api(UPDATE, {"id": order_id, "input": {"status": "DELIVERED"}}, token=staff)["codOrderUpdateStatus"]
    assert answer["errors"] == []
    return order_id, order


def record(api, staff, order_id: str, amount: str, receipt: str = "FS-R-1") -> dict:
    money = {"amount": amount, "currency": "USD"}
    return api(RECORD, {"id": order_id, "a": money, "r": receipt}, token=staff)["codOrderRecordPayment"]


def unchanged(order: CodOrder) -> tuple:
    order.refresh_from_db()
    return order.status, order.amount_discrepancy, CodPaymentRecord.objects.filter(order=order).count()


@pytest.mark.parametrize(
    "amount",
    ["-5.00", "123456789012.50", "0.001", "0", "179.21", "1e400", "1E+15", "NaN", "Infinity", "lots", "12,50"],
)
def test_a_payment_record_that_is_not_a_positive_amount_within_the_order_is_refused(api, staff, delivered, amount):
    order_id, order = delivered
    answer = record(api, staff, order_id, amount)
    assert answer["order"] is None
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [("INVALID", "collectedAmount")]
    assert not any(text in answer["errors"][0]["message"] for text in ("<class", "%(", "Operation", "numeric"))
    assert unchanged(order) == ("delivered", False, 0)


def test_one_cent_is_taken_as_a_shortfall_and_flags_the_order(api, staff, delivered):
    order_id, order = delivered
    answer = record(api, staff, order_id, "0.01")
    assert answer["errors"] == []
    assert answer["order"]["payment"] == {"amount": {"amount": "0.01"}}
    assert answer["order"]["flags"] == {"amountDiscrepancy": True} and answer["order"]["status"] == "DELIVERED"


def test_exactly_the_amount_to_collect_completes_the_order(api, staff, delivered):
    order_id, order = delivered
    assert record(api, staff, order_id, str(TO_COLLECT))["order"]["status"] == "COMPLETED"


def test_a_corrected_receipt_clears_the_discrepancy_and_the_order_leaves_the_flagged_list(api, token_for, staff):
    # given a delivery reported with 170.00 collected of 179.20: flagged
    order_id, order = place(api, token_for("new@example.com"))
    confirm(order)
    short = {"status": "DELIVERED", "collectedAmount": {"amount": "170.00", "currency": "USD"}}
    flagged = api(UPDATE, {"id": order_id, "input": short}, token=staff)["codOrderUpdateStatus"]["order"]
    assert flagged["flags"]["amountDiscrepancy"] is True
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x"))
    assert order.order_number in admin.get("/admin/cod_plugin/codorder/?flag=amount_discrepancy").content.decode()
    # when staff enter the courier's corrected receipt
    fixed = record(api, staff, order_id, str(TO_COLLECT), receipt="FS-R-2")["order"]
    # then the order is completed and no longer flagged, in the API and in the admin's flagged list
    assert fixed["status"] == "COMPLETED" and fixed["flags"] == {"amountDiscrepancy": False}
    assert order.order_number not in admin.get("/admin/cod_plugin/codorder/?flag=amount_discrepancy").content.decode()


@pytest.mark.parametrize("amount", ["0.001", "179.21", "-1"])
def test_a_delivery_report_with_an_amount_out_of_bounds_is_refused(api, token_for, staff, amount):
    order_id, order = place(api, token_for("new@example.com"))
    confirm(order)
    report = {"status": "DELIVERED", "collectedAmount": {"amount": amount, "currency": "USD"}}
    answer = api(UPDATE, {"id": order_id, "input": report}, token=staff)["codOrderUpdateStatus"]
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [("INVALID", "collectedAmount")]
    assert unchanged(order) == ("confirmed", False, 0)
    assert not CodOrderEvent.objects.filter(order=order, kind="deliver").exists()


@pytest.mark.parametrize(("amount", "taken"), [("0.001", False), ("179.21", False), ("0.01", True)])
def test_the_admin_payment_form_has_the_same_bounds(delivered, amount, taken):
    _, order = delivered
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x"))
    data = {"amount": amount, "method": "cash", "receipt": "FS-R-9"}
    admin.post(f"/admin/cod_plugin/codorder/{order.pk}/payment/", data)
    assert CodPaymentRecord.objects.filter(order=order).exists() is taken


@pytest.mark.parametrize(("amount", "taken"), [("10.001", True), ("10.0001", False), ("10.506", False)])
def test_kwd_takes_three_decimals_and_not_four(api, staff, amount, taken):
    # given a delivered KWD order with 10.505 to collect
    from tests.admin.cod_orders import make_orders

    (order,) = make_orders(1, channel="channel-kw", country="KW", area="", currency="KWD", status="delivered")
    CodOrder.objects.filter(pk=order.pk).update(amount_to_collect=Decimal("10.505"))
    money = {"amount": amount, "currency": "KWD"}
    answer = api(RECORD, {"id": to_base64("CodOrder", order.pk), "a": money, "r": "R-1"}, token=staff)
    errors = [(e["code"], e["field"]) for e in answer["codOrderRecordPayment"]["errors"]]
    assert errors == ([] if taken else [("INVALID", "collectedAmount")])
    record = CodPaymentRecord.objects.filter(order=order).first()
    assert (record.amount.amount if record else None) == (Decimal(amount) if taken else None)
