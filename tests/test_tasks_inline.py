"""A store without a Celery worker (``COD_TASKS = "inline"``): the plugin's tasks run in the process after commit."""

import logging

import pytest
from celery import current_app
from celery.app.task import Task
from django.db import transaction
from django.test import override_settings

from cod_plugin.models import Notification
from cod_plugin.notifications import RetryableError
from cod_plugin.notifications.console import ConsoleBackend
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
