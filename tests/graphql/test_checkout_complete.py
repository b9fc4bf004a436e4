"""codCheckoutComplete: eligibility checked again, current terms required, the order placed exactly once."""

from cod_plugin.models import CodOrder, CodOrderEvent
from sandbox.store.models import Checkout, Order, Stock

from .shop import DELIVERY, new_checkout

COMPLETE = """mutation($id: ID!, $terms: Int!) {
  codCheckoutComplete(checkoutId: $id, acceptedTermsVersion: $terms) {
    order { id orderId number status fee { amount currency } amountToCollect { amount currency } termsVersion
            collectionMethods }
    errors { field code message reasons { code } }
  }
}"""
ORDER = """query($id: ID!) { order(id: $id) { number status paymentMethod total { amount }
  lines { kind sku name quantity totalPrice { amount } } } }"""


def complete(api, checkout_id, token=None, terms=1):
    return api(COMPLETE, {"id": checkout_id, "terms": terms}, token=token)["codCheckoutComplete"]


def store_order_id(order_ref):
    from strawberry.relay import to_base64

    return to_base64("Order", order_ref)


def test_placing_a_cod_order_creates_the_store_order_with_its_fee_line(api, token_for):
    # given an eligible cart of a new customer
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 2, "HEADPHONES-001": 1}, token=token)
    # when
    payload = complete(api, checkout, token)
    # then the COD order waits for confirmation, with the fee and the amount to collect
    assert payload["errors"] == []
    order = payload["order"]
    assert order["status"] == "PENDING_CONFIRMATION" and order["termsVersion"] == 1
    assert order["fee"] == {"amount": "5.22", "currency": "USD"}
    assert order["amountToCollect"] == {"amount": "179.20", "currency": "USD"}
    # and the store's order carries the fee as its own line, paid in cash on delivery
    host = api(ORDER, {"id": store_order_id(order["orderId"])}, token=token)["order"]
    assert host["number"] == order["number"] and host["total"]["amount"] == "179.20"
    assert [(line["kind"], line["totalPrice"]["amount"]) for line in host["lines"]] == [
        ("product", "39.98"),
        ("product", "129.00"),
        ("cod_fee", "5.22"),
    ]
    events = CodOrderEvent.objects.filter(order__order_number=order["number"])
    assert list(events.values_list("kind", flat=True)) == ["placed", "risk_assessed"]
    assert not Checkout.objects.exists()


def test_calling_it_twice_places_one_order(api, token_for):
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=token)
    first, second = complete(api, checkout, token), complete(api, checkout, token)
    assert first["order"]["id"] == second["order"]["id"] and second["errors"] == []
    assert (CodOrder.objects.count(), Order.objects.count()) == (1, 1)
    assert Stock.objects.get(product__sku="TSHIRT-001").quantity == 999
    # another customer asking about the same checkout learns nothing
    other = complete(api, checkout, token_for("trusted@example.com"))
    assert other["order"] is None and other["errors"][0]["code"] == "NOT_FOUND"


def test_eligibility_is_checked_again_when_the_order_is_placed(api):
    # given a cart that was eligible, then switched to a parcel locker
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1})
    locker = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, method="Parcel locker")
    methods = api("query($id: ID!) { checkout(id: $id) { deliveryMethod { id } } }", {"id": locker})
    api(DELIVERY, {"id": checkout, "m": methods["checkout"]["deliveryMethod"]["id"]})
    # when
    payload = complete(api, checkout)
    # then nothing is created and the reasons are given
    assert payload["order"] is None
    assert payload["errors"][0]["code"] == "NOT_ELIGIBLE"
    assert [r["code"] for r in payload["errors"][0]["reasons"]] == ["DELIVERY_METHOD_CANNOT_COLLECT"]
    assert not Order.objects.exists() and not CodOrder.objects.exists()


def test_terms_that_are_not_current_are_refused(api):
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1})
    payload = complete(api, checkout, terms=0)
    assert payload["errors"][0]["code"] == "TERMS_VERSION_MISMATCH"
    assert payload["errors"][0]["field"] == "acceptedTermsVersion"
    assert not Order.objects.exists() and Checkout.objects.filter().count() == 1


def test_out_of_stock_leaves_nothing_half_created(api):
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 3})
    Stock.objects.filter(product__sku="TSHIRT-001").update(quantity=2)
    payload = complete(api, checkout)
    assert payload["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert not Order.objects.exists() and not CodOrder.objects.exists()
    assert Checkout.objects.count() == 1 and Stock.objects.get(product__sku="TSHIRT-001").quantity == 2


def test_bad_checkout_ids(api):
    for checkout_id, code in [("garbage", "INVALID"), ("Q2hlY2tvdXQ6bm9wZQ==", "NOT_FOUND")]:
        payload = complete(api, checkout_id)
        assert payload["errors"][0]["code"] == code and payload["errors"][0]["field"] == "checkoutId"
