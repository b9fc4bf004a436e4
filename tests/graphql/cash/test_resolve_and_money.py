"""codReconciliationExceptionResolve, codOrder's money (finance only) and codCashInHand through the API."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.models import CodPaymentRecord, CodReconciliationException, CodRemittance
from cod_plugin.rules.reconciliation import LineStatus
from tests.cash.remittance_rows import remittance

from .conftest import delivered, gid, top_codes

RESOLVE = """mutation($id: ID!, $outcome: CodReconciliationOutcome!, $note: String!, $order: ID) {
  codReconciliationExceptionResolve(exceptionId: $id, outcome: $outcome, note: $note, orderId: $order) {
    exception { id kind status outcome note resolvedBy resolvedAt order { number } }
    errors { field code message }
  }
}"""
MONEY = """query($id: ID!) { codOrder(orderId: $id) { number money {
  expected { amount currency } collected { amount } remitted { amount } deposited depositedOn
  remittance { id reference } lineStatus openExceptions exceptions { kind status difference { amount } }
} } }"""


def resolve(api, token, exception, outcome="WRITTEN_OFF", note="Written off: a cent.", order=None):
    variables = {"id": gid("CodReconciliationException", exception.pk), "outcome": outcome, "note": note}
    if order is not None:
        variables["order"] = gid("CodOrder", order.pk)
    return api(RESOLVE, variables, token=token)["codReconciliationExceptionResolve"]


def test_finance_resolves_an_exception_once(api, finance, fastship):
    order = delivered(fastship[0])
    made = remittance(fastship[0], lines=[(order, "104.99", LineStatus.SHORT)])
    exception = CodReconciliationException.objects.get(remittance=made)
    payload = resolve(api, finance, exception)
    assert payload["errors"] == []
    assert {k: payload["exception"][k] for k in ("kind", "status", "outcome", "note", "resolvedBy")} == {
        "kind": "SHORT",
        "status": "RESOLVED",
        "outcome": "WRITTEN_OFF",
        "note": "Written off: a cent.",
        "resolvedBy": "finance@example.com",
    }
    again = resolve(api, finance, exception, outcome="CORRECTED")
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("exceptionId", "ALREADY_RESOLVED")]
    assert CodRemittance.objects.get(pk=made.pk).open_exceptions == 0


def test_matched_by_hand_through_the_api(api, finance, fastship, slowship):
    order, theirs = delivered(fastship[0]), delivered(slowship[0])
    made = remittance(fastship[0], lines=[(None, "105.00", LineStatus.UNKNOWN)])
    exception = CodReconciliationException.objects.get(remittance=made)
    codes = lambda payload: [(e["field"], e["code"]) for e in payload["errors"]]  # noqa: E731
    assert codes(resolve(api, finance, exception, outcome="MATCHED_BY_HAND")) == [("orderId", "REQUIRED")]
    assert codes(resolve(api, finance, exception, "MATCHED_BY_HAND", order=theirs)) == [
        ("orderId", "OTHER_COURIER_ORDER")
    ]
    payload = resolve(api, finance, exception, "MATCHED_BY_HAND", note="Typo in the number", order=order)
    assert (payload["errors"], payload["exception"]["order"]) == ([], {"number": order.order_number})
    money = api(MONEY, {"id": gid("CodOrder", order.pk)}, token=finance)["codOrder"]["money"]
    assert (money["lineStatus"], money["remitted"], money["remittance"]["reference"]) == (
        "MATCHED",
        {"amount": "105.00"},
        "R-1",
    )


def test_a_resolution_needs_a_note_and_finance(api, finance, manager, fastship):
    made = remittance(fastship[0], lines=[(delivered(fastship[0]), "1.00", LineStatus.SHORT)])
    exception = CodReconciliationException.objects.get(remittance=made)
    payload = resolve(api, finance, exception, note=" ")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("note", "REQUIRED")]
    for token in (manager, fastship[1], None):
        variables = {"id": gid("CodReconciliationException", exception.pk), "outcome": "WRITTEN_OFF", "note": "x"}
        assert top_codes(api.raw(RESOLVE, variables, token=token)) == ["PERMISSION_DENIED"]
    assert CodReconciliationException.objects.get(pk=exception.pk).status == "open"


def test_finance_sees_an_orders_money_and_nobody_else_does(api, finance, manager, fastship):
    # given an order remitted short and deposited
    order = delivered(fastship[0])
    made = remittance(fastship[0], lines=[(order, "100.00", LineStatus.SHORT)], status="settled")
    CodRemittance.objects.filter(pk=made.pk).update(deposited_on=date(2026, 12, 1))
    # when finance asks
    money = api(MONEY, {"id": gid("CodOrder", order.pk)}, token=finance)["codOrder"]["money"]
    # then
    assert money == {
        "expected": {"amount": "105.00", "currency": "USD"},
        "collected": {"amount": "105.00"},
        "remitted": {"amount": "100.00"},
        "deposited": True,
        "depositedOn": "2026-12-01",
        "remittance": {"id": gid("CodRemittance", made.pk), "reference": "R-1"},
        "lineStatus": "SHORT",
        "openExceptions": 1,
        "exceptions": [{"kind": "SHORT", "status": "OPEN", "difference": {"amount": "-5.00"}}],
    }
    # and others who see the order do not see its money
    for token in (manager, fastship[1]):
        assert api(MONEY, {"id": gid("CodOrder", order.pk)}, token=token)["codOrder"]["money"] is None


def test_money_of_a_list_of_orders_takes_the_same_queries_for_1_or_20(api, finance, fastship):
    query = "{ codOrders(first: 100) { edges { node { number money { remitted { amount } openExceptions } } } } }"
    counts = {}
    for size in (1, 20):
        orders = [delivered(fastship[0]) for _ in range(size)]
        remittance(fastship[0], reference=f"R-{size}", lines=[(o, "100.00", LineStatus.SHORT) for o in orders])
        with CaptureQueriesContext(connection) as captured:
            data = api(query, token=finance)
        counts[size] = len(captured)
        assert all(edge["node"]["money"]["openExceptions"] == 1 for edge in data["codOrders"]["edges"])
    assert set(counts.values()) == {13}, counts  # the money: 3 of them, for the whole page


CASH = """query($courier: String) { codCashInHand(courier: $courier) {
  courier { code } currency deadlineDays total { amount currency } orders overdue overdueAmount { amount }
  overdueOrders oldestDays buckets { name amount { amount } orders }
} }"""


def collected_days_ago(order, days: int) -> None:
    CodPaymentRecord.objects.filter(order=order).update(created_at=timezone.now() - timedelta(days=days))


def test_finance_sees_every_couriers_cash_aged_and_a_courier_its_own(api, finance, fastship, slowship):
    collected_days_ago(delivered(fastship[0]), 2)
    collected_days_ago(delivered(fastship[0]), 9)
    collected_days_ago(delivered(slowship[0]), 1)
    every = api(CASH, token=finance)["codCashInHand"]
    assert [(row["courier"]["code"], row["total"]["amount"]) for row in every] == [
        ("fastship", "210.00"),
        ("slowship", "105.00"),
    ]
    fast = every[0]
    assert (fast["orders"], fast["deadlineDays"], fast["overdue"], fast["overdueOrders"], fast["oldestDays"]) == (
        2,
        7,
        True,
        1,
        9,
    )
    assert [(b["name"], b["amount"]["amount"], b["orders"]) for b in fast["buckets"]] == [
        ("0-3", "105.00", 1),
        ("4-7", "0.00", 0),
        ("8-14", "105.00", 1),
        ("15+", "0.00", 0),
    ]
    assert [row["courier"]["code"] for row in api(CASH, token=fastship[1])["codCashInHand"]] == ["fastship"]
    assert [row["courier"]["code"] for row in api(CASH, {"courier": "slowship"}, token=finance)["codCashInHand"]] == [
        "slowship"
    ]


def test_cash_in_hand_of_another_or_an_unknown_courier(api, finance, manager, fastship, slowship):
    assert top_codes(api.raw(CASH, {"courier": "slowship"}, token=fastship[1])) == ["PERMISSION_DENIED"]
    assert top_codes(api.raw(CASH, {"courier": "nobody"}, token=finance)) == ["UNKNOWN_COURIER"]
    assert top_codes(api.raw(CASH, {}, token=manager)) == ["PERMISSION_DENIED"]
