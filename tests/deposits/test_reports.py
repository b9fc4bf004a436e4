"""The store's reports of a deposit: paid (once, however often it says so), paid too late (refused and given back
once), expired; and the sweep exactly at the deadline and one second past it."""

from datetime import timedelta

import pytest
from django.db import transaction

from cod_plugin import api as cod_api
from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import confirmation, order_deposits, sweeps
from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, Notification
from cod_plugin.models.risk import DepositStatus
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import DepositPayment, Order
from tests.lifecycle.helpers import place

from .conftest import DEPOSIT, ask_deposits, place_with_deposit


@pytest.fixture
def waiting(api, token_for):
    """A new customer's order waiting for its deposit, placed through the API and the sandbox store."""
    ask_deposits()
    return place_with_deposit(api, token_for("new@example.com"))[1]


def fresh(order) -> CodOrder:
    return CodOrder.objects.select_related("deposit").get(pk=order.pk)


def refusal(call) -> CodError:
    with pytest.raises(CodError) as raised:
        call()
    return raised.value


def test_the_same_payment_reported_twice_moves_the_order_once_and_sends_one_confirmation(waiting):
    for _ in range(2):
        order = cod_api.deposit_paid(waiting.order_ref, payment_ref="txn-1")
        assert order.status == CodStatus.PENDING_CONFIRMATION
    order = fresh(waiting)
    assert (order.deposit.status, order.deposit.payment_ref) == (DepositStatus.PAID, "txn-1")
    assert CodOrderEvent.objects.filter(order=order, kind="deposit_paid").count() == 1
    assert Notification.objects.filter(order=order, kind="confirmation_request").count() == 1
    # and the store was not told back what it reported
    assert Order.objects.get(pk=order.order_ref).status == "unconfirmed"


def test_without_a_payment_reference_the_requested_one_stays(waiting):
    requested = fresh(waiting).deposit.payment_ref
    cod_api.deposit_paid(waiting.order_ref)
    assert fresh(waiting).deposit.payment_ref == requested != ""


@pytest.mark.parametrize(("length", "accepted"), [(100, True), (101, False)])
def test_a_payment_reference_of_100_characters_is_kept_and_101_refused(waiting, length, accepted):
    reference = "r" * length
    if accepted:
        cod_api.deposit_paid(waiting.order_ref, payment_ref=reference)
        assert fresh(waiting).deposit.payment_ref == reference
        return
    error = refusal(lambda: cod_api.deposit_paid(waiting.order_ref, payment_ref=reference))
    assert (error.code, error.field) == (CodErrorCode.INVALID, "paymentRef")
    assert fresh(waiting).status == CodStatus.AWAITING_DEPOSIT  # nothing half-applied


def test_an_order_without_a_deposit_or_unknown_is_refused(api, token_for):
    _, order = place(api, token_for("new@example.com"))
    assert refusal(lambda: cod_api.deposit_paid(order.order_ref)).code == CodErrorCode.DEPOSIT_NOT_PENDING
    assert refusal(lambda: cod_api.deposit_expired(order.order_ref)).code == CodErrorCode.DEPOSIT_NOT_PENDING
    assert refusal(lambda: cod_api.deposit_paid("no-such-order")).code == CodErrorCode.NOT_FOUND
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.PENDING_CONFIRMATION


def test_at_the_deadline_the_deposit_still_waits_and_one_second_after_the_order_is_cancelled(waiting):
    deadline = fresh(waiting).deposit.expires_at
    assert sweeps.expire_deposits(now=deadline) == 0
    assert fresh(waiting).status == CodStatus.AWAITING_DEPOSIT
    assert sweeps.expire_deposits(now=deadline + timedelta(seconds=1)) == 1
    order = fresh(waiting)
    assert (order.status, order.deposit.status) == (CodStatus.CANCELLED, DepositStatus.EXPIRED)
    assert [e.kind for e in order.events.filter(kind__in=["cancel", "deposit_expired"])] == [
        "cancel",
        "deposit_expired",
    ]
    assert sweeps.expire_deposits(now=deadline + timedelta(days=1)) == 0  # once


def test_the_deadline_is_the_policys_hours_after_placing(api, token_for):
    ask_deposits(hours=1)
    _, order = place_with_deposit(api, token_for("new@example.com"))
    deposit = fresh(order).deposit
    assert deposit.expires_at - deposit.created_at == pytest.approx(timedelta(hours=1), abs=timedelta(seconds=5))
    assert DepositPayment.objects.get(order_id=order.order_ref).expires_at == deposit.expires_at


def test_a_payment_after_the_deadline_is_refused_and_given_back_once(waiting):
    sweeps.expire_deposits(now=fresh(waiting).deposit.expires_at + timedelta(seconds=1))
    for _ in range(2):
        error = refusal(lambda: cod_api.deposit_paid(waiting.order_ref, payment_ref="late-txn"))
        assert error.code == CodErrorCode.DEPOSIT_NOT_PENDING
    order = fresh(waiting)
    assert order.status == CodStatus.CANCELLED
    assert (order.deposit.status, order.deposit.refunded.amount) == (DepositStatus.EXPIRED, DEPOSIT)
    assert CodOrderEvent.objects.filter(order=order, kind="deposit_refunded").count() == 1
    payment = DepositPayment.objects.get(order_id=order.order_ref)
    assert (payment.status, payment.refunded) == ("refunded", DEPOSIT)
    assert not Notification.objects.filter(order=order, kind="confirmation_request").exists()


def test_the_store_expiring_the_deposit_cancels_the_order_once_and_nothing_is_owed(waiting):
    for _ in range(2):
        assert cod_api.deposit_expired(waiting.order_ref).status == CodStatus.CANCELLED
    order = fresh(waiting)
    assert list(order.events.filter(kind="cancel").values_list("reason", "actor")) == [("deposit_expired", "store")]
    assert Order.objects.get(pk=order.order_ref).status == "canceled"
    profile = CodCustomerProfile.objects.get(customer_key=order.customer_key)
    assert (profile.strikes, profile.outstanding_penalty.amount) == (0, 0)


def test_a_paid_deposit_cannot_be_expired(waiting):
    cod_api.deposit_paid(waiting.order_ref)
    assert refusal(lambda: cod_api.deposit_expired(waiting.order_ref)).code == CodErrorCode.DEPOSIT_NOT_PENDING
    assert fresh(waiting).status == CodStatus.PENDING_CONFIRMATION


def test_an_order_the_store_cancelled_while_waiting_takes_no_payment(waiting):
    cod_api.store_cancelled(waiting.order_ref, reason="customer called")
    assert fresh(waiting).deposit.status == DepositStatus.EXPIRED
    assert refusal(lambda: cod_api.deposit_paid(waiting.order_ref)).code == CodErrorCode.DEPOSIT_NOT_PENDING
    assert DepositPayment.objects.get(order_id=waiting.order_ref).refunded == DEPOSIT


def test_an_order_waiting_for_its_deposit_cannot_be_confirmed_yet(waiting):
    with pytest.raises(CodError) as raised, transaction.atomic():
        confirmation.confirm_by_link(confirmation.link(waiting).rsplit("/", 2)[-2], confirmation.Decision.CONFIRM)
    assert raised.value.code == CodErrorCode.INVALID_TRANSITION
    assert fresh(waiting).status == CodStatus.AWAITING_DEPOSIT


def test_takes_deposits_follows_the_adapter(settings):
    assert order_deposits.takes_deposits() is True  # the sandbox store
    settings.COD_HOST_ADAPTER = "cod_plugin.host.BaseHostAdapter"
    assert order_deposits.takes_deposits() is False
