"""The SQL work of codEligibility and codCheckoutComplete does not grow with the cart."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

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
    assert set(counts.values()) == {7}, counts


def test_placing_an_order_takes_a_fixed_number_of_queries(api, token_for):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite splits bulk inserts of large carts into batches")
    token = token_for("new@example.com")
    counts = {}
    for size in SIZES:
        checkout_id = to_base64("Checkout", big_checkout(size).token)
        counts[size], data = count_queries(api, COMPLETE, {"id": checkout_id, "terms": 1}, token)
        assert data["codCheckoutComplete"]["errors"] == []
    assert set(counts.values()) == {25}, counts
