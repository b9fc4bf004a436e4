"""Screening at checkout and at placing, over the API: the score stored with the order and in its timeline, the
neutral RISK_TOO_HIGH, and the deposit a risky or large cart asks for."""

from datetime import timedelta
from decimal import Decimal

from django.test import override_settings

from cod_plugin.host import BaseHostAdapter
from cod_plugin.models import CodOrder, CodPolicy
from cod_plugin.models.risk import CodOrderDeposit
from cod_plugin.rules.identity import address_key, cart_key
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from sandbox.store.models import Product
from tests.graphql.shop import new_checkout
from tests.graphql.test_checkout_complete import COMPLETE

from .conftest import US_ADDRESS, US_PHONE, earlier_order

ELIGIBILITY = """query($id: ID!) { codEligibility(checkoutId: $id) {
  isEligible reasons { code message } amountToCollect { amount } deposit { required amount { amount currency } }
} }"""
CART = {"TSHIRT-001": 2, "HEADPHONES-001": 1}  # USD 173.98 with a 3% fee of 5.22: USD 179.20
DEPOSITS = "tests.screening.conftest.DepositStore"
HOUR = timedelta(hours=1)


class NoDepositStore(StoreAdapter):
    request_deposit = BaseHostAdapter.request_deposit  # the port's default: no online payment for deposits


def cart_refs() -> list[str]:
    """The store's references of the cart's products, as its orders' lines name them."""
    return [str(pk) for pk in Product.objects.filter(sku__in=CART).values_list("pk", flat=True)]


def refusals_by_phone_and_address():
    """Refused by two other accounts: the phone's history (35) and the address's (25), 60 points: HIGH."""
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    earlier_order(address=US_ADDRESS, status=CodStatus.REFUSED, refusal_reason="no_reason")


def eligibility(api, checkout_id):
    return api(ELIGIBILITY, {"id": checkout_id})["codEligibility"]


def test_a_plain_order_is_placed_with_its_keys_its_lines_and_a_score_of_zero(api):
    # given a first-time guest
    checkout_id = new_checkout(api, "default-channel", CART)
    assert eligibility(api, checkout_id)["deposit"] == {"required": False, "amount": None}
    # when it places the order
    payload = api(COMPLETE, {"id": checkout_id, "terms": 1})["codCheckoutComplete"]
    # then the order carries the keys that follow the person, its lines and its (empty) screening
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    assert (order.phone_e164, order.client_ip) == (US_PHONE, "127.0.0.1")
    assert order.address_key == address_key(**US_ADDRESS)
    assert order.cart_key == cart_key(cart_refs())
    assert sorted(order.lines.values_list("sku", "quantity", "unit_price")) == [
        ("HEADPHONES-001", 1, Decimal("129.00")),
        ("TSHIRT-001", 2, Decimal("19.99")),
    ]
    assert (order.risk_score, order.risk_band, order.risk_action, order.risk_signals) == (0, "low", "accept", [])
    assert order.status == CodStatus.PENDING_CONFIRMATION and order.notifications.filter(kind="confirmation_request")


def test_the_score_at_placing_is_stored_with_its_signals_and_in_the_timeline(api):
    # given the phone refused an order on another account
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    # when a new guest places an order with it
    checkout_id = new_checkout(api, "default-channel", CART)
    number = api(COMPLETE, {"id": checkout_id, "terms": 1})["codCheckoutComplete"]["order"]["number"]
    # then the order is MEDIUM risk, for an agent's call, the signal kept with its facts
    order = CodOrder.objects.get(order_number=number)
    signal = {
        "code": "phone_history",
        "weight": 35,
        "data": {"refusals": 1, "strikes": 1, "cancellations": 0, "accounts": 1},
    }
    assert (order.risk_score, order.risk_band, order.risk_action, order.risk_signals) == (
        35,
        "medium",
        "agent_call",
        [signal],
    )
    event = order.events.get(kind="risk_assessed")
    assert (event.actor, event.reason) == (order.customer_key, "placed")
    assert event.data == {
        "score": 35,
        "band": "medium",
        "action": "agent_call",
        "signals": [signal],
        "reason": "placed",
    }


@override_settings(COD_HOST_ADAPTER=DEPOSITS)  # a store that takes deposits: only the REFUSE action refuses
def test_a_very_risky_checkout_is_refused_with_a_neutral_message(api):
    # given refusals by phone and address, and the same cart still open: 90 points
    refusals_by_phone_and_address()
    earlier_order(phone=US_PHONE, products=cart_refs(), status=CodStatus.PENDING_CONFIRMATION, age=HOUR)
    CodPolicy.objects.filter(channel="default-channel").update(risk_very_high_from=90)  # exactly the score
    checkout_id = new_checkout(api, "default-channel", CART)
    # when the shopper asks whether COD is offered
    answer = eligibility(api, checkout_id)
    # then it is not, and the shopper learns nothing of why
    message = "Cash on Delivery is not available for this order. Please choose another payment method."
    assert answer["isEligible"] is False
    assert answer["reasons"] == [{"code": "RISK_TOO_HIGH", "message": message}]
    # and placing it is refused the same way, nothing created
    payload = api(COMPLETE, {"id": checkout_id, "terms": 1})["codCheckoutComplete"]
    assert payload["order"] is None
    assert payload["errors"][0]["code"] == "NOT_ELIGIBLE" and payload["errors"][0]["reasons"] == [
        {"code": "RISK_TOO_HIGH"}
    ]
    assert CodOrder.objects.count() == 3


def test_one_point_below_the_very_high_band_is_not_refused(api):
    refusals_by_phone_and_address()
    earlier_order(phone=US_PHONE, products=cart_refs(), status=CodStatus.PENDING_CONFIRMATION, age=HOUR)
    CodPolicy.objects.filter(channel="default-channel").update(risk_very_high_from=91)
    checkout_id = new_checkout(api, "default-channel", CART)
    with override_settings(COD_HOST_ADAPTER=DEPOSITS):
        answer = eligibility(api, checkout_id)
    assert answer["isEligible"] is True and answer["deposit"]["required"] is True


@override_settings(COD_HOST_ADAPTER=DEPOSITS)
def test_a_high_risk_checkout_pays_a_deposit_first_and_the_door_collects_the_rest(api):
    # given a HIGH score (60) in a store that takes deposits online
    refusals_by_phone_and_address()
    checkout_id = new_checkout(api, "default-channel", CART)
    # then the eligibility asks for 20% of USD 179.20, rounded up to the cent
    answer = eligibility(api, checkout_id)
    assert answer["isEligible"] is True
    assert answer["deposit"] == {"required": True, "amount": {"amount": "35.84", "currency": "USD"}}
    # when the order is placed it waits for the deposit
    payload = api(COMPLETE, {"id": checkout_id, "terms": 1})["codCheckoutComplete"]
    assert payload["errors"] == [] and payload["order"]["status"] == "AWAITING_DEPOSIT"
    assert payload["order"]["amountToCollect"] == {"amount": "143.36", "currency": "USD"}
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    assert order.deposit_amount.amount == Decimal("35.84")
    assert CodOrderDeposit.objects.get(order=order).amount.amount == Decimal("35.84")
    assert not order.notifications.filter(kind="confirmation_request")  # the confirmation waits for the deposit


@override_settings(COD_HOST_ADAPTER="tests.screening.test_placing.NoDepositStore")
def test_a_deposit_the_store_cannot_take_refuses_cod(api):
    refusals_by_phone_and_address()
    answer = eligibility(api, new_checkout(api, "default-channel", CART))
    assert answer["isEligible"] is False and [r["code"] for r in answer["reasons"]] == ["RISK_TOO_HIGH"]


@override_settings(COD_HOST_ADAPTER=DEPOSITS)
def test_an_amount_above_the_deposit_threshold_pays_a_deposit_whatever_the_score(api):
    policy = CodPolicy.objects.get(channel="default-channel")
    # USD 179.20 to collect: at the threshold no deposit, one cent below it a deposit
    policy.deposit_above = Decimal("179.20")
    policy.save()
    assert eligibility(api, new_checkout(api, "default-channel", CART))["deposit"]["required"] is False
    policy.deposit_above = Decimal("179.19")
    policy.save()
    answer = eligibility(api, new_checkout(api, "default-channel", CART))
    assert answer["deposit"] == {"required": True, "amount": {"amount": "35.84", "currency": "USD"}}
