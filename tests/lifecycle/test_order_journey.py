"""A COD order's life through the API: shipping, appointments, the Paid click, the courier's record."""

from datetime import timedelta

from django.utils import timezone

from cod_plugin.models import CodCustomerProfile, CodPaymentClaim, CodPaymentRecord
from sandbox.store.models import Order

from .helpers import MARK_PAID, ORDER, RESCHEDULE, UPDATE, confirm, courier_token, place, staff_token


def window(days, hours=2):
    start = timezone.now() + timedelta(days=days)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=hours)).isoformat()}


def test_from_confirmation_to_completion(api, token_for):
    # given a confirmed order of a new customer
    customer = token_for("new@example.com")
    order_id, order = place(api, customer)
    confirm(order)
    staff = staff_token()
    # when staff ship it and the courier sets out with an appointment
    shipped = api(UPDATE, {"id": order_id, "input": {"status": "SHIPPED", "trackingNumber": "FS-1"}}, token=staff)
    assert shipped["codOrderUpdateStatus"]["order"]["trackingNumber"] == "FS-1"
    out = api(UPDATE, {"id": order_id, "input": {"status": "OUT_FOR_DELIVERY", "window": window(1)}}, token=staff)
    assert out["codOrderUpdateStatus"]["order"]["status"] == "OUT_FOR_DELIVERY"
    # and the customer clicks "Paid" twice
    voucher = {"reference": "RCPT-77"}
    for _ in range(2):
        paid = api(MARK_PAID, {"id": order_id, "v": voucher, "m": "CASH"}, token=customer)["codOrderMarkPaid"]
        assert paid["errors"] == [] and paid["order"]["status"] == "OUT_FOR_DELIVERY"
    # then the claim alone completes nothing; the courier's record does
    assert CodPaymentClaim.objects.filter(order=order).count() == 1
    delivered = api(
        UPDATE,
        {
            "id": order_id,
            "input": {
                "status": "DELIVERED",
                "collectedAmount": {"amount": "179.20", "currency": "USD"},
                "collectionMethod": "CASH",
                "receipt": "FS-R-1",
            },
        },
        token=staff,
    )["codOrderUpdateStatus"]["order"]
    assert delivered["status"] == "COMPLETED"
    assert delivered["payment"] == {
        "amount": {"amount": "179.20", "currency": "USD"},
        "method": "cash",
        "receipt": "FS-R-1",
    }
    assert delivered["claim"]["reference"] == "RCPT-77"
    assert [e["kind"] for e in delivered["timeline"]] == [
        "placed",
        "risk_assessed",
        "confirm",
        "ship",
        "out_for_delivery",
        "paid_claimed",
        "deliver",
        "complete",
    ]
    assert Order.objects.get(pk=order.order_ref).status == "paid"
    assert CodCustomerProfile.objects.get(customer_key=order.customer_key).completed_orders == 1


def test_a_different_collected_amount_is_flagged_not_completed(api, token_for):
    order_id, order = place(api, token_for("new@example.com"))
    confirm(order)
    staff = staff_token()
    wrong = api(
        UPDATE,
        {"id": order_id, "input": {"status": "DELIVERED", "collectedAmount": {"amount": "179.20", "currency": "EUR"}}},
        token=staff,
    )
    assert wrong["codOrderUpdateStatus"]["errors"][0]["code"] == "CURRENCY_MISMATCH"
    assert api(ORDER, {"id": order_id}, token=staff)["codOrder"]["status"] == "CONFIRMED"  # nothing half-applied
    result = api(
        UPDATE,
        {"id": order_id, "input": {"status": "DELIVERED", "collectedAmount": {"amount": "170.00", "currency": "USD"}}},
        token=staff,
    )
    node = result["codOrderUpdateStatus"]["order"]
    assert node["status"] == "DELIVERED" and node["flags"]["amountDiscrepancy"]
    assert CodPaymentRecord.objects.filter(order=order).count() == 1


def test_appointments_move_at_most_twice(api, token_for):
    customer = token_for("new@example.com")
    order_id, order = place(api, customer)
    confirm(order)
    first = api(RESCHEDULE, {"id": order_id, "w": window(1)}, token=customer)["codOrderReschedule"]
    assert first["errors"] == [] and first["order"]["reschedulesLeft"] == 2
    for left in (1, 0):
        moved = api(RESCHEDULE, {"id": order_id, "w": window(2)}, token=customer)["codOrderReschedule"]
        assert moved["order"]["reschedulesLeft"] == left
    refused = api(RESCHEDULE, {"id": order_id, "w": window(3)}, token=customer)["codOrderReschedule"]
    assert refused["errors"][0]["code"] == "RESCHEDULE_LIMIT"
    past = api(RESCHEDULE, {"id": order_id, "w": window(-1)}, token=customer)["codOrderReschedule"]
    assert past["errors"][0]["code"] == "INVALID" and past["errors"][0]["field"] == "window"


def test_invalid_transitions_say_where_the_order_is(api, token_for):
    order_id, _ = place(api, token_for("new@example.com"))
    result = api(UPDATE, {"id": order_id, "input": {"status": "SHIPPED"}}, token=staff_token())
    error = result["codOrderUpdateStatus"]["errors"][0]
    assert error["code"] == "INVALID_TRANSITION" and "Pending confirmation" in error["message"]
    claim = api(MARK_PAID, {"id": order_id, "v": {"reference": "X"}, "m": "CASH"}, token=token_for("new@example.com"))[
        "codOrderMarkPaid"
    ]
    assert claim["errors"][0]["code"] == "INVALID_TRANSITION"


def test_who_sees_and_who_acts(api, token_for):
    owner = token_for("new@example.com")
    order_id, order = place(api, owner)
    assert api(ORDER, {"id": order_id}, token=owner)["codOrder"]["status"] == "PENDING_CONFIRMATION"
    assert api(ORDER, {"id": order_id}, token=token_for("trusted@example.com"))["codOrder"] is None
    assert api(ORDER, {"id": order_id})["codOrder"] is None
    denied = api.raw(UPDATE, {"id": order_id, "input": {"status": "SHIPPED"}}, token=owner)
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    no_perm = api.raw(
        UPDATE, {"id": order_id, "input": {"status": "SHIPPED"}}, token=staff_token(with_permission=False)
    )
    assert no_perm["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    courier, courier_auth = courier_token()
    assert api(ORDER, {"id": order_id}, token=courier_auth)["codOrder"] is None
    order.courier = courier
    order.save()
    assert api(ORDER, {"id": order_id}, token=courier_auth)["codOrder"]["number"] == order.order_number
    foreign = api(
        MARK_PAID, {"id": order_id, "v": {"reference": "X"}, "m": "CASH"}, token=token_for("trusted@example.com")
    )["codOrderMarkPaid"]
    assert foreign["errors"][0]["code"] == "NOT_FOUND"


def test_voucher_input_is_checked(api, token_for):
    customer = token_for("new@example.com")
    order_id, order = place(api, customer)
    for voucher, field in [
        ({"reference": " "}, "voucher.reference"),
        ({"reference": "R1", "image": "bm90IGFuIGltYWdl"}, "voucher.image"),
    ]:
        result = api(MARK_PAID, {"id": order_id, "v": voucher, "m": "CASH"}, token=customer)["codOrderMarkPaid"]
        assert result["errors"][0]["field"] == field


RECORD = """mutation($id: ID!, $a: MoneyInput!, $r: String!) {
  codOrderRecordPayment(orderId: $id, collectedAmount: $a, method: CASH, receipt: $r) {
    order { status payment { amount { amount } receipt } timeline { kind } } errors { field code }
  }
}"""


def test_staff_settle_a_discrepancy_with_the_couriers_corrected_receipt(api, token_for):
    order_id, order = place(api, token_for("new@example.com"))
    confirm(order)
    staff = staff_token()
    api(
        UPDATE,
        {"id": order_id, "input": {"status": "DELIVERED", "collectedAmount": {"amount": "170.00", "currency": "USD"}}},
        token=staff,
    )
    fixed = api(RECORD, {"id": order_id, "a": {"amount": "179.20", "currency": "USD"}, "r": "FS-R-2"}, token=staff)[
        "codOrderRecordPayment"
    ]["order"]
    assert fixed["status"] == "COMPLETED" and fixed["payment"] == {"amount": {"amount": "179.20"}, "receipt": "FS-R-2"}
    assert [e["kind"] for e in fixed["timeline"]][-2:] == ["payment_corrected", "complete"]
    again = api(RECORD, {"id": order_id, "a": {"amount": "179.20", "currency": "USD"}, "r": "FS-R-3"}, token=staff)[
        "codOrderRecordPayment"
    ]
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"
    assert CodPaymentRecord.objects.filter(order=order).count() == 1
