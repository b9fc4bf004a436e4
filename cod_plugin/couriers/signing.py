"""Webhook signatures: hex HMAC-SHA256 of ``f"{timestamp}."`` and the raw body, keyed with the courier's secret.

The timestamp is signed with the body so that a captured request cannot be replayed later with a fresh
timestamp; ``COD_WEBHOOK_TOLERANCE_SECONDS`` (300) bounds how old (or how far ahead) it may be. The standard
library's ``hmac`` is all this needs.
"""

import hashlib
import hmac
import re
import time

from django.conf import settings

DEFAULT_TOLERANCE_SECONDS = 300
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds


class SignatureError(Exception):
    """The request cannot be trusted: nothing of it may be recorded."""


class InvalidSignature(SignatureError):
    pass


class StaleTimestamp(SignatureError):
    pass


def tolerance_seconds() -> int:
    """Read on each call, so that ``override_settings`` works."""
    return int(getattr(settings, "COD_WEBHOOK_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS))


def sign(secret: str, timestamp: int | str, raw_body: bytes) -> str:
    message = f"{timestamp}.".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, signature: str | None, raw_body: bytes) -> None:
    """Raise ``InvalidSignature`` or ``StaleTimestamp`` unless the request is the courier's and fresh.

    The signature is checked first: only a genuine request learns that its clock is off.
    """
    if not secret or not signature or not TIMESTAMP.fullmatch(timestamp or ""):
        raise InvalidSignature
    expected = sign(secret, timestamp, raw_body).encode()
    if not hmac.compare_digest(expected, signature.strip().lower().encode()):
        raise InvalidSignature
    if abs(time.time() - int(timestamp)) > tolerance_seconds():
        raise StaleTimestamp
