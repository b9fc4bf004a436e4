"""Sign-in as Saleor ships it: short-lived access tokens, a refresh token, and failed sign-ins throttled.

Tokens are Django's ``signing`` with a ``max_age`` (no JWT library needed for tokens only this store reads). An
access token lives 5 minutes and is sent as ``Authorization: Bearer``; a refresh token lives 30 days and only buys
new access tokens. Each kind has its own salt, so neither passes for the other, and each carries the user's session
hash, so a password change voids both. Failed sign-ins are counted by django-axes through ``authenticate``; the
first backend, ``SignInBackend``, refuses a locked-out account or address and an unusable password before any
password is hashed, and says which on the request for the entry point to answer.
"""

from datetime import timedelta
from enum import StrEnum

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, get_user_model, user_logged_in
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .passwords import MAX_PASSWORD_LENGTH, password_problem
from .services import ErrorCode, StoreInputError

ACCESS_SALT = "sandbox.store.auth.token"
REFRESH_SALT = "sandbox.store.auth.refresh"
ACCESS_MAX_AGE = timedelta(minutes=5)
REFRESH_MAX_AGE = timedelta(days=30)
MAX_TOKEN_LENGTH = 1024  # ours are about 120 characters
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest address; axes stores the name tried in a column of 255


class Refusal(StrEnum):
    LOCKED_OUT = "locked_out"
    UNUSABLE_PASSWORD = "unusable_password"


def create_token(user) -> str:
    """An access token for ``user``: 5 minutes."""
    return _dumps(user, ACCESS_SALT)


def create_refresh_token(user) -> str:
    """A refresh token for ``user``: 30 days, for ``tokenRefresh`` only."""
    return _dumps(user, REFRESH_SALT)


def user_for_token(token: str):
    """The active user an access token was made for, or None when it is forged, expired or outdated."""
    return _load(token, ACCESS_SALT, ACCESS_MAX_AGE)


def user_for_refresh_token(token: str):
    """The active user a refresh token was made for, or None when it is forged, expired or outdated."""
    return _load(token, REFRESH_SALT, REFRESH_MAX_AGE)


def _dumps(user, salt: str) -> str:
    return signing.dumps({"uid": user.pk, "pwd": user.get_session_auth_hash()}, salt=salt)


def _load(token: str, salt: str, max_age: timedelta):
    if len(token) > MAX_TOKEN_LENGTH:  # not one of ours: no need to read megabytes to say so
        return None
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(payload, dict):
        return None
    user = get_user_model().objects.filter(pk=payload.get("uid"), is_active=True).first()
    if user is None or not constant_time_compare(str(payload.get("pwd", "")), user.get_session_auth_hash()):
        return None
    return user


def sign_in(request, email: str, password: str):
    """The user these credentials are for, signed in (last login, failures cleared); StoreInputError if refused."""
    problem = password_problem(password)
    if problem:
        raise StoreInputError(ErrorCode.INVALID, problem, field="password")
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or "\x00" in email or not email.isprintable():
        raise StoreInputError(ErrorCode.INVALID_CREDENTIALS, _("Invalid credentials."), field="email")
    user = authenticate(request, username=email, password=password)
    if user is None:
        if getattr(request, "sign_in_refusal", None) == Refusal.LOCKED_OUT:
            raise StoreInputError(ErrorCode.TOO_MANY_ATTEMPTS, locked_out_message())
        raise StoreInputError(ErrorCode.INVALID_CREDENTIALS, _("Invalid credentials."), field="email")
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user


def locked_out_message() -> str:
    return _("Too many failed sign-ins: try again in %(minutes)d minutes.") % {"minutes": _cool_off_minutes()}


def _cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def clear_own_failures(sender, request, user, **kwargs):
    """On ``user_logged_in``: the account's failures from this address are forgiven, and no others.

    Not axes' AXES_RESET_ON_SUCCESS, which also clears every failure from the address: whoever has an account of
    their own could then sign in to it between guesses and never be locked out of guessing at others.
    """
    if request is None:
        return
    names = {user.get_username(), (getattr(user, "email", "") or "").strip().lower()} - {""}
    AccessAttempt.objects.filter(username__in=names, ip_address=get_client_ip_address(request)).delete()


class SignInBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: what no backend may hash, or a lockout, stops the sign-in here."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is not None and password_problem(password):
            _refuse(request, Refusal.UNUSABLE_PASSWORD)
        if request is None:  # a sign-in with no client (Django's test Client.login): no address to count
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            _refuse(request, Refusal.LOCKED_OUT)


def _refuse(request, refusal: Refusal):
    if request is not None:
        request.sign_in_refusal = refusal
    # authenticate() stops at PermissionDenied and reports a failed sign-in, which axes counts
    raise PermissionDenied(refusal.value)


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's login form: a bounded password field, and a lockout said as such rather than as bad input."""

    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Staff sign in with their e-mail address (the user model's "username" holds it), as tokenCreate does.
        self.fields["username"].label = gettext_lazy("Email")
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def get_invalid_login_error(self):
        if getattr(self.request, "sign_in_refusal", None) == Refusal.LOCKED_OUT:
            return ValidationError(locked_out_message(), code="locked_out")
        # Django's message names the user model's field ("username"): name what staff typed instead.
        field = gettext_lazy("email address")
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login", params={"username": field})


class BearerTokenMiddleware:
    """Signs in the request with ``Authorization: Bearer <access token>``; a bad token leaves it anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bearer_token(request)
        if token is not None:
            request.user = user_for_token(token) or AnonymousUser()
        return self.get_response(request)


def bearer_token(request) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None
