"""The cash API's tests: finance and couriers signed in, remittances written straight to the tables."""

import pytest
from strawberry.relay import to_base64

from tests.cash.conftest import delivered  # noqa: F401  (used by the tests here)
from tests.jobs.conftest import make_courier
from tests.lifecycle.helpers import courier_token


@pytest.fixture
def finance(token_for):
    return token_for("finance@example.com")


@pytest.fixture
def manager(token_for):
    """Staff who read orders but do not reconcile cash."""
    return token_for("manager@example.com")


@pytest.fixture
def fastship(demo):
    """A courier with its API account: (courier, token)."""
    return courier_token("fastship")


@pytest.fixture
def slowship(demo):
    return courier_token("slowship")


@pytest.fixture
def plain_courier(demo):
    """A courier without an API account."""
    return make_courier("quickship")


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def top_codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]
