"""Asking for a deposit at placing: the store's payment, the pending deposit with its deadline, the message."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import order_deposits
from cod_plugin.models import CodOrderEvent, Notification
from cod_plugin.models.risk import CodOrderDeposit, DepositStatus

from .conftest import make_order

pytestmark = pytest.mark.django_db

PLAIN = "tests.deposits.conftest.PlainStore"
DECLINING = "tests.deposits.conftest.DecliningStore"


@override_settings(COD_HOST_ADAPTER="cod_plugin.host.BaseHostAdapter")
def test_the_default_adapter_takes_no_deposits():
    assert order_deposits.takes_deposits() is False


@override_settings(COD_HOST_ADAPTER=PLAIN)
def test_an_adapter_with_its_own_request_deposit_takes_them():
    assert order_deposits.takes_deposits() is True


@override_settings(COD_HOST_ADAPTER=PLAIN)
def test_open_deposit_records_the_pending_deposit_its_deadline_and_the_message():
    order = make_order(deposit="21.00")
    before = timezone.now()
    with transaction.atomic():
        deposit = order_deposits.open_deposit(order, amount=Decimal("21.00"), hours=48)
    deposit = CodOrderDeposit.objects.get(pk=deposit.pk)
    assert deposit.status == DepositStatus.PENDING
    assert deposit.amount.amount == Decimal("21.00")
    assert deposit.payment_ref == f"pay-{order.order_ref}"
    assert before + timedelta(hours=48) <= deposit.expires_at <= timezone.now() + timedelta(hours=48)
    event = CodOrderEvent.objects.get(order=order, kind="deposit_requested")
    assert event.data["amount"] == "21.00"
    message = Notification.objects.get(order=order, kind="deposit_request")
    assert "$21.00" in message.body and f"https://pay.example/{order.order_ref}" in message.body
    assert "$84.00" in message.body  # the rest, at the door


@override_settings(COD_HOST_ADAPTER=DECLINING)
def test_a_store_that_answers_none_refuses_the_deposit_and_nothing_is_recorded():
    order = make_order()
    with pytest.raises(CodError) as refused, transaction.atomic():
        order_deposits.open_deposit(order, amount=Decimal("21.00"), hours=48)
    assert refused.value.code == CodErrorCode.DEPOSIT_UNAVAILABLE
    assert not CodOrderDeposit.objects.filter(order=order).exists()
    assert not Notification.objects.filter(order=order).exists()
