"""GraphQL errors never leak and always have a code; requests are bounded (size, nesting, batching, depth,
aliases, cost, page sizes, introspection), each limit tested exactly at it and one past it."""

import json
import logging
from decimal import InvalidOperation

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, OperationalError
from django.test import Client, override_settings

from cod_plugin.flows import policies

SETTINGS = "query($c: String!) { codSettings(channel: $c) { enabled } }"
ORDERS = "query($n: Int!) { codOrders(first: $n) { edges { node { number } } } }"
PRODUCTS = 'query($n: Int!) { products(channel: "default-channel", first: $n) { edges { node { id } } } }'


def post(body: str | bytes, *, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post("/graphql/", body, content_type="application/json", **headers)


def send(query: str, variables: dict | None = None, *, token: str | None = None):
    return post(json.dumps({"query": query, "variables": variables or {}}), token=token)


def codes(response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- errors

# What PostgreSQL, psycopg, Django and Python said in answers before (issue 8, defect 6), raised where a flow runs.
LEAKS = [
    DataError("value too long for type character varying(100)"),
    DataError("A string literal cannot contain NUL (0x00) characters."),
    ValidationError("“%(value)s” value must be a decimal number.", params={"value": "x"}),
    TypeError("can't compare offset-naive and offset-aware datetimes"),
    InvalidOperation([InvalidOperation]),
    UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
    ZeroDivisionError("secret internals"),
]


@pytest.mark.parametrize("error", LEAKS, ids=lambda error: type(error).__name__)
def test_an_unexpected_exception_is_an_internal_error_logged_with_its_traceback(demo, monkeypatch, caplog, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(policies, "read_settings", broken)
    with caplog.at_level(logging.ERROR, logger="cod_plugin"):
        response = send(SETTINGS, {"c": "default-channel"})
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {
            "message": "Something went wrong on our side; try again later.",
            "locations": [{"line": 1, "column": 22}],
            "path": ["codSettings"],
            "extensions": {"code": "INTERNAL_ERROR"},
        }
    ]
    [logged] = [record for record in caplog.records if record.name == "cod_plugin.graphql"]
    assert logged.exc_info[1] is error


def test_a_busy_database_is_a_retryable_error(demo, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(policies, "read_settings", locked)
    [error] = send(SETTINGS, {"c": "default-channel"}).json()["errors"]
    assert error["extensions"] == {"code": "DATABASE_BUSY", "retryable": True}
    assert error["message"] == "The database is busy; try again in a moment."


def test_an_error_raised_on_purpose_passes_unchanged(demo):
    response = send(ORDERS, {"n": 1})
    assert response.json()["errors"][0]["extensions"] == {"code": "PERMISSION_DENIED"}
    assert response.json()["errors"][0]["message"] == "You do not have permission to do this."


@pytest.mark.parametrize(
    ("query", "code"),
    [("{ codSettings(channel: ", "GRAPHQL_PARSE_FAILED"), ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED")],
)
def test_parse_and_validation_errors_get_a_code(demo, query, code):
    assert codes(send(query)) == [code]


RECORD = """mutation($a: MoneyInput!) {
  codOrderRecordPayment(orderId: "Q29kT3JkZXI6MQ==", collectedAmount: $a, method: CASH, receipt: "R") {
    errors { code }
  }
}"""
RECORD_LITERAL = """mutation {
  codOrderRecordPayment(orderId: "Q29kT3JkZXI6MQ==", collectedAmount: {amount: "%s", currency: "USD"}, method: CASH,
    receipt: "R") { errors { code } }
}"""


@pytest.mark.parametrize("amount", ["abc", "1e400", "NaN", "1E+15", "\u0000"])
def test_a_malformed_decimal_is_refused_in_graphqls_words_only(demo, amount):
    for response in (send(RECORD, {"a": {"amount": amount, "currency": "USD"}}), send(RECORD_LITERAL % amount)):
        text = response.content.decode()
        assert response.status_code == 200
        for internal in ("<class", "decimal.", "InvalidOperation", "Traceback", "%(value)s"):
            assert internal not in text, text
        assert set(codes(response)) <= {"GRAPHQL_VALIDATION_FAILED", "PERMISSION_DENIED"}, text


# ---- the request itself

RETURN_REQUEST = """mutation($id: ID!, $lines: [CodReturnLineInput!]!, $reason: CodReturnReason!, $photos: [String!]) {
  codReturnRequestCreate(orderId: $id, lines: $lines, reason: $reason, photos: $photos) { errors { code } }
}"""


def test_a_variable_nested_100000_lists_deep_is_a_coded_400(demo):
    body = '{"query": ' + json.dumps(SETTINGS) + ', "variables": {"c": ' + nested(100_000) + "}}"
    response = post(body)
    assert response.status_code == 400 and codes(response) == ["GRAPHQL_VARIABLES_TOO_DEEP"]


@override_settings(COD_GRAPHQL_MAX_VARIABLE_DEPTH=10)
def test_variables_nest_at_most_the_setting_deep(demo):
    at_limit = send(SETTINGS, {"c": json.loads(nested(9))})  # the variables object is the first level
    past_it = send(SETTINGS, {"c": json.loads(nested(10))})
    assert at_limit.status_code == 200 and codes(at_limit) == ["GRAPHQL_VALIDATION_FAILED"]  # a list is no String
    assert past_it.status_code == 400 and codes(past_it) == ["GRAPHQL_VARIABLES_TOO_DEEP"]


def test_a_batch_is_a_coded_400(demo):
    response = post(json.dumps([{"query": "{ __typename }"}, {"query": "{ __typename }"}]))
    assert response.status_code == 400 and codes(response) == ["BATCHING_NOT_SUPPORTED"]


@pytest.mark.parametrize("body", [b"{not json", b'{"query": "\xff\xfe"}'])
def test_a_body_that_is_not_json_is_a_coded_400(demo, body):
    response = post(body)
    assert response.status_code == 400 and codes(response) == ["GRAPHQL_INVALID_JSON"]


def test_the_body_is_at_most_data_upload_max_memory_size(demo):
    padding = json.dumps({"query": "{ __typename }", "variables": {"pad": ""}})
    limit = len(padding) + 1000
    at_limit = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 1000}})
    assert len(at_limit) == limit
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=limit):
        assert post(at_limit).json() == {"data": {"__typename": "Query"}}
        past_it = post(at_limit.replace('"x', '"xx'))
    assert past_it.status_code == 413 and codes(past_it) == ["REQUEST_TOO_LARGE"]


def test_a_return_requests_photos_still_fit(demo):
    # five photos of 2 MB, base64: the body reaches codReturnRequestCreate (which wants a customer)
    photos = ["A" * (2 * 1024 * 1024 * 4 // 3)] * 5
    variables = {"id": "Q29kT3JkZXI6MQ==", "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}
    response = send(RETURN_REQUEST, {**variables, "photos": photos})
    assert response.status_code == 200 and codes(response) == ["PERMISSION_DENIED"]


# ---- what a document may ask for


@pytest.mark.parametrize(("query", "size"), [(ORDERS, "n"), (PRODUCTS, "n")])
def test_pages_hold_at_most_100(demo, token_for, query, size):
    token = token_for("admin@example.com")
    assert "errors" not in send(query, {size: 100}, token=token).json()
    for refused in (101, -1):
        [error] = send(query, {size: refused}, token=token).json()["errors"]
        assert error["extensions"] == {"code": "INVALID", "field": "first"}, error


COSTLY = "{ codOrders(first: 100) { edges { node { number } } } }"  # 1 + 100 × (edges 1 + node 1 + number 1)


def test_a_document_costs_at_most_the_setting(demo, token_for):
    token = token_for("admin@example.com")
    with override_settings(COD_GRAPHQL_MAX_COST=301):
        assert "errors" not in send(COSTLY, token=token).json()
    with override_settings(COD_GRAPHQL_MAX_COST=300):
        refused = send(COSTLY, token=token)
    assert codes(refused) == ["GRAPHQL_COST_LIMIT_EXCEEDED"] and refused.json()["data"] is None


def test_a_page_size_in_a_variable_costs_the_largest_page(demo, token_for):
    with override_settings(COD_GRAPHQL_MAX_COST=300):
        assert codes(send(ORDERS, {"n": 1}, token=token_for("admin@example.com"))) == ["GRAPHQL_COST_LIMIT_EXCEEDED"]


def test_a_document_nests_at_most_the_depth_setting(demo):
    with override_settings(COD_GRAPHQL_MAX_DEPTH=2):
        assert codes(send(SETTINGS.replace("enabled", "limits { tier }"), {"c": "x"})) == []
        assert codes(send(SETTINGS.replace("enabled", "limits { limit { amount } }"), {"c": "x"})) == [
            "GRAPHQL_VALIDATION_FAILED"
        ]


def test_a_document_has_at_most_20_aliases(demo):
    def aliased(count: int) -> str:
        return "{ " + " ".join(f'a{i}: codSettings(channel: "x") {{ enabled }}' for i in range(count)) + " }"

    assert codes(send(aliased(20))) == []
    assert codes(send(aliased(21))) == ["GRAPHQL_VALIDATION_FAILED"]


def test_a_document_has_at_most_the_token_setting(demo):
    query = "{ __typename }"  # 3 tokens
    with override_settings(COD_GRAPHQL_MAX_TOKENS=3):
        assert codes(send(query)) == []
    with override_settings(COD_GRAPHQL_MAX_TOKENS=2):
        assert codes(send(query)) == ["GRAPHQL_PARSE_FAILED"]


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_follows_the_setting_and_is_off_without_debug(demo):
    assert codes(send(INTROSPECTION))[0] == "GRAPHQL_VALIDATION_FAILED"  # tests run with DEBUG off
    with override_settings(COD_GRAPHQL_INTROSPECTION=True):
        assert send(INTROSPECTION).json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    with override_settings(DEBUG=True):
        assert "errors" not in send(INTROSPECTION).json()


RESCHEDULE = """mutation {
  codOrderReschedule(orderId: "Q29kT3JkZXI6MQ==", window: {start: "%s", end: "%s"}) { errors { code } }
}"""


@pytest.mark.parametrize("moment", ["store order", "2026-13-40T25:61:00", "0418-02-19T04:56:57-03:13:56"])
def test_a_malformed_datetime_is_refused_without_the_parsers_words(demo, moment):
    text = send(RESCHEDULE % (moment, moment)).content.decode()
    assert "Value cannot represent a DateTime." in text
    assert "invalid literal" not in text and "must be in" not in text and "offset must be" not in text, text


def test_a_mutation_may_ask_for_its_typename(demo):
    assert send("mutation { __typename }").json() == {"data": {"__typename": "Mutation"}}


def test_graphiql_is_served_only_with_introspection(demo):
    page = Client().get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 404 and codes(page) == ["NOT_FOUND"]
    with override_settings(COD_GRAPHQL_INTROSPECTION=True):
        assert b"graphiql" in Client().get("/graphql/", HTTP_ACCEPT="text/html").content.lower()
