"""SMS and WhatsApp backends: the one named in ``COD_NOTIFICATION_BACKEND`` sends, console (a log line) by default."""

from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import import_string

from ..conf import app_settings

BACKENDS = {
    "console": "cod_plugin.notifications.console.ConsoleBackend",
    "http": "cod_plugin.notifications.http.HttpBackend",
}


class RetryableError(Exception):
    """The provider could not take the message now (outage, 5xx, timeout): sending it again later may work."""


class PermanentError(Exception):
    """The provider refused the message (4xx): sending it again would be refused again."""


@dataclass(frozen=True)
class Message:
    """``key`` is the notification's own id: the provider gets it on every attempt and keeps one message per key."""

    key: str
    to: str
    sender: str
    channel: str
    body: str


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Hand the message to the provider and return its message id; raise one of the errors above."""


def get_backend() -> Backend:
    """A short name from ``BACKENDS`` or the dotted path of a class of your own."""
    name = app_settings.NOTIFICATION_BACKEND
    return import_string(BACKENDS.get(name, name))()


def backend_for(*, url: str = "", token: str = "") -> Backend:
    """A channel's own HTTP provider when it has a URL; the store-wide backend otherwise."""
    if not url:
        return get_backend()
    from .http import HttpBackend  # the http module imports this one for Message and the errors

    return HttpBackend(url=url, token=token)


def sender_for(country: str) -> str:
    """The sender ID registered for the country (``COD_SMS_SENDER_IDS``), else its "default" entry."""
    sender_ids = app_settings.SMS_SENDER_IDS
    return sender_ids.get(country.upper(), sender_ids.get("default", ""))
