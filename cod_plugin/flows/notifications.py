"""Messages to customers: queued with the change that causes them, sent once by a task, whatever its retries."""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone, translation

from ..conf import app_settings
from ..models import CodOrder, CodPolicy, Notification
from ..notifications import Message, PermanentError, RetryableError, backend_for, sender_for
from . import lifecycle, standing

SKIPPED = "skipped"


def queue(order: CodOrder, kind: str, body: Callable[[], str] | str) -> Notification:
    """Store the message in the caller's transaction and send it once that commits: never lost, never early.

    ``body`` (a callable that writes the text, or a lazy translation) is rendered in the customer's language, the
    one of the terms they accepted, whoever causes the message: a shopper, an agent in an admin of another
    language, a task with none."""
    with translation.override(order.terms_language or app_settings.DEFAULT_LANGUAGE):
        body = str(body() if callable(body) else body)
    policy = standing.policy_for(order)
    notification = Notification.objects.create(
        order=order,
        kind=kind,
        channel=policy.notification_channel,
        to=order.phone,
        sender=(policy.sms_url and policy.sms_sender) or sender_for(order.country),
        body=body,
    )
    # tasks.py imports the flows it wraps, so the task is looked up when it is needed, not at import
    from .. import tasks

    lifecycle.on_commit(tasks.send_notification, notification.pk)
    return notification


def send(notification_pk: int) -> str:
    """Send a pending message and return its status; "skipped" when it is already sent, failed or gone.

    The row stays locked while the provider is called, so two deliveries of the task cannot both send; a
    ``RetryableError`` is raised after the attempt is saved, for the task to try again later.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_pk).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return SKIPPED
        failure = _attempt(notification)
        notification.save()
    if failure is not None:
        raise failure
    return notification.status


def _attempt(notification: Notification) -> RetryableError | None:
    notification.attempts += 1
    try:
        notification.provider_id = backend_for(**_channel_provider(notification)).send(_message(notification))
    except PermanentError as error:
        notification.status, notification.error = Notification.Status.FAILED, str(error)[:255]
    except RetryableError as error:
        notification.error = str(error)[:255]
        return error
    else:
        notification.status, notification.sent_at, notification.error = Notification.Status.SENT, timezone.now(), ""
    return None


def _channel_provider(notification: Notification) -> dict[str, str]:
    """The order's channel's own provider (its policy's SMS URL and token), read when sending, so that a
    retry after the merchant changed the credentials uses the new ones; empty for the store-wide provider."""
    if notification.order_id is None:
        return {}
    channel = CodOrder.objects.filter(pk=notification.order_id).values("channel")[:1]
    found = CodPolicy.objects.filter(channel=Subquery(channel)).exclude(sms_url="").values("sms_url", "sms_token")
    row = found.first()
    return {"url": row["sms_url"], "token": row["sms_token"]} if row else {}


def _message(notification: Notification) -> Message:
    return Message(
        key=str(notification.key),
        to=notification.to,
        sender=notification.sender,
        channel=notification.channel,
        body=notification.body,
    )


def send_pending(*, older_than: timedelta = timedelta(minutes=10), now=None) -> int:
    """Send again the messages still pending ``older_than`` after they were queued (a provider outage outlasted
    their task's retries, or no worker ran them); returns how many went out. ``send``'s row lock and status check
    keep a message that a task is sending meanwhile from going out twice."""
    cutoff = (now or timezone.now()) - older_than
    waiting = Notification.objects.filter(status=Notification.Status.PENDING, created_at__lt=cutoff)
    sent = 0
    for pk in waiting.order_by("pk").values_list("pk", flat=True):
        try:
            sent += send(pk) == Notification.Status.SENT
        except RetryableError:
            continue  # still down: the attempt is saved, the next sweep tries again
    return sent
