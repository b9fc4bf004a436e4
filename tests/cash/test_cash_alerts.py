"""The overdue cash alert: finance staff get an e-mail naming the couriers, the amounts and the age; nobody else,
and nothing at all when no cash is overdue."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from cod_plugin import tasks
from cod_plugin.flows.cash_in_hand import alert_overdue

from .holding import TODAY, collected, courier, days_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    """One of each: finance (through the group), a manager, a finance user without e-mail, one inactive, and a
    superuser; all staff."""
    make = get_user_model().objects.create_user
    finance = Group.objects.get(name="COD finance")
    users = {
        "finance": make("fin", "fin@example.com", "x", is_staff=True),
        "manager": make("man", "man@example.com", "x", is_staff=True),
        "no e-mail": make("noemail", "", "x", is_staff=True),
        "inactive": make("gone", "gone@example.com", "x", is_staff=True, is_active=False),
    }
    for name in ("finance", "no e-mail", "inactive"):
        users[name].groups.add(finance)
    users["manager"].groups.add(Group.objects.get(name="COD managers"))
    get_user_model().objects.create_superuser("root", "root@example.com", "x")
    return users


def test_finance_hears_of_each_courier_holding_overdue_cash(staff):
    # given two couriers holding cash past their deadline and one within it
    late, later, on_time = courier("late", days=3), courier("later", days=7), courier("ontime", days=7)
    collected(late, days_before(4), amount="25", n=2)
    collected(late, TODAY, amount="1")
    collected(later, days_before(10), amount="9.5", currency="EUR")
    collected(on_time, days_before(7))
    # when
    alerted = alert_overdue(today=TODAY)
    # then one e-mail, to finance only, naming the late couriers, the overdue amounts and the age
    assert alerted == 2
    (message,) = mail.outbox
    assert message.to == ["fin@example.com"]
    assert message.subject == "COD: overdue cash with 2 couriers"
    assert "Late: $50.00 overdue in 2 orders, the oldest held 4 days (deadline 3 days); $51.00 in hand" in message.body
    assert "Later: €9.50 overdue in 1 order, the oldest held 10 days (deadline 7 days)" in message.body
    assert "Ontime" not in message.body


def test_nothing_is_sent_when_no_cash_is_overdue(staff):
    collected(courier(days=7), days_before(7))
    assert alert_overdue(today=TODAY) == 0
    assert mail.outbox == []


def test_nothing_is_sent_without_finance_staff():
    collected(courier(days=1), days_before(5))
    assert alert_overdue(today=TODAY) == 0 and mail.outbox == []


def test_the_periodic_task_runs_the_alert(staff, settings):
    collected(courier(days=0), days_before(3))
    assert tasks.alert_overdue_cash.apply().get() == 1
    assert len(mail.outbox) == 1 and tasks.alert_overdue_cash in tasks.SWEEPS
    assert settings.CELERY_BEAT_SCHEDULE["cod-alert-overdue-cash"]["task"] == "cod_plugin.tasks.alert_overdue_cash"
