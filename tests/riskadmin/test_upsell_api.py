"""codOrderConfirm's MODIFIED with `additions`: products the store offered, added at the call; 1 to the largest line
quantity, each product named once, its reference within its length."""

import pytest

from sandbox.store.models import OrderLine, Product
from tests.graphql.test_order_confirm import outcome
from tests.lifecycle.helpers import place, staff_token


def shoes() -> str:
    return str(Product.objects.get(sku="SHOES-001").pk)


def modified(api, order_id, *additions):
    m = {"additions": [{"productRef": ref, "quantity": quantity} for ref, quantity in additions]}
    return outcome(api, staff_token(), order_id, "MODIFIED", m=m)


def test_a_product_is_added_and_the_fee_priced_again(api):
    order_id, order = place(api, None)
    payload = modified(api, order_id, (shoes(), 1))
    # 173.98 + 74.50 = 248.48; a 3% fee of 7.45
    assert payload["errors"] == [] and payload["order"]["status"] == "CONFIRMED"
    assert payload["order"]["fee"] == {"amount": "7.45"} and payload["order"]["amountToCollect"]["amount"] == "255.93"
    assert OrderLine.objects.filter(order_id=order.order_ref, sku="SHOES-001", quantity=1).exists()


@pytest.mark.parametrize("quantity", [0, 1000])
def test_0_or_one_more_than_the_largest_line_is_refused(api, quantity):
    order_id, order = place(api, None)
    payload = modified(api, order_id, (shoes(), quantity))
    [error] = payload["errors"]
    assert (error["code"], error["message"]) == ("INVALID", "Products are added in quantities from 1 to 999.")
    assert not OrderLine.objects.filter(order_id=order.order_ref, sku="SHOES-001").exists()


def test_the_largest_line_quantity_passes_the_bound_and_meets_the_orders_limits(api):
    order_id, _ = place(api, None)
    payload = modified(api, order_id, (shoes(), 999))
    # 999 pairs are far above what COD takes for a new customer: refused as the eligibility says, not as a bound
    assert payload["order"] is None
    assert payload["errors"][0]["message"] != "Products are added in quantities from 1 to 999."


def test_a_product_named_twice_or_a_reference_too_long_is_refused(api):
    order_id, _ = place(api, None)
    [twice] = modified(api, order_id, (shoes(), 1), (shoes(), 2))["errors"]
    assert (twice["field"], twice["code"]) == ("modification.additions.productRef", "INVALID")
    [long] = modified(api, order_id, ("1" * 65, 1))["errors"]
    assert (long["field"], long["code"]) == ("modification.additions.productRef", "INVALID")
    [longest] = modified(api, order_id, ("1" * 64, 1))["errors"]  # within the bound: the store answers
    assert longest["code"] == "STORE_REFUSED"


def test_a_product_the_store_does_not_sell_is_refused_by_the_store(api):
    order_id, _ = place(api, None)
    [error] = modified(api, order_id, ("999999", 1))["errors"]
    assert error["code"] == "STORE_REFUSED"
