"""The admin's login: the same lockout as the API's sign-in, and a bounded password field."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from sandbox.store.passwords import MAX_PASSWORD_LENGTH
from tests.graphql.conftest import FIXTURES, PASSWORD

pytestmark = pytest.mark.django_db

STAFF = "admin@example.com"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LOCKED = "Too many failed sign-ins: try again in 15 minutes."
INVALID = "Please enter the correct email address and password for a staff account."


@pytest.fixture
def clock():
    moved = mock.Mock(return_value=T0)
    with mock.patch("axes.handlers.proxy.now", moved):
        call_command("loaddata", *FIXTURES, verbosity=0)
        yield lambda delta: setattr(moved, "return_value", T0 + delta)


def log_in(password: str, *, address: str = "203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/admin/login/", {"username": STAFF, "password": password, "next": "/admin/"})
    return response, client


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_fifth_wrong_password_is_invalid_and_the_sixth_attempt_is_refused(clock):
    for _ in range(5):
        response, _client = log_in("wrong-password")
        assert response.status_code == 200 and INVALID in response.content.decode()
    response, client = log_in(PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_admin_opens_again_after_the_cool_off(clock):
    for _ in range(5):
        log_in("wrong-password")
    clock(timedelta(minutes=15))
    assert LOCKED in log_in(PASSWORD)[0].content.decode()
    clock(timedelta(minutes=15, seconds=1))
    assert signed_in(log_in(PASSWORD)[0])


def test_failures_on_the_api_lock_the_admin_too(clock):
    from tests.graphql.test_sign_in import fail

    fail(5, STAFF)
    assert LOCKED in log_in(PASSWORD)[0].content.decode()


def test_a_password_at_the_limit_signs_in(clock):
    user = get_user_model().objects.get(email=STAFF)
    user.set_password("p" * MAX_PASSWORD_LENGTH)
    user.save()
    assert signed_in(log_in("p" * MAX_PASSWORD_LENGTH)[0])


def test_a_password_one_over_the_limit_is_refused_unhashed(clock):
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.encode") as hasher:
        response, _client = log_in("p" * (MAX_PASSWORD_LENGTH + 1))
    assert response.status_code == 200
    assert "Ensure this value has at most 128 characters" in response.content.decode()
    hasher.assert_not_called()


def test_every_sign_in_refuses_an_over_long_password_unhashed(clock):
    # the backend that every authenticate() passes first, whatever form or API is in front of it
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/elsewhere/", REMOTE_ADDR="203.0.113.7")
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.encode") as hasher:
        assert authenticate(request, username=STAFF, password="p" * (MAX_PASSWORD_LENGTH + 1)) is None
    hasher.assert_not_called()


def test_a_sign_in_without_a_request_still_works(clock):
    # Django's test Client.login and management code call authenticate() with no request: no address to count
    from django.contrib.auth import authenticate

    assert authenticate(username=STAFF, password=PASSWORD).email == STAFF
    assert authenticate(username=STAFF, password="p" * (MAX_PASSWORD_LENGTH + 1)) is None


def test_a_new_password_is_held_to_the_same_limit_wherever_it_is_set():
    # the admin's password forms run AUTH_PASSWORD_VALIDATORS: the first refuses what sign-in would refuse
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    validate_password("Zq7!" * (MAX_PASSWORD_LENGTH // 4))
    with pytest.raises(ValidationError) as refused:
        validate_password("Zq7!" * (MAX_PASSWORD_LENGTH // 4) + "x")
    assert refused.value.messages == ["The password is longer than 128 characters."]
