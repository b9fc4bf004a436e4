"""On PostgreSQL, two finance staff at the same moment: resolving one exception twice resolves it once, and two
deposits of one remittance record one. Each person is a thread with its own database connection."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connections

from cod_plugin.error_codes import CodError
from cod_plugin.flows import cash
from cod_plugin.models import CodOrderEvent, CodReconciliationException, CodRemittance
from cod_plugin.rules.reconciliation import LineStatus, Outcome

from .conftest import delivered
from .remittance_rows import remittance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PEOPLE = 2


def at_once(work) -> list[str]:
    barrier = Barrier(PEOPLE)

    def one(person):
        try:
            barrier.wait()
            work(person)
            return "done"
        except CodError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(PEOPLE) as pool:
        return sorted(pool.map(one, range(PEOPLE)))


def test_one_exception_resolved_twice_at_once_is_resolved_once(postgres, fastship):
    order = delivered(fastship)
    made = remittance(fastship, lines=[(order, "100.00", LineStatus.SHORT)])
    exception = CodReconciliationException.objects.get(remittance=made)

    def resolve(person):
        cash.resolve(exception.pk, outcome=Outcome.WRITTEN_OFF, note=f"by {person}", actor=f"finance{person}")

    assert at_once(resolve) == ["already_resolved", "done"]
    assert CodRemittance.objects.get(pk=made.pk).open_exceptions == 0
    assert CodOrderEvent.objects.filter(order=order, kind="cash_exception_resolved").count() == 1


def test_one_line_matched_by_hand_twice_at_once_counts_once(postgres, fastship):
    order = delivered(fastship)
    made = remittance(fastship, lines=[(None, "105.00", LineStatus.UNKNOWN)])
    exception = CodReconciliationException.objects.get(remittance=made)

    def match(person):
        cash.resolve(exception.pk, outcome=Outcome.MATCHED_BY_HAND, note="x", actor=f"f{person}", order_pk=order.pk)

    assert at_once(match) == ["already_resolved", "done"]
    assert CodReconciliationException.objects.filter(remittance=made, status="open").count() == 0
    assert cash.money_status(order).line_status == LineStatus.MATCHED


def test_two_deposits_of_one_remittance_at_once_record_one(postgres, fastship):
    made = remittance(fastship, lines=[(delivered(fastship), "105.00", LineStatus.MATCHED)])

    def record(person):
        amount = Decimal("100.00") + person
        cash.record_deposit(made.pk, amount=amount, deposited_on=date(2026, 12, 1), bank_reference="B", actor="f")

    assert at_once(record) == ["done", "invalid"]
    made.refresh_from_db()
    assert (made.status, made.open_exceptions) == (CodRemittance.Status.DEPOSIT_DIFFERS, 1)
    assert CodReconciliationException.objects.filter(remittance=made).count() == 1
