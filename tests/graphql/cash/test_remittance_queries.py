"""codRemittances (a connection with filters; a courier sees only its own) and codRemittance (its lines and
exceptions paged), with SQL query counts that do not grow with the list."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.models import CodRemittance
from cod_plugin.rules.reconciliation import LineStatus
from tests.cash.remittance_rows import add_line, remittance

from .conftest import delivered, gid, top_codes

LIST = """query($filter: CodRemittanceFilterInput, $first: Int!, $after: String) {
  codRemittances(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id reference remittedOn currency status source courier { code name } total { amount currency }
      deductions { codCharge { amount } total { amount } } net { amount } lineCount openExceptions
      deposit { amount { amount } depositedOn bankReference } } }
  }
}"""
DETAIL = """query($id: ID!, $first: Int!, $after: String) { codRemittance(id: $id) {
  id reference lineCount
  lines(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { row reference status counted order { id number } expected { amount } collected { amount }
      deductions { total { amount } } remitted { amount } } } }
  exceptions(first: $first) { totalCount edges { node { id kind status difference { amount currency }
    order { number } lineRow remittance { reference } } } }
} }"""


def listed(api, token, first=20, after=None, **filter):
    body = api.raw(LIST, {"filter": filter or None, "first": first, "after": after}, token=token)
    assert "errors" not in body, body
    return body["data"]["codRemittances"]


def refs(connection_data) -> list[str]:
    return [edge["node"]["reference"] for edge in connection_data["edges"]]


def test_finance_lists_every_remittance_newest_first_and_filters_them(api, finance, fastship, slowship):
    # given
    fast, slow = fastship[0], slowship[0]
    remittance(fast, reference="F-1", remitted_on=date(2026, 11, 1))
    remittance(fast, reference="F-2", remitted_on=date(2026, 11, 15), status=CodRemittance.Status.SETTLED)
    remittance(slow, reference="S-1", remitted_on=date(2026, 11, 30))
    # then
    assert refs(listed(api, finance)) == ["S-1", "F-2", "F-1"]
    assert refs(listed(api, finance, courier="fastship")) == ["F-2", "F-1"]
    assert refs(listed(api, finance, status="SETTLED")) == ["F-2"]
    assert refs(listed(api, finance, remittedFrom="2026-11-15")) == ["S-1", "F-2"]
    assert refs(listed(api, finance, remittedTo="2026-11-15")) == ["F-2", "F-1"]
    assert refs(listed(api, finance, remittedFrom="2026-11-15", remittedTo="2026-11-15")) == ["F-2"]
    node = listed(api, finance, courier="slowship")["edges"][0]["node"]
    assert node["courier"] == {"code": "slowship", "name": "Slowship"}
    assert (node["status"], node["source"], node["deposit"]) == ("AWAITING_DEPOSIT", "API", None)


def test_the_list_pages_with_its_cursor(api, finance, fastship):
    for number in range(5):
        remittance(fastship[0], reference=f"F-{number}")
    first = listed(api, finance, first=2)
    assert (refs(first), first["totalCount"], first["pageInfo"]["hasNextPage"]) == (["F-4", "F-3"], 5, True)
    last = listed(api, finance, first=3, after=listed(api, finance, first=2)["pageInfo"]["endCursor"])
    assert (refs(last), last["pageInfo"]["hasNextPage"]) == (["F-2", "F-1", "F-0"], False)


def test_a_courier_sees_only_its_own_remittances(api, fastship, slowship):
    (fast, fast_token), (slow, _) = fastship, slowship
    remittance(fast, reference="F-1")
    remittance(slow, reference="S-1")
    assert refs(listed(api, fast_token)) == ["F-1"]
    assert refs(listed(api, fast_token, courier="fastship")) == ["F-1"]
    body = api.raw(LIST, {"filter": {"courier": "slowship"}, "first": 20}, token=fast_token)
    assert top_codes(body) == ["PERMISSION_DENIED"]


def test_an_unknown_courier_and_people_without_the_right_are_told_so(api, finance, manager):
    body = api.raw(LIST, {"filter": {"courier": "nobody"}, "first": 20}, token=finance)
    assert top_codes(body) == ["UNKNOWN_COURIER"]
    assert top_codes(api.raw(LIST, {"first": 20}, token=manager)) == ["PERMISSION_DENIED"]
    assert top_codes(api.raw(LIST, {"first": 20})) == ["PERMISSION_DENIED"]


def test_a_page_holds_at_most_100_remittances(api, finance):
    assert listed(api, finance, first=100)["edges"] == []
    assert top_codes(api.raw(LIST, {"first": 101}, token=finance)) == ["INVALID"]


def count(api, query, variables, token) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        body = api.raw(query, variables, token=token)
    assert "errors" not in body, body
    return len(captured), body["data"]


def test_listing_1_or_20_remittances_takes_the_same_queries(api, finance, fastship):
    counts = {}
    for size in (1, 20):
        for number in range(size):
            remittance(fastship[0], reference=f"R-{size}-{number}")
        counts[size], data = count(api, LIST, {"first": 100, "filter": {"remittedTo": "2030-01-01"}}, finance)
        assert data["codRemittances"]["totalCount"] == (1 if size == 1 else 21)
    assert set(counts.values()) == {6}, counts  # user, courier account, permissions (2), count, page


def test_one_remittance_with_its_lines_and_exceptions(api, finance, fastship, slowship):
    # given a remittance of three lines: matched, short, and another courier's order
    fast = fastship[0]
    mine, short, theirs = delivered(fast), delivered(fast), delivered(slowship[0])
    made = remittance(
        fast,
        lines=[(mine, "105.00", LineStatus.MATCHED), (short, "100.00", "short"), (theirs, "105.00", "other_courier")],
    )
    # when finance reads it
    data = api(DETAIL, {"id": gid("CodRemittance", made.pk), "first": 2}, token=finance)["codRemittance"]
    # then
    lines = data["lines"]
    assert (lines["totalCount"], lines["pageInfo"]["hasNextPage"]) == (3, True)
    assert [(e["node"]["row"], e["node"]["status"], e["node"]["counted"]) for e in lines["edges"]] == [
        (1, "MATCHED", True),
        (2, "SHORT", True),
    ]
    assert lines["edges"][1]["node"]["expected"] == {"amount": "105.00"}
    rest = api(
        DETAIL,
        {"id": gid("CodRemittance", made.pk), "first": 2, "after": lines["pageInfo"]["endCursor"]},
        token=finance,
    )
    third = rest["codRemittance"]["lines"]["edges"][0]["node"]
    assert (third["row"], third["status"], third["order"]["number"]) == (3, "OTHER_COURIER", theirs.order_number)
    exceptions = data["exceptions"]
    assert exceptions["totalCount"] == 2
    first = exceptions["edges"][0]["node"]
    assert (first["kind"], first["status"], first["difference"], first["lineRow"]) == (
        "SHORT",
        "OPEN",
        {"amount": "-5.00", "currency": "USD"},
        2,
    )


def test_a_courier_reads_its_own_remittance_only_and_not_anothers_order_in_it(api, fastship, slowship):
    (fast, fast_token), (slow, slow_token) = fastship, slowship
    theirs = delivered(slow)
    made = remittance(fast, lines=[(theirs, "105.00", "other_courier")])
    mine = api(DETAIL, {"id": gid("CodRemittance", made.pk), "first": 10}, token=fast_token)["codRemittance"]
    assert mine["lines"]["edges"][0]["node"]["order"] is None
    assert mine["exceptions"]["edges"][0]["node"]["order"] is None
    assert api(DETAIL, {"id": gid("CodRemittance", made.pk), "first": 10}, token=slow_token) == {"codRemittance": None}


def test_a_courier_reads_how_its_exception_was_resolved_but_not_finances_note_nor_who(api, finance, fastship):
    from django.utils import timezone

    fast, fast_token = fastship
    made = remittance(fast, lines=[(delivered(fast), "100.00", "short")])
    made.exceptions.update(
        status="resolved", outcome="courier_pays_back", note="Ask Sam at the depot", resolved_by="finance@example.com",
        resolved_at=timezone.now(),
    )  # fmt: skip
    query = "query($id: ID!) { codRemittance(id: $id) { exceptions(first: 5) { edges { node { outcome note resolvedBy resolvedAt } } } } }"  # noqa: E501
    seen = {
        who: api(query, {"id": gid("CodRemittance", made.pk)}, token=token)["codRemittance"]["exceptions"]["edges"][0]
        for who, token in (("finance", finance), ("courier", fast_token))
    }
    assert seen["finance"]["node"]["note"] == "Ask Sam at the depot"
    assert seen["finance"]["node"]["resolvedBy"] == "finance@example.com"
    assert seen["courier"]["node"]["outcome"] == "COURIER_PAYS_BACK" and seen["courier"]["node"]["resolvedAt"]
    assert (seen["courier"]["node"]["note"], seen["courier"]["node"]["resolvedBy"]) == ("", "")


def test_an_unknown_or_malformed_remittance(api, finance):
    assert api(DETAIL, {"id": gid("CodRemittance", 999), "first": 1}, token=finance) == {"codRemittance": None}
    assert top_codes(api.raw(DETAIL, {"id": gid("CodOrder", 1), "first": 1}, token=finance)) == ["INVALID"]


def test_a_remittance_with_5_or_150_lines_takes_the_same_queries(api, finance, fastship):
    fast = fastship[0]
    counts = {}
    for size in (5, 150):
        made = remittance(fast, reference=f"R-{size}")
        for row in range(1, size + 1):
            order = delivered(fast) if row % 10 == 0 else None
            add_line(made, row=row, order=order, collected="1.00", status="short" if order else "unknown")
        counts[size], data = count(api, DETAIL, {"id": gid("CodRemittance", made.pk), "first": 100}, finance)
        assert len(data["codRemittance"]["lines"]["edges"]) == min(size, 100)
    assert set(counts.values()) == {9}, counts  # user, courier, permissions (2), remittance, 2 + 2 pages
