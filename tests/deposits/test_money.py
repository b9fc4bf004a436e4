"""What a paid deposit becomes: given back whole on a cancel or a refusal without fault; keeping the penalty of a
refusal with a strike (at, below and above the penalty); counted in what a completed order may refund, the
refunds taking the cash first and then the deposit back through the store's payment."""

from decimal import Decimal

import pytest
from django.db import transaction
from strawberry.relay import to_base64

from cod_plugin import api as cod_api
from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import lifecycle, refunds
from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, CodProfileEvent
from cod_plugin.models.risk import DepositStatus
from cod_plugin.rules.lifecycle import Event
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import DepositPayment
from tests.lifecycle.helpers import UPDATE, confirm, staff_token
from tests.lifecycle.test_refusals_and_standing import refuse

from .conftest import ask_deposits, place_with_deposit

ONE_SHIRT = {"TSHIRT-001": 1}
# A refusal of one shirt owes round-trip shipping (2 x 5.00) plus the fee (3% of 24.99 = 0.75).
PENALTY = Decimal("10.75")
CENT = Decimal("0.01")
REFUNDABLE = "query($id: ID!) { codOrder(orderId: $id) { refundableAmount { amount } } }"


def paid_order(api, token, *, fixed="10.00", lines=ONE_SHIRT) -> tuple[str, CodOrder]:
    """A confirmed order whose deposit of ``fixed`` was paid."""
    ask_deposits(fixed=fixed)
    order_id, order = place_with_deposit(api, token, lines)
    cod_api.deposit_paid(order.order_ref, payment_ref="txn")
    confirm(order)
    return order_id, order


def given_back(order) -> tuple[str, Decimal, Decimal]:
    """The plugin's deposit (status, refunded) and what the store's payment gave back."""
    deposit = CodOrder.objects.select_related("deposit").get(pk=order.pk).deposit
    return deposit.status, deposit.refunded.amount, DepositPayment.objects.get(order_id=order.order_ref).refunded


def owed(order) -> Decimal:
    return CodCustomerProfile.objects.get(customer_key=order.customer_key).outstanding_penalty.amount


def test_a_cancelled_order_gives_the_whole_paid_deposit_back(api, token_for):
    order_id, order = paid_order(api, token_for("new@example.com"))
    cod_api.store_cancelled(order.order_ref, reason="out of stock")
    assert given_back(order) == (DepositStatus.REFUNDED, Decimal("10.00"), Decimal("10.00"))
    event = CodOrderEvent.objects.get(order=order, kind="deposit_refunded")
    assert (event.reason, event.data["amount"]) == ("order_cancelled", "10.00")


def test_a_parcel_returned_to_origin_undelivered_gives_the_deposit_back_once(api, token_for):
    _, order = paid_order(api, token_for("new@example.com"))
    with transaction.atomic():
        for event in (Event.SHIP, Event.OUT_FOR_DELIVERY, Event.DELIVERY_FAILED, Event.RETURN_TO_ORIGIN):
            lifecycle.move(lifecycle.lock(order.pk), event, actor="courier")
    assert given_back(order) == (DepositStatus.REFUNDED, Decimal("10.00"), Decimal("10.00"))
    assert CodOrderEvent.objects.get(order=order, kind="deposit_refunded").reason == "returned_to_origin"


def test_a_refusal_without_fault_gives_the_whole_deposit_back_and_no_strike(api, token_for):
    order_id, order = paid_order(api, token_for("new@example.com"))
    refuse(api, order_id, "DAMAGED", staff_token())
    assert given_back(order) == (DepositStatus.REFUNDED, Decimal("10.00"), Decimal("10.00"))
    assert owed(order) == 0


@pytest.mark.parametrize(
    ("deposit", "refunded", "still_owed"),
    [
        (PENALTY + CENT, CENT, Decimal(0)),  # one cent above the penalty: that cent goes back
        (PENALTY, Decimal(0), Decimal(0)),  # exactly the penalty: all of it kept, nothing owed
        (PENALTY - CENT, Decimal(0), CENT),  # one cent short: all kept, the cent owed
    ],
)
def test_a_refusal_with_a_strike_pays_the_penalty_from_the_deposit_first(api, token_for, deposit, refunded, still_owed):
    order_id, order = paid_order(api, token_for("new@example.com"), fixed=str(deposit))
    refuse(api, order_id, "CHANGED_MIND", staff_token())
    status, back, store_back = given_back(order)
    assert (back, store_back) == (refunded, refunded)
    assert status == (DepositStatus.REFUNDED if refunded else DepositStatus.PAID)
    assert owed(order) == still_owed
    kept = CodOrderEvent.objects.get(order=order, kind="deposit_kept")
    assert Decimal(kept.data["amount"]) == min(deposit, PENALTY)
    strike = CodProfileEvent.objects.get(order=order, kind="strike")
    assert (strike.data["penalty"], strike.data["covered_by_deposit"]) == (str(PENALTY), str(min(deposit, PENALTY)))
    # and the parcel's return afterwards gives nothing more back: the penalty stays paid
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(order.pk), Event.RETURN_TO_ORIGIN, actor="courier")
    assert given_back(order)[1:] == (refunded, refunded)


def completed(api, token, *, fixed="10.00") -> CodOrder:
    """A completed order of one shirt: its deposit paid online, the rest collected at the door."""
    order_id, order = paid_order(api, token, fixed=fixed)
    rest = CodOrder.objects.get(pk=order.pk).amount_to_collect.amount
    result = api(
        UPDATE,
        {"id": order_id, "input": {"status": "DELIVERED", "collectedAmount": {"amount": str(rest), "currency": "USD"}}},
        token=staff_token(),
    )["codOrderUpdateStatus"]
    assert result["order"]["status"] == "COMPLETED", result
    return CodOrder.objects.get(pk=order.pk)


def refund(order, amount: Decimal, key: str):
    return refunds.create(
        order.pk,
        amount=amount,
        currency="USD",
        method="store_credit",
        details={},
        idempotency_key=key,
        actor="finance",
    )


def test_a_completed_order_refunds_at_most_the_cash_and_the_deposit(api, token_for):
    order = completed(api, token_for("new@example.com"))
    paid = order.amount_to_collect.amount + Decimal("10.00")  # the whole order
    assert refunds.left_to_refund(order) == paid
    refundable = api(REFUNDABLE, {"id": to_base64("CodOrder", order.pk)}, token=staff_token())["codOrder"]
    assert refundable["refundableAmount"] == {"amount": str(paid.quantize(CENT))}
    with pytest.raises(CodError) as too_much:
        refund(order, paid + CENT, "k-over")
    assert too_much.value.code == CodErrorCode.REFUND_TOO_LARGE
    assert refund(order, paid, "k-all").amount.amount == paid


def test_refunds_take_the_cash_first_then_the_deposit_back_through_the_store(api, token_for):
    order = completed(api, token_for("new@example.com"))
    cash = order.amount_to_collect.amount
    # a refund of exactly the cash gives nothing of the deposit back
    refunds.mark_paid(refund(order, cash, "k-1").pk, reference="TR-1", actor="finance")
    assert given_back(order) == (DepositStatus.PAID, Decimal(0), Decimal(0))
    # one cent more comes from the deposit, through the store's payment
    refunds.mark_paid(refund(order, CENT, "k-2").pk, reference="TR-2", actor="finance")
    assert given_back(order) == (DepositStatus.REFUNDED, CENT, CENT)
    # and the rest of the deposit after it, then nothing is left
    refunds.mark_paid(refund(order, Decimal("9.99"), "k-3").pk, reference="TR-3", actor="finance")
    assert given_back(order) == (DepositStatus.REFUNDED, Decimal("10.00"), Decimal("10.00"))
    assert refunds.left_to_refund(order) == 0
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.REFUNDED
