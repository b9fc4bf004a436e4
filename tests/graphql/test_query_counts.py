"""The SQL work of codEligibility and codCheckoutComplete does not grow with the cart, nor that of codOrder and
codOrders with the returns, refunds and orders they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money
from strawberry.relay import to_base64

from cod_plugin.models import CodOrder, CodRefund, CodReturnLine, CodReturnRequest
from cod_plugin.rules.statuses import CodStatus
from tests.lifecycle.helpers import place, staff_token

from .factories import big_checkout
from .test_checkout_complete import COMPLETE
from .test_eligibility import ELIGIBILITY

SIZES = (1, 10, 100, 500)


def count_queries(api, query, variables, token):
    with CaptureQueriesContext(connection) as captured:
        data = api(query, variables, token=token)
    return len(captured), data


def test_eligibility_reads_a_fixed_number_of_queries(api, token_for):
    token = token_for("new@example.com")
    counts = {}
    for size in SIZES:
        checkout_id = to_base64("Checkout", big_checkout(size).token)
        counts[size], data = count_queries(api, ELIGIBILITY, {"id": checkout_id}, token)
        assert data["codEligibility"]["orderAmount"]["amount"] == f"{size * 0.5 + 5:.2f}"
    assert set(counts.values()) == {12}, counts  # 7, and 5 for the screening (flows/screening.py)


def test_placing_an_order_takes_a_fixed_number_of_queries(api, token_for):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite splits bulk inserts of large carts into batches")
    token = token_for("new@example.com")
    counts = {}
    for size in SIZES:
        checkout_id = to_base64("Checkout", big_checkout(size).token)
        counts[size], data = count_queries(api, COMPLETE, {"id": checkout_id, "terms": 1}, token)
        assert data["codCheckoutComplete"]["errors"] == []
    assert set(counts.values()) == {35}, counts  # 27, the screening's 5 reads, the lines, its fields and event


ORDER_FIELDS = """id status timeline { kind } claim { reference } payment { receipt } flags { refundOverdue }
  returns { id status lines { sku quantity receivedQuantity } } refunds { id amount { amount } accountLast4 }
  refundedAmount { amount } refundableAmount { amount }"""
ORDER_DETAIL = f"query($id: ID!) {{ codOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"
ORDER_LIST = f"query {{ codOrders(first: 100) {{ totalCount edges {{ node {{ {ORDER_FIELDS} }} }} }} }}"


def with_returns_and_refunds(order, count: int) -> None:
    """The order completed, with ``count`` returns of two lines each and a refund for each, written straight to
    the tables."""
    CodOrder.objects.filter(pk=order.pk).update(status=CodStatus.COMPLETED)
    for i in range(count):
        returned = CodReturnRequest.objects.create(order=order, reason="damaged")
        CodReturnLine.objects.bulk_create(
            CodReturnLine(return_request=returned, sku=f"SKU-{j}", name="Item", quantity=1, unit_price=1)
            for j in range(2)
        )
        CodRefund.objects.create(
            order=order,
            return_request=returned,
            amount=Money(1, "USD"),
            method="bank_transfer",
            details={"iban": "DE89370400440532013000", "account_holder": "Ann Lee"},
            idempotency_key=f"{order.pk}-{i}",
        )


def test_an_order_reads_a_fixed_number_of_queries_however_many_returns_and_refunds(api, token_for):
    staff, customer = staff_token(), token_for("new@example.com")
    counts = {}
    for size in (0, 1, 5):
        order_id, order = place(api, customer)
        with_returns_and_refunds(order, size)
        counts[size], data = count_queries(api, ORDER_DETAIL, {"id": order_id}, staff)
        assert len(data["codOrder"]["returns"]) == len(data["codOrder"]["refunds"]) == size
        assert {line["sku"] for r in data["codOrder"]["returns"] for line in r["lines"]} <= {"SKU-0", "SKU-1"}
    assert counts == {0: 8, 1: 9, 5: 9}, counts  # without a return there are no return lines to read


def test_the_order_list_reads_a_fixed_number_of_queries_however_many_orders(api, token_for):
    staff, customer = staff_token(), token_for("new@example.com")
    counts = {}
    for size in (1, 4):
        while CodOrder.objects.count() < size:
            _, order = place(api, customer)
            with_returns_and_refunds(order, 2)
        counts[size], data = count_queries(api, ORDER_LIST, {}, staff)
        assert data["codOrders"]["totalCount"] == size
        assert [len(edge["node"]["returns"]) for edge in data["codOrders"]["edges"]] == [2] * size
    assert set(counts.values()) == {11}, counts
