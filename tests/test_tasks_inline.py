"""A store without a Celery worker (``COD_TASKS = "inline"``): the plugin's tasks run in the process after commit."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from celery import current_app
from celery.app.task import Task
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cod_plugin.flows import rates
from cod_plugin.models import Notification
from cod_plugin.notifications import RetryableError
from cod_plugin.notifications.console import ConsoleBackend
from cod_plugin.tasks import SWEEPS
from tests.graphql import conftest as graphql
from tests.lifecycle.helpers import place

api, demo, token_for = graphql.api, graphql.demo, graphql.token_for  # the GraphQL tests' fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """Inline mode, Celery not eager, and whatever still went to Celery's broker recorded instead of sent."""
    sent_to_celery = []
    monkeypatch.setattr(Task, "apply_async", lambda task, *args, **kwargs: sent_to_celery.append(task.name))
    eager, current_app.conf.task_always_eager = current_app.conf.task_always_eager, False
    try:
        with override_settings(COD_TASKS="inline"):
            yield sent_to_celery
    finally:
        current_app.conf.task_always_eager = eager


def test_placing_an_order_sends_the_confirmation_sms_once_the_order_is_committed(
    api, token_for, no_worker, caplog, django_capture_on_commit_callbacks
):
    # given: an order placed, its transaction not yet committed
    with caplog.at_level(logging.INFO, logger="cod_plugin.notifications"):
        with django_capture_on_commit_callbacks() as committed:
            _, order = place(api, token_for("new@example.com"))
        message = Notification.objects.get(order=order)
        assert message.status == Notification.Status.PENDING
        # when: it commits
        for callback in committed:
            callback()
    # then: the SMS went out in this process, nothing was sent to Celery
    message.refresh_from_db()
    assert (message.status, message.attempts, message.kind) == ("sent", 1, "confirmation_request")
    assert [r for r in caplog.records if r.name == "cod_plugin.notifications" and message.body in r.getMessage()]
    assert no_worker == []


def test_nothing_is_sent_when_the_transaction_rolls_back(api, token_for, caplog, django_capture_on_commit_callbacks):
    # given / when: the store's checkout fails after the plugin placed the order, in the same transaction
    with caplog.at_level(logging.INFO, logger="cod_plugin.notifications"):
        with django_capture_on_commit_callbacks(execute=True) as committed:
            with pytest.raises(RuntimeError), transaction.atomic():
                place(api, token_for("new@example.com"))
                raise RuntimeError("the store's checkout failed")
    # then: no message, no task
    assert committed == [] and not Notification.objects.exists()
    assert not [r for r in caplog.records if r.name == "cod_plugin.notifications"]


def test_a_failing_task_is_logged_and_the_order_stands(
    api, token_for, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    # given: the SMS provider is down
    def down(backend, message):
        raise RetryableError("provider unreachable")

    monkeypatch.setattr(ConsoleBackend, "send", down)
    # when: the order is placed and committed
    with caplog.at_level(logging.ERROR, logger="cod_plugin.flows.lifecycle"):
        with django_capture_on_commit_callbacks(execute=True):
            _, order = place(api, token_for("new@example.com"))
    # then: the customer got their order; the failure is in the log; the message waits, its attempt counted
    (record,) = [r for r in caplog.records if r.name == "cod_plugin.flows.lifecycle"]
    assert "cod_plugin.tasks.send_notification" in record.getMessage() and record.exc_info
    message = Notification.objects.get(order=order)
    assert (message.status, message.attempts, message.error) == ("pending", 1, "provider unreachable")


@override_settings(COD_TASKS="celery")
def test_celery_mode_still_sends_to_celery(api, token_for, no_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place(api, token_for("new@example.com"))
    assert no_worker == ["cod_plugin.tasks.send_notification"]
    assert Notification.objects.get().status == Notification.Status.PENDING


# Periodic work without Celery beat: manage.py cod_sweep from cron


def pending_message(api, token_for, monkeypatch, on_commit, *, minutes_ago: int) -> Notification:
    """A confirmation SMS that the provider's outage left pending, queued ``minutes_ago``."""
    with monkeypatch.context() as outage:
        outage.setattr(ConsoleBackend, "send", lambda backend, message: (_ for _ in ()).throw(RetryableError("down")))
        with on_commit(execute=True):
            _, order = place(api, token_for("new@example.com"))
    message = Notification.objects.get(order=order)
    Notification.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return message


def test_the_sweep_sends_a_message_an_outage_left_pending(
    api, token_for, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a message pending for 11 minutes, the provider back
    message = pending_message(api, token_for, monkeypatch, django_capture_on_commit_callbacks, minutes_ago=11)
    out = StringIO()
    # when
    call_command("cod_sweep", "send_pending_notifications", stdout=out)
    # then
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert out.getvalue() == "send_pending_notifications: 1\n"


def test_the_sweep_leaves_a_message_queued_under_ten_minutes_ago_to_its_task(
    api, token_for, monkeypatch, django_capture_on_commit_callbacks
):
    message = pending_message(api, token_for, monkeypatch, django_capture_on_commit_callbacks, minutes_ago=9)
    call_command("cod_sweep", "send_pending_notifications", stdout=StringIO())
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)


def test_a_message_is_sent_again_only_once_it_is_more_than_ten_minutes_old(
    api, token_for, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a message left pending, queued at a known instant
    from cod_plugin.flows import notifications

    message = pending_message(api, token_for, monkeypatch, django_capture_on_commit_callbacks, minutes_ago=0)
    queued = Notification.objects.get(pk=message.pk).created_at
    # when / then: exactly ten minutes old, it is still its task's to send
    assert notifications.send_pending(now=queued + timedelta(minutes=10)) == 0
    message.refresh_from_db()
    assert message.status == "pending"
    # and one microsecond more, the sweep sends it
    assert notifications.send_pending(now=queued + timedelta(minutes=10, microseconds=1)) == 1
    message.refresh_from_db()
    assert message.status == "sent"


def test_the_sweep_runs_every_periodic_task(demo):
    out = StringIO()
    call_command("cod_sweep", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [task.__name__ for task in SWEEPS]


def test_a_failing_sweep_fails_the_command_and_the_others_still_run(demo, monkeypatch):
    # given: the exchange-rate provider is unreachable
    def unreachable():
        raise OSError("rates provider unreachable")

    monkeypatch.setattr(rates, "refresh_rates", unreachable)
    out, err = StringIO(), StringIO()
    # when / then
    with pytest.raises(CommandError, match="failed: refresh_exchange_rates"):
        call_command("cod_sweep", stdout=out, stderr=err)
    assert "rates provider unreachable" in err.getvalue()
    assert len(out.getvalue().splitlines()) == len(SWEEPS) - 1


def test_an_unknown_sweep_is_refused_with_the_names(demo):
    with pytest.raises(CommandError, match="no such sweep: send_sms; the sweeps are refresh_exchange_rates"):
        call_command("cod_sweep", "send_sms")


def test_the_sandbox_beat_schedule_runs_every_sweep_that_cron_would(settings):
    # given: the sweeps `manage.py cod_sweep` runs where there is no beat
    from cod_plugin.tasks import SWEEPS

    # then: where beat runs (the sandbox), it schedules each of them
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert sorted(sweep.name for sweep in SWEEPS if sweep.name not in scheduled) == []
