"""tokenCreate under attack: failed sign-ins locked out by account and by address, passwords bounded before hashing."""

import json
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.test import Client, RequestFactory

from sandbox.store import auth, services
from sandbox.store.passwords import MAX_PASSWORD_LENGTH
from sandbox.store.services import ErrorCode, StoreInputError

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = """mutation($e: String!, $p: String!) {
  tokenCreate(email: $e, password: $p) { token refreshToken errors { field code message } }
}"""
REGISTER = """mutation($e: String!, $p: String!) {
  accountRegister(input: {email: $e, password: $p}) { user { email } errors { field code message } }
}"""
CUSTOMER, OTHER = "new@example.com", "trusted@example.com"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    """The time django-axes reads for each attempt, moved by the test."""

    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    moved = Clock()
    with mock.patch("axes.handlers.proxy.now", moved):
        yield moved


def sign_in(email: str, password: str, *, address: str = "203.0.113.7") -> dict:
    response = Client(REMOTE_ADDR=address).post(
        "/graphql/", json.dumps({"query": SIGN_IN, "variables": {"e": email, "p": password}}), "application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["tokenCreate"]


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["errors"]]


def fail(times: int, email: str = CUSTOMER, *, address: str = "203.0.113.7") -> list[dict]:
    return [sign_in(email, "wrong-password", address=address) for _ in range(times)]


def test_the_fifth_wrong_password_is_still_invalid_and_the_sixth_attempt_is_refused(demo, clock):
    # given four failures
    assert {code for answer in fail(4) for code in codes(answer)} == {"INVALID_CREDENTIALS"}
    # when the fifth is wrong too
    fifth = sign_in(CUSTOMER, "wrong-password")
    # then it is answered as any wrong password, and from then on even the right one is refused
    assert codes(fifth) == ["INVALID_CREDENTIALS"]
    sixth = sign_in(CUSTOMER, PASSWORD)
    assert sixth["token"] is None and sixth["refreshToken"] is None
    assert sixth["errors"] == [
        {"field": None, "code": "TOO_MANY_ATTEMPTS", "message": "Too many failed sign-ins: try again in 15 minutes."}
    ]


def test_four_failures_and_the_right_password_signs_in_and_starts_the_count_again(demo, clock):
    fail(4)
    assert sign_in(CUSTOMER, PASSWORD)["token"]
    # the count started again: four more failures do not lock the account
    fail(4)
    assert sign_in(CUSTOMER, PASSWORD)["token"]


def test_signing_in_to_ones_own_account_does_not_clear_the_failures_caused_on_others(demo, clock):
    # given an attacker with an account of their own, who guessed four times at another's password
    fail(4, CUSTOMER)
    # when they sign in to their own account from the same address, then guess once more
    assert sign_in(OTHER, PASSWORD)["token"]
    fail(1, CUSTOMER)
    # then the account they guessed at is locked, and so is their address
    assert codes(sign_in(CUSTOMER, PASSWORD, address="198.51.100.9")) == ["TOO_MANY_ATTEMPTS"]
    assert codes(sign_in("admin@example.com", PASSWORD)) == ["TOO_MANY_ATTEMPTS"]


def test_the_account_is_locked_from_any_address(demo, clock):
    fail(5, address="203.0.113.7")
    assert codes(sign_in(CUSTOMER, PASSWORD, address="198.51.100.9")) == ["TOO_MANY_ATTEMPTS"]


def test_the_address_is_locked_for_any_account(demo, clock):
    # given five failures from one address, spread over two accounts
    fail(3, CUSTOMER)
    fail(2, OTHER)
    # then a third account from that address is refused, and the same account from another address is not
    assert codes(sign_in("admin@example.com", PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    assert sign_in("admin@example.com", PASSWORD, address="198.51.100.9")["token"]


def test_the_lockout_lasts_fifteen_minutes_from_the_fifth_failure(demo, clock):
    fail(5)
    clock.now = T0 + timedelta(minutes=15)
    assert codes(sign_in(CUSTOMER, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    clock.now = T0 + timedelta(minutes=15, seconds=1)
    assert sign_in(CUSTOMER, PASSWORD)["token"]


def test_attempts_during_the_lockout_do_not_prolong_it(demo, clock):
    fail(5)
    clock.now = T0 + timedelta(minutes=10)
    fail(3)
    clock.now = T0 + timedelta(minutes=15, seconds=1)
    assert sign_in(CUSTOMER, PASSWORD)["token"]


def test_a_password_one_over_the_limit_is_refused_unhashed(demo, clock):
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.encode") as hasher:
        answer = sign_in(CUSTOMER, "x" * (MAX_PASSWORD_LENGTH + 1))
    assert answer["token"] is None
    assert answer["errors"] == [
        {"field": "password", "code": "INVALID", "message": "The password is longer than 128 characters."}
    ]
    hasher.assert_not_called()


def test_a_14_mb_password_is_refused_at_once_whatever_the_body_limit(demo, clock):
    # straight to the sign-in, so that a cap on request bodies in front of it does not decide this test
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="203.0.113.7")
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.encode") as hasher:
        with pytest.raises(StoreInputError) as refused:
            auth.sign_in(request, CUSTOMER, "x" * (14 * 1024 * 1024))
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "password")
    hasher.assert_not_called()


def test_a_password_at_the_limit_signs_in(demo, clock):
    user = get_user_model().objects.get(email=CUSTOMER)
    user.set_password("p" * MAX_PASSWORD_LENGTH)
    user.save()
    assert sign_in(CUSTOMER, "p" * MAX_PASSWORD_LENGTH)["token"]


def test_a_password_no_hasher_can_take_is_refused(demo, clock):
    assert codes(sign_in(CUSTOMER, "\ud800")) == ["INVALID"]


def test_an_email_longer_than_any_address_is_invalid_credentials(demo, clock):
    assert codes(sign_in("a" * 250 + "@example.com", PASSWORD)) == ["INVALID_CREDENTIALS"]


def register(email: str, password: str) -> dict:
    body = (
        Client()
        .post(
            "/graphql/", json.dumps({"query": REGISTER, "variables": {"e": email, "p": password}}), "application/json"
        )
        .json()
    )
    return body["data"]["accountRegister"]


def test_registration_takes_a_password_at_the_limit(demo):
    password = "Zq7!" * (MAX_PASSWORD_LENGTH // 4)
    assert register("long@example.com", password)["errors"] == []
    assert check_password(password, get_user_model().objects.get(email="long@example.com").password)


def test_registration_refuses_a_password_one_over_the_limit_and_creates_nothing(demo):
    answer = register("long@example.com", "Zq7!" * (MAX_PASSWORD_LENGTH // 4) + "x")
    assert answer["errors"] == [
        {"field": "password", "code": "INVALID", "message": "The password is longer than 128 characters."}
    ]
    assert not get_user_model().objects.filter(email="long@example.com").exists()


def test_registration_refuses_a_14_mb_password_before_validating_or_hashing_it(demo):
    with mock.patch("sandbox.store.services.validate_password") as validators:
        with pytest.raises(StoreInputError) as refused:
            services.register_customer("long@example.com", "x" * (14 * 1024 * 1024))
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "password")
    validators.assert_not_called()
