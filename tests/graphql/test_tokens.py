"""Access tokens live 5 minutes, refresh tokens 30 days; neither passes for the other; a new password voids both."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import signing

from .conftest import PASSWORD

CUSTOMER = "new@example.com"
SIGN_IN = """mutation($e: String!, $p: String!) {
  tokenCreate(email: $e, password: $p) { token refreshToken user { email } errors { code } }
}"""
REFRESH = (
    "mutation($r: String!) { tokenRefresh(refreshToken: $r) { token user { email } errors { field code message } } }"
)
ME = "{ me { email } }"
T0 = 1_800_000_000  # signing stamps whole seconds


@pytest.fixture
def at():
    """Moves the clock that Django's signing reads when it stamps and checks a token, and only that one."""
    clock = mock.Mock(return_value=float(T0))
    with mock.patch("django.core.signing.time", mock.Mock(time=clock)):
        yield lambda seconds: setattr(clock, "return_value", float(T0 + seconds))


def tokens(api) -> dict:
    return api(SIGN_IN, {"e": CUSTOMER, "p": PASSWORD})["tokenCreate"]


def me(api, token: str):
    return api(ME, token=token)["me"]


def refresh(api, refresh_token: str) -> dict:
    return api(REFRESH, {"r": refresh_token})["tokenRefresh"]


def test_sign_in_gives_an_access_and_a_refresh_token(api, at):
    answer = tokens(api)
    assert answer["errors"] == [] and answer["user"] == {"email": CUSTOMER}
    assert me(api, answer["token"]) == {"email": CUSTOMER}


def test_the_access_token_works_for_exactly_five_minutes(api, at):
    token = tokens(api)["token"]
    at(5 * 60)
    assert me(api, token) == {"email": CUSTOMER}
    at(5 * 60 + 1)
    assert me(api, token) is None


def test_the_refresh_token_gives_a_new_access_token_for_thirty_days(api, at):
    refresh_token = tokens(api)["refreshToken"]
    at(30 * 24 * 3600)
    answer = refresh(api, refresh_token)
    assert answer["errors"] == [] and answer["user"] == {"email": CUSTOMER}
    assert me(api, answer["token"]) == {"email": CUSTOMER}
    at(30 * 24 * 3600 + 1)
    assert refresh(api, refresh_token)["errors"] == [
        {
            "field": "refreshToken",
            "code": "INVALID",
            "message": "The refresh token is invalid or expired: sign in again.",
        }
    ]


def test_a_refresh_token_is_not_an_access_token(api, at):
    assert me(api, tokens(api)["refreshToken"]) is None


def test_an_access_token_is_not_a_refresh_token(api, at):
    answer = refresh(api, tokens(api)["token"])
    assert answer["token"] is None and [e["code"] for e in answer["errors"]] == ["INVALID"]


def test_a_password_change_voids_both_tokens(api, at):
    # given
    answer = tokens(api)
    # when
    user = get_user_model().objects.get(email=CUSTOMER)
    user.set_password("another-Passw0rd!")
    user.save()
    # then
    assert me(api, answer["token"]) is None
    assert refresh(api, answer["refreshToken"])["token"] is None


@pytest.mark.parametrize("garbage", ["", "not-a-token", "x" * 10_000, "\ud800"])
def test_a_forged_refresh_token_is_refused(api, garbage):
    assert [e["code"] for e in refresh(api, garbage)["errors"]] == ["INVALID"]


def test_signing_really_reads_this_clock(at):
    # without it the edges above would test nothing
    at(7)
    assert signing.TimestampSigner().timestamp() == signing.b62_encode(T0 + 7)
