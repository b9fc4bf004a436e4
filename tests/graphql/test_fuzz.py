"""GraphQL fuzz: hypothesis-graphql writes queries and mutations over the served schema, sent through the sandbox's
view as anonymous, a customer and a superuser. No answer is a 5xx, no error says anything of the server's
internals, and none is an ``INTERNAL_ERROR`` (an input the API did not bound at its edge).

Bounded for every run (``COD_FUZZ_EXAMPLES`` per test, 40 by default: a few hundred requests in all); the long
run is ``make fuzz`` (the ``fuzz`` marker, with many more examples).
"""

import json
import logging
import os
import re

import graphql
import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries
from strawberry.relay import to_base64

from sandbox.schema import schema

from .shop import new_checkout

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("COD_FUZZ_EXAMPLES", "40"))
# The bounded run is the same every time (a red CI is reproducible); the long run explores anew each time.
DERANDOMIZE = "COD_FUZZ_EXAMPLES" not in os.environ
ROLES = ("anonymous", "customer", "superuser")
ACCOUNTS = {"customer": "new@example.com", "superuser": "admin@example.com"}
# Words that only a server's own machinery says: Python, Django, the database drivers.
INTERNAL = re.compile(
    r"<class |Traceback|%\(\w+\)s|codec|character varying|offset-naive|offset-aware|cannot contain NUL|"
    r"psycopg|sqlite|IntegrityError|OperationalError|InvalidOperation|decimal\.|NoneType|object has no attribute|"
    r"invalid literal for|KeyError|TypeError|ValueError|AttributeError|django\.|strawberry\.",
)


def _string(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


def _ids(known: list[str]) -> st.SearchStrategy:
    """IDs of real objects (so that flows run), and anything else."""
    return st.one_of(st.sampled_from(known), st.text(max_size=40)).map(_string)


DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e400", "1E+15", "-5.00", "0.001", "123456789012.50", "179.20", "\ud800", "1\x00"]),
    st.text(max_size=20),
).map(_string)
DATETIMES = st.one_of(
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00", "2026-13-40T25:61:00"]),
    st.text(max_size=30),
).map(_string)


def _scalars(known_ids: list[str]) -> dict:
    return {
        "ID": _ids(known_ids),
        "Decimal": DECIMALS,
        "DateTime": DATETIMES,
        "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(_string),
        "UUID": st.one_of(st.uuids().map(str), st.text(max_size=36)).map(_string),
        "JSON": st.just(graphql.ObjectValueNode(fields=())),
    }


@pytest.fixture
def served(api, token_for, settings):
    """The demo store with a few orders to aim at, a token for each role and the IDs of real objects."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fuzzed sign-ins stay fast
    from tests.lifecycle.helpers import place

    customer = token_for(ACCOUNTS["customer"])
    known = [place(api, customer)[0] for _ in range(2)]
    known.append(new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=customer))
    known += [to_base64("CodReturn", 1), to_base64("CodRefund", 1), to_base64("Product", 1)]
    tokens = {"anonymous": None, **{role: token_for(email) for role, email in ACCOUNTS.items()}}
    return tokens, known


class Findings:
    """What the run met: the fields that answered ``INTERNAL_ERROR``, with the exception the log has for each."""

    def __init__(self, caplog):
        self.caplog = caplog
        self.internal: set[tuple[str, str]] = set()

    def check(self, query: str, response) -> None:
        assert response.status_code < 500, (query, response.content[:500])
        body = response.json()
        for error in body.get("errors", []):
            assert not INTERNAL.search(error["message"]), (query, error)
            assert error.get("extensions", {}).get("code"), (query, error)
        logged = [record for record in self.caplog.records if record.name == "cod_plugin.graphql" and record.exc_info]
        for record in logged:
            kind, value, _ = record.exc_info
            self.internal.add((record.args[0] if record.args else "", f"{kind.__name__}: {str(value)[:120]}"))
        self.caplog.clear()


def _fuzz(strategy_for, served_fixture, caplog, role: str) -> None:
    tokens, known = served_fixture
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"} if tokens[role] else {}
    findings = Findings(caplog)

    @settings(
        max_examples=EXAMPLES,
        derandomize=DERANDOMIZE,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: the failing query is in the message as it was
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy_for(schema._schema, custom_scalars=_scalars(known)))
    def run(query: str) -> None:
        body = json.dumps({"query": query})
        findings.check(query, client.post("/graphql/", body, content_type="application/json", **headers))

    with caplog.at_level(logging.ERROR, logger="cod_plugin.graphql"):
        run()
    assert sorted(findings.internal) == [], "INTERNAL_ERROR answered by: " + "; ".join(map(str, findings.internal))


@pytest.mark.parametrize("role", ROLES)
def test_fuzzed_queries_answer_no_5xx_and_leak_nothing(served, caplog, role):
    _fuzz(queries, served, caplog, role)


@pytest.mark.parametrize("role", ROLES)
def test_fuzzed_mutations_answer_no_5xx_and_leak_nothing(served, caplog, role):
    _fuzz(mutations, served, caplog, role)
