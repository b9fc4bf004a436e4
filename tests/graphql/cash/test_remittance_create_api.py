"""codRemittanceCreate: every error code of the issue's list, checked at the edge or by the flow, nothing written
when it answers an error; a replay; the limit on lines at its edge; a courier posts only for itself."""

import pytest

from cod_plugin.models import CodReconciliationException, CodRemittance, CodRemittanceLine
from tests.admin.cod_orders import make_orders

from .conftest import delivered, top_codes

CREATE = """mutation($input: CodRemittanceInput!) { codRemittanceCreate(input: $input) {
  created errors { field code message }
  remittance { id reference courier { code } currency status total { amount currency } net { amount }
    deductions { codCharge { amount } total { amount } } lineCount openExceptions }
} }"""


def line(order, collected="105.00", **extra):
    return {"orderNumber": order.order_number, "collected": collected, **extra}


def posted(orders, *, courier=None, reference="R-1", currency="USD", **extra):
    data = {
        "reference": reference,
        "remittedOn": "2026-11-30",
        "currency": currency,
        "lines": [line(order) if not isinstance(order, dict) else order for order in orders],
        **extra,
    }
    return data if courier is None else {**data, "courier": courier}


def create(api, token, data) -> dict:
    return api(CREATE, {"input": data}, token=token)["codRemittanceCreate"]


def errors(payload) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


def test_a_courier_posts_its_remittance_and_the_same_again_is_a_replay(api, fastship):
    courier, token = fastship
    orders = [delivered(courier), delivered(courier)]
    data = posted(
        orders,
        total="210.00",
        net="206.00",
        deductions={"codCharge": "4.00"},
    )
    data["lines"][0]["deductions"] = {"codCharge": "4.00"}
    data["lines"][0]["remitted"] = "101.00"
    first = create(api, token, data)
    assert (first["errors"], first["created"]) == ([], True)
    made = first["remittance"]
    assert (made["courier"], made["status"], made["total"], made["net"], made["lineCount"]) == (
        {"code": "fastship"},
        "AWAITING_DEPOSIT",
        {"amount": "210.00", "currency": "USD"},
        {"amount": "206.00"},
        2,
    )
    assert made["deductions"] == {"codCharge": {"amount": "4.00"}, "total": {"amount": "4.00"}}
    again = create(api, token, data)
    assert (again["errors"], again["created"], again["remittance"]["id"]) == ([], False, made["id"])
    assert CodRemittance.objects.count() == 1 and CodRemittanceLine.objects.count() == 2


def test_the_same_reference_with_other_content_is_a_duplicate_reference(api, fastship):
    courier, token = fastship
    order = delivered(courier)
    create(api, token, posted([order]))
    payload = create(api, token, posted([line(order, "104.00")]))
    assert [code for _, code in errors(payload)] == ["DUPLICATE_REFERENCE"]


def test_finance_names_the_courier_and_records_lines_that_match_no_order(api, finance, fastship, slowship):
    courier = fastship[0]
    theirs = delivered(slowship[0])
    data = posted([delivered(courier), theirs, {"trackingNumber": "NO-SUCH", "collected": "1.00"}], courier="fastship")
    payload = create(api, finance, data)
    assert payload["errors"] == [] and payload["remittance"]["openExceptions"] == 2
    statuses = set(CodRemittanceLine.objects.values_list("status", flat=True))
    assert statuses == {"matched", "other_courier", "unknown"}
    assert CodReconciliationException.objects.filter(status="open").count() == 2


@pytest.mark.parametrize(
    ("courier", "expected"),
    [(None, [("courier", "REQUIRED")]), ("nobody", [("courier", "UNKNOWN_COURIER")])],
)
def test_finance_must_name_a_courier_that_exists(api, finance, fastship, courier, expected):
    assert errors(create(api, finance, posted([delivered(fastship[0])], courier=courier))) == expected


def test_a_courier_cannot_post_for_another_courier_nor_for_another_couriers_order(api, fastship, slowship):
    (fast, token), slow = fastship, slowship[0]
    body = api.raw(CREATE, {"input": posted([delivered(fast)], courier="slowship")}, token=token)
    assert top_codes(body) == ["PERMISSION_DENIED"]
    payload = create(api, token, posted([delivered(fast), delivered(slow)], courier="fastship"))
    assert [code for _, code in errors(payload)] == ["OTHER_COURIER_ORDER"]
    assert not CodRemittance.objects.exists()


def test_only_finance_and_couriers_post(api, manager, fastship):
    assert top_codes(api.raw(CREATE, {"input": posted([], courier="fastship")}, token=manager)) == ["PERMISSION_DENIED"]
    assert top_codes(api.raw(CREATE, {"input": posted([], courier="fastship")})) == ["PERMISSION_DENIED"]


CASES = {
    "unknown order": (lambda o: posted([{"orderNumber": "NO-SUCH", "collected": "1.00"}]), "UNKNOWN_ORDER"),
    "unknown tracking number": (
        lambda o: posted([{"trackingNumber": "NO-SUCH", "collected": "1.00"}]),
        "UNKNOWN_ORDER",
    ),
    "wrong currency": (lambda o: posted([line(o)], currency="EUR"), "CURRENCY_MISMATCH"),
    "too many decimals": (lambda o: posted([line(o, "105.001")]), "AMOUNT_PRECISION"),
    "decimals for JPY": (lambda o: posted([line(o, "1.5")], currency="JPY"), "AMOUNT_PRECISION"),
    "negative": (lambda o: posted([line(o, "-105.00")]), "NEGATIVE_AMOUNT"),
    "too large": (lambda o: posted([line(o, "1000000000000")]), "AMOUNT_TOO_LARGE"),
    "not a number": (lambda o: posted([line(o, "1O5")]), "INVALID"),
    "total": (lambda o: posted([line(o)], total="105.01"), "TOTAL_MISMATCH"),
    "net": (lambda o: posted([line(o)], net="104.99"), "NET_MISMATCH"),
    "deductions": (lambda o: posted([line(o)], deductions={"shipping": "1.00"}), "DEDUCTIONS_MISMATCH"),
    "line": (lambda o: posted([line(o, remitted="104.99")]), "LINE_MISMATCH"),
    "twice the same order": (lambda o: posted([line(o), line(o)]), "DUPLICATE_LINE"),
    "no lines": (lambda o: posted([]), "EMPTY_REMITTANCE"),
    "no order nor tracking number": (lambda o: posted([{"collected": "1.00"}]), "REQUIRED"),
    "both": (lambda o: posted([line(o, trackingNumber="T")]), "INVALID"),
    "unknown currency": (lambda o: posted([line(o)], currency="XXQ"), "INVALID"),
    "date out of range": (lambda o: {**posted([line(o)]), "remittedOn": "1999-12-31"}, "BAD_DATE"),
    "reference of 101 characters": (lambda o: posted([line(o)], reference="R" * 101), "INVALID"),
    "line reference of 65 characters": (lambda o: posted([{"trackingNumber": "T" * 65, "collected": "1"}]), "INVALID"),
    "empty reference": (lambda o: posted([line(o)], reference=" "), "REQUIRED"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_error_has_its_code_and_writes_nothing(api, fastship, case):
    courier, token = fastship
    build, code = CASES[case]
    payload = create(api, token, build(delivered(courier)))
    assert [got for _, got in errors(payload)] == [code], payload["errors"]
    assert payload["remittance"] is None and payload["created"] is False
    assert not CodRemittance.objects.exists() and not CodRemittanceLine.objects.exists()


def test_the_errors_name_the_line_as_graphql_does(api, fastship):
    courier, token = fastship
    orders = [delivered(courier), delivered(courier)]
    payload = create(api, token, posted([line(orders[0]), line(orders[1], "1.001")]))
    assert errors(payload) == [("lines.1.collected", "AMOUNT_PRECISION")]


def test_references_at_their_lengths_are_taken(api, fastship):
    courier, token = fastship
    payload = create(api, token, posted([line(delivered(courier))], reference="R" * 100))
    assert payload["errors"] == [] and payload["remittance"]["reference"] == "R" * 100


def test_a_call_takes_10000_lines_and_not_one_more(api, finance, fastship):
    # given 10,000 orders of the courier, delivered and paid
    orders = make_orders(10_000, courier=fastship[0], status="completed")
    lines = [{"orderNumber": order.order_number, "collected": "103.00"} for order in orders]
    # when finance posts all of them, then one line more
    at = create(api, finance, posted([], courier="fastship") | {"lines": lines})
    past = create(api, finance, posted([], courier="fastship", reference="R-2") | {"lines": [*lines, lines[0]]})
    # then
    assert at["errors"] == [] and at["remittance"]["lineCount"] == 10_000
    assert at["remittance"]["total"]["amount"] == "1030000.00"
    assert errors(past) == [("lines", "INVALID")]


def test_a_line_reference_of_64_characters_and_a_courier_code_of_51(api, finance, fastship):
    data = posted([{"trackingNumber": "T" * 64, "collected": "1.00"}], courier="fastship")
    assert create(api, finance, data)["errors"] == []
    too_long = posted([{"trackingNumber": "T", "collected": "1.00"}], courier="f" * 51, reference="R-2")
    assert errors(create(api, finance, too_long)) == [("courier", "INVALID")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2000-01-01", []), ("8999-12-31", []), ("1999-12-31", ["BAD_DATE"]), ("9000-01-01", ["BAD_DATE"])],
)
def test_a_remittance_date_between_the_years_2000_and_9000(api, fastship, day, expected):
    courier, token = fastship
    payload = create(api, token, {**posted([line(delivered(courier))]), "remittedOn": day})
    assert [code for _, code in errors(payload)] == expected
