"""Saleor-style bearer tokens: signed, expiring after a day, void once the password changes."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "sandbox.store.auth.token"
MAX_AGE = timedelta(hours=24)


def create_token(user) -> str:
    return signing.dumps({"uid": user.pk, "pwd": user.get_session_auth_hash()}, salt=SALT)


def user_for_token(token: str):
    """The active user the token was made for, or None when it is forged, expired or outdated."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=payload.get("uid"), is_active=True).first()
    if user is None or not constant_time_compare(payload.get("pwd", ""), user.get_session_auth_hash()):
        return None
    return user


def bearer_token(request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class BearerTokenMiddleware:
    """Signs in the request with ``Authorization: Bearer <token>``; a bad token leaves it anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bearer_token(request)
        if token is not None:
            request.user = user_for_token(token) or AnonymousUser()
        return self.get_response(request)
