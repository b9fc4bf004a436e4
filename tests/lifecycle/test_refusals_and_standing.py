"""Refusals at the door: product problems cost the customer nothing, unreasonable ones cost strikes."""

from decimal import Decimal

from cod_plugin.models import CodCustomerProfile, CodProfileEvent
from sandbox.store.models import Order, Stock
from tests.graphql.shop import new_checkout
from tests.graphql.test_eligibility import ELIGIBILITY

from .helpers import UPDATE, confirm, place, staff_token

PROFILE = "{ codProfile { tier strikes suspendedUntil outstandingPenalty { amount currency } } }"


def refuse(api, order_id, reason, staff):
    result = api(
        UPDATE, {"id": order_id, "input": {"status": "REFUSED", "reason": reason, "note": "at the door"}}, token=staff
    )["codOrderUpdateStatus"]
    assert result["errors"] == [], result["errors"]
    return result["order"]


def test_a_damaged_parcel_is_refused_without_a_strike_and_the_stock_comes_back(api, token_for):
    customer, staff = token_for("new@example.com"), staff_token()
    order_id, order = place(api, customer, {"TSHIRT-001": 2})
    confirm(order)
    node = refuse(api, order_id, "DAMAGED", staff)
    assert node["status"] == "REFUSED" and node["refusal"] == {"reason": "damaged", "note": "at the door"}
    assert Order.objects.get(pk=order.order_ref).status == "canceled"
    assert Stock.objects.get(product__sku="TSHIRT-001").quantity == 1000
    profile = api(PROFILE, token=customer)["codProfile"]
    assert profile["strikes"] == 0 and profile["outstandingPenalty"] is None


def test_three_unreasonable_refusals_suspend_cod_and_eligibility_follows(api, token_for):
    customer, staff = token_for("new@example.com"), staff_token()
    # placed before the first refusal: once a penalty is owed, no new COD order can be placed
    placed = [place(api, customer, {"TSHIRT-001": 1}) for _ in range(3)]
    for order_id, order in placed:
        confirm(order)
        refuse(api, order_id, "CHANGED_MIND", staff)
    profile = api(PROFILE, token=customer)["codProfile"]
    # each refusal owes round-trip shipping (2 x 5.00) plus the fee (3% of 24.99 = 0.75)
    assert profile["strikes"] == 3 and profile["tier"] == "SUSPENDED"
    assert profile["outstandingPenalty"] == {"amount": "32.25", "currency": "USD"}
    kinds = list(
        CodProfileEvent.objects.filter(profile__customer_key=order.customer_key).values_list("kind", flat=True)
    )
    assert kinds.count("strike") == 3 and kinds.count("suspended") == 1
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=customer)
    reasons = api(ELIGIBILITY, {"id": checkout}, token=customer)["codEligibility"]["reasons"]
    assert [r["code"] for r in reasons] == ["CUSTOMER_SUSPENDED", "UNPAID_PENALTY"]


def test_a_late_courier_costs_the_customer_nothing(api, token_for):
    customer, staff = token_for("new@example.com"), staff_token()
    order_id, order = place(api, customer, {"TSHIRT-001": 1})
    confirm(order)
    refuse(api, order_id, "DELIVERY_DELAY", staff)
    profile = CodCustomerProfile.objects.get(customer_key=order.customer_key)
    assert (profile.strikes, profile.outstanding_penalty.amount) == (0, Decimal(0))
