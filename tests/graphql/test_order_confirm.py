"""codOrderConfirm and codOrderConfirmByLink: the agent's call outcomes and the customer's link, over HTTP."""

import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from strawberry.relay import to_base64

from cod_plugin.flows import confirmation
from cod_plugin.host import AddressSnapshot, OrderChanges
from cod_plugin.models import CodOrder
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from sandbox.store.models import Order, OrderLine, Stock
from tests.lifecycle.helpers import place, staff_token

from .factories import big_checkout
from .shop import ADDRESSES
from .test_checkout_complete import COMPLETE

FIELDS = """order { status fee { amount } amountToCollect { amount } confirmationAttempts
    timeline { kind actor reason } }
  errors { field code message }"""
CONFIRM = f"""mutation($id: ID!, $outcome: CodConfirmationOutcome!, $note: String, $m: CodOrderModificationInput) {{
  codOrderConfirm(orderId: $id, outcome: $outcome, note: $note, modification: $m) {{ {FIELDS} }}
}}"""
BY_LINK = f"""mutation($token: String!, $decision: CodLinkDecision!) {{
  codOrderConfirmByLink(token: $token, decision: $decision) {{ {FIELDS} }}
}}"""


def outcome(api, token, order_id, value, **variables):
    return api(CONFIRM, {"id": order_id, "outcome": value, **variables}, token=token)["codOrderConfirm"]


def stock(sku: str) -> int:
    return Stock.objects.get(product__sku=sku).quantity


def store_lines(order: CodOrder) -> list[tuple]:
    lines = OrderLine.objects.filter(order_id=order.order_ref).order_by("pk")
    return [(line.kind, line.sku, line.quantity, line.total) for line in lines]


def link_token(order: CodOrder) -> str:
    return confirmation.link(order).rstrip("/").rsplit("/", 1)[1]


def test_an_agent_confirms_a_pending_order_once(api):
    # given a pending order and an agent with the COD order permission
    order_id, _ = place(api, None)
    agent = staff_token()
    # when the agent confirms it
    payload = outcome(api, agent, order_id, "CONFIRMED", note="Customer confirmed by phone")
    # then it is confirmed, by the agent, on the timeline
    assert payload["errors"] == [] and payload["order"]["status"] == "CONFIRMED"
    assert payload["order"]["timeline"][-1] == {"kind": "confirm", "actor": "agent@example.com", "reason": "confirmed"}
    # and a second outcome for the same order is refused
    again = outcome(api, agent, order_id, "CANCELLED")
    assert again["order"] is None and again["errors"][0]["code"] == "INVALID_TRANSITION"


def test_a_modified_quantity_prices_the_fee_again_and_the_store_order_follows(api):
    # given 2 t-shirts and headphones: USD 173.98 with a 3% fee of 5.22, USD 179.20 to collect
    order_id, order = place(api, None)
    assert stock("TSHIRT-001") == 998
    # when the customer wants one t-shirt only
    payload = outcome(api, staff_token(), order_id, "MODIFIED", m={"lines": [{"sku": "TSHIRT-001", "quantity": 1}]})
    # then the fee is 3% of USD 153.99 and the order is confirmed
    assert payload["errors"] == []
    assert payload["order"]["fee"] == {"amount": "4.62"} and payload["order"]["amountToCollect"] == {"amount": "158.61"}
    assert [e["kind"] for e in payload["order"]["timeline"]] == [
        "placed",
        "risk_assessed",
        "modified",
        "risk_assessed",
        "confirm",
    ]
    order.refresh_from_db()
    assert (order.status, order.order_amount.amount) == (CodStatus.CONFIRMED, Decimal("153.99"))
    # and the store's order has the new quantity, the new fee line and total; the t-shirt went back to stock
    assert store_lines(order) == [
        ("product", "TSHIRT-001", 1, Decimal("19.99")),
        ("product", "HEADPHONES-001", 1, Decimal("129.00")),
        ("cod_fee", "", 1, Decimal("4.62")),
    ]
    assert Order.objects.get(pk=order.order_ref).total == Decimal("158.61")
    assert stock("TSHIRT-001") == 999
    # and the timeline keeps what changed
    modified = order.events.get(kind="modified").data
    assert modified["before"]["fee"] == "5.22" and modified["after"]["fee"] == "4.62"
    assert modified["changes"] == {"address": None, "quantities": {"TSHIRT-001": 1}}


def test_a_modified_address_takes_the_new_regions_fee(api):
    # given an order to Jakarta, where the fee is 2.5% instead of the channel's 3% (plus IDR 5,000 everywhere)
    order_id, order = place(api, None, lines={"HEADPHONES-001": 1}, channel="channel-id")
    amount = order.order_amount.amount
    assert order.fee.amount == (amount * Decimal("0.025") + 5000).quantize(Decimal("0.01"))
    # when the customer moves the delivery to Bandung
    bandung = {**ADDRESSES["ID"], "city": "Bandung", "countryArea": "West Java", "postalCode": "40111"}
    payload = outcome(api, staff_token(), order_id, "MODIFIED", m={"address": bandung})
    # then the fee is the channel's 3% of the same amount, and the store order ships to Bandung
    assert payload["errors"] == []
    order.refresh_from_db()
    assert order.fee.amount == (amount * Decimal("0.03") + 5000).quantize(Decimal("0.01"))
    assert order.amount_to_collect.amount == amount + order.fee.amount
    assert (order.area, order.postal_code) == ("West Java", "40111")
    store_order = Order.objects.get(pk=order.order_ref)
    assert (store_order.city, store_order.area, store_order.total) == (
        "Bandung",
        "West Java",
        order.amount_to_collect.amount,
    )


def test_the_store_follows_a_modification_in_a_fixed_number_of_queries(api, token_for):
    token, counts = token_for("new@example.com"), {}
    for size in (1, 10, 50):
        checkout_id = to_base64("Checkout", big_checkout(size).token)
        ref = api(COMPLETE, {"id": checkout_id, "terms": 1}, token=token)["codCheckoutComplete"]["order"]["orderId"]
        skus = OrderLine.objects.filter(order_id=ref, kind="product").values_list("sku", flat=True)
        changes = OrderChanges(address=AddressSnapshot(country="US", area="NJ"), quantities=dict.fromkeys(skus, 2))
        with CaptureQueriesContext(connection) as captured:
            snapshot = StoreAdapter().update_order(ref, changes)
        counts[size] = len(captured)
        assert [line.quantity for line in snapshot.lines] == [2] * size and snapshot.shipping_address.area == "NJ"
    assert len(set(counts.values())) == 1, counts


def test_a_modification_the_stock_cannot_cover_changes_nothing(api):
    order_id, order = place(api, None)
    Stock.objects.filter(product__sku="TSHIRT-001").update(quantity=2)
    payload = outcome(api, staff_token(), order_id, "MODIFIED", m={"lines": [{"sku": "TSHIRT-001", "quantity": 5}]})
    assert payload["order"] is None
    assert payload["errors"][0]["code"] == "INSUFFICIENT_STOCK" and payload["errors"][0]["field"] == "lines"
    order.refresh_from_db()
    assert (order.status, order.fee.amount) == (CodStatus.PENDING_CONFIRMATION, Decimal("5.22"))
    assert stock("TSHIRT-001") == 2 and store_lines(order)[0][2] == 2


def test_a_modification_needs_changes_within_range(api):
    order_id, _ = place(api, None)
    agent = staff_token()
    cases = [
        ("MODIFIED", None, "REQUIRED"),
        ("MODIFIED", {"lines": [{"sku": "TSHIRT-001", "quantity": -1}]}, "INVALID"),
        ("MODIFIED", {"lines": [{"sku": "NOT-ON-ORDER", "quantity": 1}]}, "STORE_REFUSED"),
        (
            "MODIFIED",
            {"lines": [{"sku": "TSHIRT-001", "quantity": 0}, {"sku": "HEADPHONES-001", "quantity": 0}]},
            "STORE_REFUSED",
        ),
        ("CONFIRMED", {"lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, "INVALID"),
    ]
    for value, modification, code in cases:
        payload = outcome(api, agent, order_id, value, m=modification)
        assert [e["code"] for e in payload["errors"]] == [code], (value, modification, payload)


def test_no_answer_five_times_cancels_the_order_and_releases_its_stock(api):
    # given a pending order of 2 t-shirts
    order_id, order = place(api, None)
    agent = staff_token()
    # when nobody answers four calls, then the order waits for the next call, an hour later each time
    for attempt in range(1, 5):
        payload = outcome(api, agent, order_id, "NO_ANSWER", note=f"call {attempt}")
        assert payload["order"]["status"] == "PENDING_CONFIRMATION"
        assert payload["order"]["confirmationAttempts"] == attempt
        order.refresh_from_db()
        assert abs(order.next_call_at - (timezone.now() + timedelta(minutes=60))) < timedelta(minutes=1)
    assert stock("TSHIRT-001") == 998
    # when nobody answers the fifth, then the order and the store's order are cancelled and the stock is back
    payload = outcome(api, agent, order_id, "NO_ANSWER")
    assert payload["order"]["status"] == "CANCELLED" and payload["order"]["confirmationAttempts"] == 5
    assert payload["order"]["timeline"][-1] == {"kind": "cancel", "actor": "agent@example.com", "reason": "no_answer"}
    assert [e["kind"] for e in payload["order"]["timeline"]].count("no_answer") == 4
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.CANCELED
    assert stock("TSHIRT-001") == 1000
    order.refresh_from_db()
    assert order.next_call_at is None


def test_a_cancelled_call_cancels_the_store_order(api):
    order_id, order = place(api, None)
    payload = outcome(api, staff_token(), order_id, "CANCELLED", note="Ordered by mistake")
    assert payload["order"]["status"] == "CANCELLED"
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.CANCELED
    assert (stock("TSHIRT-001"), stock("HEADPHONES-001")) == (1000, 1000)
    assert order.events.get(kind="cancel").data == {"note": "Ordered by mistake"}


def test_only_staff_with_the_permission_record_outcomes(api, token_for):
    order_id, order = place(api, None)
    for token in (staff_token(with_permission=False), token_for("new@example.com"), None):
        body = api.raw(CONFIRM, {"id": order_id, "outcome": "CONFIRMED"}, token=token)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    order.refresh_from_db()
    assert order.status == CodStatus.PENDING_CONFIRMATION


def test_the_customer_confirms_or_cancels_with_the_links_token(api):
    # given two pending orders
    _, first = place(api, None)
    _, second = place(api, None)
    # when the customer confirms one and cancels the other, with no sign-in
    confirmed = api(BY_LINK, {"token": link_token(first), "decision": "CONFIRM"})["codOrderConfirmByLink"]
    cancelled = api(BY_LINK, {"token": link_token(second), "decision": "CANCEL"})["codOrderConfirmByLink"]
    # then
    assert confirmed["errors"] == [] and confirmed["order"]["status"] == "CONFIRMED"
    assert cancelled["errors"] == [] and cancelled["order"]["status"] == "CANCELLED"
    assert Order.objects.get(pk=second.order_ref).status == Order.Status.CANCELED
    # and cancelling the confirmed one later is refused
    late = api(BY_LINK, {"token": link_token(first), "decision": "CANCEL"})["codOrderConfirmByLink"]
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"


def test_an_expired_or_tampered_token_is_refused_with_its_code(api):
    _, order = place(api, None)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 49 * 3600):
        expired = link_token(order)
    for token, code in ((expired, "LINK_EXPIRED"), (link_token(order)[:-2], "INVALID"), ("", "INVALID")):
        payload = api(BY_LINK, {"token": token, "decision": "CONFIRM"})["codOrderConfirmByLink"]
        assert payload["order"] is None and payload["errors"][0]["code"] == code, token
        assert payload["errors"][0]["field"] == "token"
    order.refresh_from_db()
    assert order.status == CodStatus.PENDING_CONFIRMATION
