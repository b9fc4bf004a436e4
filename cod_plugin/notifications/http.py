"""A JSON-over-HTTP SMS/WhatsApp provider: one POST per message, deduplicated by its ``Idempotency-Key``."""

import requests
from django.core.exceptions import ImproperlyConfigured

from ..conf import app_settings
from . import Message, PermanentError, RetryableError

# Too many requests is the provider asking us to come back later, like a 5xx.
RETRYABLE_STATUSES = {408, 425, 429}


class HttpBackend:
    """The store-wide provider of ``COD_SMS_HTTP_URL``, or a channel's own when given its ``url`` and ``token``."""

    def __init__(self, *, url: str = "", token: str = ""):
        self.url = url or app_settings.SMS_HTTP_URL
        if not self.url:
            raise ImproperlyConfigured("COD_NOTIFICATION_BACKEND is http: set COD_SMS_HTTP_URL to the provider's URL.")
        self.token = token if url else app_settings.SMS_HTTP_TOKEN
        self.timeout = app_settings.SMS_HTTP_TIMEOUT

    def send(self, message: Message) -> str:
        try:
            response = requests.post(
                self.url, json=_payload(message), headers=self._headers(message), timeout=self.timeout
            )
        except requests.RequestException as error:  # connection refused, timeout, reset: the message may be retried
            raise RetryableError(f"provider unreachable: {error}") from error
        if response.status_code >= 500 or response.status_code in RETRYABLE_STATUSES:
            raise RetryableError(f"provider answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentError(f"provider refused ({response.status_code}): {response.text[:200]}")
        return _provider_id(response)

    def _headers(self, message: Message) -> dict[str, str]:
        headers = {"Idempotency-Key": message.key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def _payload(message: Message) -> dict[str, str]:
    return {
        "to": message.to,
        "sender": message.sender,
        "channel": message.channel,
        "body": message.body,
        "key": message.key,
    }


def _provider_id(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:  # accepted without a JSON body: the message went out, its id is unknown
        return ""
    return str(body.get("id", "")) if isinstance(body, dict) else ""
