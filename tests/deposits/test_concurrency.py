"""On PostgreSQL, the store reporting one deposit paid many times at once moves the order once and sends one
confirmation message. Each report is a thread with its own database connection; a barrier releases them together."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from cod_plugin import api as cod_api
from cod_plugin.error_codes import CodError
from cod_plugin.flows import sweeps
from cod_plugin.models import CodOrder, CodOrderEvent, Notification
from cod_plugin.models.risk import DepositStatus
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.auth import create_token
from tests.graphql.conftest import FIXTURES, Api
from tests.workers import tasks_run_here

from .conftest import ask_deposits, place_with_deposit

CALLERS = 10
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def all_at_once(call, count=CALLERS) -> list:
    """``call(i)`` in ``count`` threads released together (or failing after 30 s rather than hanging)."""
    barrier = Barrier(count, timeout=30)

    def run(i):
        try:
            barrier.wait()
            return call(i)
        except CodError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_simultaneous_reports_of_one_payment_move_the_order_once(postgres):
    call_command("loaddata", *FIXTURES, verbosity=0)
    ask_deposits()
    token = create_token(get_user_model().objects.get(email="new@example.com"))
    with tasks_run_here():
        _, order = place_with_deposit(Api(), token)
    answers = all_at_once(lambda i: cod_api.deposit_paid(order.order_ref, payment_ref=f"txn-{i}").status)
    assert answers == [CodStatus.PENDING_CONFIRMATION] * CALLERS, answers
    order = CodOrder.objects.select_related("deposit").get(pk=order.pk)
    assert (order.status, order.deposit.status) == (CodStatus.PENDING_CONFIRMATION, DepositStatus.PAID)
    assert CodOrderEvent.objects.filter(order=order, kind="deposit_paid").count() == 1
    assert Notification.objects.filter(order=order, kind="confirmation_request").count() == 1


def test_a_payment_and_the_sweep_at_once_leave_one_outcome(postgres):
    call_command("loaddata", *FIXTURES, verbosity=0)
    ask_deposits()
    token = create_token(get_user_model().objects.get(email="new@example.com"))
    with tasks_run_here():
        _, order = place_with_deposit(Api(), token)
    late = CodOrder.objects.get(pk=order.pk).deposit.expires_at + timedelta(seconds=1)
    calls = [lambda: cod_api.deposit_paid(order.order_ref).status, lambda: sweeps.expire_deposits(now=late)]
    all_at_once(lambda i: calls[i](), count=2)
    order = CodOrder.objects.select_related("deposit").get(pk=order.pk)
    # either the payment came first (the order went on) or the expiry did (cancelled, the payment given back)
    outcome = (order.status, order.deposit.status, order.deposit.refunded.amount == order.deposit.amount.amount)
    assert outcome in [
        (CodStatus.PENDING_CONFIRMATION, DepositStatus.PAID, False),
        (CodStatus.CANCELLED, DepositStatus.EXPIRED, True),
    ], outcome
