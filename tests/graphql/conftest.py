"""GraphQL over HTTP against the sandbox store, with the demo fixtures loaded."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

FIXTURES = ("fixtures/01_store.json", "fixtures/02_cod.json", "fixtures/03_rates.json")
PASSWORD = "codDemo123!"


class Api:
    def __init__(self):
        self.client = Client()

    def raw(self, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        response = self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )
        return response.json()

    def __call__(self, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
        body = self.raw(query, variables, token=token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def token(self, email: str) -> str:
        data = self(
            "mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) { token } }",
            {"e": email, "p": PASSWORD},
        )
        return data["tokenCreate"]["token"]


@pytest.fixture
def demo(db):
    from django.core.cache import cache

    cache.clear()
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def api(demo):
    return Api()


@pytest.fixture
def token_for(demo):
    from django.contrib.auth import get_user_model

    from sandbox.store.auth import create_token

    return lambda email: create_token(get_user_model().objects.get(email=email))
