"""Sending messages through an HTTP provider: an outage loses nothing, a retry never sends twice."""

import socket

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from cod_plugin.flows import confirmation, notifications
from cod_plugin.models import CodOrder, CodPolicy, Notification
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


# --- a channel's own SMS provider (CodPolicy.sms_url, sms_token, sms_sender) ----------------------------------


def order_in(channel: str, number: str, country: str) -> CodOrder:
    currency = {"channel-ae": "AED"}.get(channel, "USD")
    return CodOrder.objects.create(
        order_ref=f"ref-{number}",
        order_number=number,
        checkout_ref=f"checkout-{number}",
        channel=channel,
        customer_key=f"{number}@example.com",
        order_amount=Money(50, currency),
        fee=Money(2, currency),
        amount_to_collect=Money(52, currency),
        tier="NEW",
        terms_version=1,
        terms_language="en",
        country=country,
        phone="+971501234567" if country == "AE" else "+12125550100",
    )


def channel_provider_policies(url: str) -> None:
    CodPolicy.objects.create(
        channel="channel-ae", currency="AED", sms_url=url, sms_token="ae-own-token-0001", sms_sender="SHOPAE"
    )
    CodPolicy.objects.create(channel="default-channel", currency="USD", sms_sender="IGNORED")


@pytest.mark.django_db
def test_a_channel_with_its_own_provider_sends_through_it_with_its_token_and_sender():
    with (
        SmsProvider() as own,
        SmsProvider() as store_wide,
        override_settings(**http_settings(store_wide.url), COD_SMS_SENDER_IDS={"default": "CODSHOP"}),
    ):
        # given channel-ae with its own provider, and default-channel on the store-wide one
        channel_provider_policies(own.url)
        ae = notifications.queue(order_in("channel-ae", "2001", "AE"), "confirmation_request", "Order 2001")
        us = notifications.queue(order_in("default-channel", "2002", "US"), "confirmation_request", "Order 2002")
        # when both messages are sent
        assert (notifications.send(ae.pk), notifications.send(us.pk)) == ("sent", "sent")
    # then each went to its own provider, with that provider's token and sender
    assert [(m["body"], m["sender"]) for m in own.delivered] == [("Order 2001", "SHOPAE")]
    assert own.requests[0]["headers"]["Authorization"] == "Bearer ae-own-token-0001"
    assert [(m["body"], m["sender"]) for m in store_wide.delivered] == [("Order 2002", "CODSHOP")]
    assert store_wide.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.django_db
def test_a_channel_provider_is_used_even_when_the_store_logs_its_messages(caplog):
    with SmsProvider() as own:
        # given the store-wide console backend, and channel-ae with its own provider
        channel_provider_policies(own.url)
        ae = notifications.queue(order_in("channel-ae", "2003", "AE"), "confirmation_request", "Order 2003")
        us = notifications.queue(order_in("default-channel", "2004", "US"), "confirmation_request", "Order 2004")
        with caplog.at_level("INFO", logger="cod_plugin.notifications"):
            assert (notifications.send(ae.pk), notifications.send(us.pk)) == ("sent", "sent")
    # then channel-ae's message went over HTTP, and the other one to the log only
    assert [m["body"] for m in own.delivered] == ["Order 2003"]
    assert "Order 2004" in caplog.text and "Order 2003" not in caplog.text


@pytest.mark.django_db
def test_new_credentials_apply_to_a_retry():
    with SmsProvider(statuses=[503]) as old, SmsProvider() as new:
        # given a message whose first attempt met an outage at the channel's provider
        channel_provider_policies(old.url)
        message = notifications.queue(order_in("channel-ae", "2005", "AE"), "confirmation_request", "Order 2005")
        with pytest.raises(RetryableError):
            notifications.send(message.pk)
        # when the merchant moves the channel to another provider, and the message is retried
        CodPolicy.objects.filter(channel="channel-ae").update(sms_url=new.url, sms_token="ae-new-token-0002")
        assert notifications.send(message.pk) == "sent"
    # then the retry went to the new provider with the new token, under the same idempotency key
    assert old.delivered == [] and [m["key"] for m in new.delivered] == [str(message.key)]
    assert new.requests[0]["headers"]["Authorization"] == "Bearer ae-new-token-0002"


# --- the customer's language, whoever causes the message --------------------------------------------------------


def french_order(number: str) -> CodOrder:
    """A French customer's order: 1,234.50 USD to collect, COD fee 36.00 included."""
    order = order_in("default-channel", number, "US")
    order.terms_language = "fr"
    order.order_amount, order.fee = Money("1198.50", "USD"), Money("36.00", "USD")
    order.amount_to_collect = Money("1234.50", "USD")
    order.save()
    return order


@pytest.mark.django_db
def test_the_confirmation_message_is_the_customers_language_in_an_agents_arabic_admin():
    # given a French customer's order, queued while the active language is an agent's Arabic
    order = french_order("2010")
    with translation.override("ar"):
        confirmation.order_placed(order)
    # then the message is French, with the amounts written the French way
    body = Notification.objects.get(order=order).body
    assert body.startswith(
        "Commande 2010 : 1\u202f234,50\u00a0$US à payer à la livraison, "
        "frais de paiement à la livraison de 36,00\u00a0$US inclus. Confirmez ou annulez : "
    )


@pytest.mark.django_db
def test_a_lazy_text_is_written_in_the_customers_language_not_the_active_one():
    order = french_order("2011")
    with translation.override("ar"):
        text = gettext_lazy("This confirmation link is not valid.")
        message = notifications.queue(order, "confirmation_request", text)
    message.refresh_from_db()
    assert message.body == "Ce lien de confirmation n’est pas valide."
