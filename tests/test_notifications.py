"""Sending messages through an HTTP provider: an outage loses nothing, a retry never sends twice."""

import socket

import pytest
from django.test import override_settings

from cod_plugin.flows import notifications
from cod_plugin.models import Notification
from cod_plugin.notifications import RetryableError
from cod_plugin.tasks import send_notification

from .local_http import LocalJsonServer
from .workers import running_worker, tasks_run_here

TOKEN = "provider-token"


class SmsProvider(LocalJsonServer):
    """A JSON SMS API on 127.0.0.1: answers the given statuses in turn, then 200; a 200 delivers the message."""

    path = "/v1/messages"

    def __init__(self, statuses=()):
        super().__init__()
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.delivered: list[dict] = []

    def answer(self, method, path, headers, body):
        self.requests.append({"headers": headers, "body": body})
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.delivered.append(body)
        return status, ({"id": f"msg-{len(self.delivered)}"} if status == 200 else {"error": status})

    @property
    def keys(self) -> list[str]:
        return [request["headers"]["Idempotency-Key"] for request in self.requests]


def http_settings(url: str) -> dict:
    return {"COD_NOTIFICATION_BACKEND": "http", "COD_SMS_HTTP_URL": url, "COD_SMS_HTTP_TOKEN": TOKEN}


def new_message() -> Notification:
    return Notification.objects.create(
        kind="confirmation_request", channel="whatsapp", to="+971501234567", sender="SHOPAE", body="Order 1001: AED 50"
    )


@pytest.mark.django_db
def test_a_500_then_a_200_delivers_the_message_once_and_a_later_retry_sends_nothing():
    message = new_message()
    with SmsProvider(statuses=[500]) as provider, override_settings(**http_settings(provider.url)):
        # when the first attempt meets an outage, then the error is retryable and the message still pending
        with pytest.raises(RetryableError):
            notifications.send(message.pk)
        message.refresh_from_db()
        assert (message.status, message.attempts, message.error) == ("pending", 1, "provider answered 500")
        # when it is retried, then it is sent
        assert notifications.send(message.pk) == "sent"
        # when it is retried once more (a redelivered task), then nothing is sent
        assert notifications.send(message.pk) == "skipped"
    # then the provider got the message twice under one idempotency key, and delivered it once
    assert len(provider.requests) == 2 and provider.keys == [str(message.key)] * 2
    assert provider.delivered == [
        {
            "to": "+971501234567",
            "sender": "SHOPAE",
            "channel": "whatsapp",
            "body": "Order 1001: AED 50",
            "key": str(message.key),
        }
    ]
    assert provider.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id, message.error) == ("sent", 2, "msg-1", "")
    assert message.sent_at is not None


@pytest.mark.django_db
def test_the_task_retries_an_outage_by_itself():
    message = new_message()
    with SmsProvider(statuses=[503, 500]) as provider, override_settings(**http_settings(provider.url)):
        with tasks_run_here(propagate=False):
            assert send_notification.delay(message.pk).get() == "sent"
    assert len(provider.requests) == 3 and len(provider.delivered) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)


@pytest.mark.django_db
def test_a_refusal_is_recorded_and_not_retried():
    message = new_message()
    with SmsProvider(statuses=[422]) as provider, override_settings(**http_settings(provider.url)):
        assert notifications.send(message.pk) == "failed"
        assert notifications.send(message.pk) == "skipped"
    assert len(provider.requests) == 1 and provider.delivered == []
    message.refresh_from_db()
    assert message.status == "failed" and message.error.startswith("provider refused (422)")


@pytest.mark.django_db
def test_an_unreachable_provider_is_retryable():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/messages"
    message = new_message()
    with override_settings(**http_settings(url)), pytest.raises(RetryableError, match="unreachable"):
        notifications.send(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_the_outage_and_delivers_once(shared_database, redis_client, tmp_path):
    # given a queued message and a provider that answers 500 first
    message = new_message()
    with (
        SmsProvider(statuses=[500]) as provider,
        running_worker(http_settings(provider.url), redis_client, tmp_path) as worker,
    ):
        # when the worker runs the task, and runs it again as a redelivery would
        first = worker.run(send_notification, message.pk)
        second = worker.run(send_notification, message.pk)
    # then the worker retried after the 500 and the message arrived once
    assert (first, second) == ("sent", "skipped")
    assert len(provider.requests) == 2 and len(provider.delivered) == 1
    assert provider.keys == [str(message.key)] * 2
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id) == ("sent", 2, "msg-1")
