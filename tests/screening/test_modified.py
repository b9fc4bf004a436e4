"""A MODIFIED order is checked again: its keys, lines and score recomputed, an address outside the covered regions
or an amount over the cap refused with nothing applied; products added at the call pass through to the store; an
unanswered call screens the order again."""

from decimal import Decimal

import pytest

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import confirmation, screening
from cod_plugin.host import OrderChanges
from cod_plugin.models import CodOrder, CodRegion
from cod_plugin.rules.identity import address_key
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from sandbox.store.adapter import StoreAdapter
from sandbox.store.models import Order, OrderLine, Stock
from tests.graphql.shop import ADDRESSES
from tests.lifecycle.helpers import place, staff_token

CONFIRM = """mutation($id: ID!, $outcome: CodConfirmationOutcome!, $m: CodOrderModificationInput) {
  codOrderConfirm(orderId: $id, outcome: $outcome, modification: $m) {
    order { amountToCollect { amount } timeline { kind } } errors { field code message reasons { code } }
  }
}"""


def modify(api, order_id, modification):
    return api(CONFIRM, {"id": order_id, "outcome": "MODIFIED", "m": modification}, token=staff_token())[
        "codOrderConfirm"
    ]


def assessed(order: CodOrder) -> list[tuple]:
    return [(e.reason, e.data["score"]) for e in order.events.filter(kind="risk_assessed").order_by("pk")]


def untouched(order: CodOrder):
    """What a refused modification must leave as it was: the COD order, its timeline, the store's order."""
    fresh = CodOrder.objects.get(pk=order.pk)
    store = Order.objects.get(pk=order.order_ref)
    lines = list(OrderLine.objects.filter(order=store).values_list("sku", "quantity").order_by("pk"))
    return (
        fresh.status,
        fresh.country,
        fresh.fee,
        fresh.amount_to_collect,
        fresh.address_key,
        fresh.events.count(),
        list(fresh.lines.values_list("sku", "quantity")),
        (store.country, store.city, store.total),
        lines,
        Stock.objects.get(product__sku="HEADPHONES-001").quantity,
    )


def test_a_modification_recomputes_the_lines_the_keys_and_the_score_and_keeps_each_in_the_timeline(api):
    # given an order screened at placing (score 0)
    order_id, order = place(api, None)
    assert assessed(order) == [("placed", 0)]
    # when the agent changes the t-shirts to 11 and the address to another street
    address = {**ADDRESSES["US"], "streetAddress1": "7 Park Ave"}
    payload = modify(api, order_id, {"lines": [{"sku": "TSHIRT-001", "quantity": 11}], "address": address})
    # then the order is screened again: 11 of one product is unusual
    assert payload["errors"] == []
    order.refresh_from_db()
    assert assessed(order) == [("placed", 0), ("modified", 20)]
    assert (order.risk_score, [s["code"] for s in order.risk_signals]) == (20, ["quantity_unusual"])
    assert sorted(order.lines.values_list("sku", "quantity")) == [("HEADPHONES-001", 1), ("TSHIRT-001", 11)]
    street = {"country": "US", "postal_code": "10001", "city": "New York", "street_1": "7 Park Ave"}
    assert order.address_key == address_key(**street)
    kinds = [e["kind"] for e in payload["order"]["timeline"]]
    assert kinds == ["placed", "risk_assessed", "modified", "risk_assessed", "confirm"]


def test_an_address_moved_outside_the_covered_regions_is_refused_and_nothing_is_applied(api):
    order_id, order = place(api, None)
    before = untouched(order)
    toronto = {**ADDRESSES["US"], "country": "CA", "countryArea": "ON", "city": "Toronto", "postalCode": "M5H 2N2"}
    payload = modify(api, order_id, {"address": toronto, "lines": [{"sku": "HEADPHONES-001", "quantity": 2}]})
    assert payload["order"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REGION_NOT_COVERED", "modification")]
    assert payload["errors"][0]["message"] == "Cash on Delivery is not offered for deliveries to M5H 2N2, ON, CA."
    assert untouched(order) == before


@pytest.mark.parametrize(("cap", "refused"), [("158.61", False), ("158.60", True)])
def test_the_regions_cap_is_checked_on_the_changed_amount(api, cap, refused):
    # given an order to New York; one t-shirt less makes USD 153.99 and a 3% fee of 4.62: USD 158.61
    order_id, order = place(api, None)
    CodRegion.objects.filter(policy__channel="default-channel", area="NY").update(order_cap=Decimal(cap))
    before = untouched(order)
    payload = modify(api, order_id, {"lines": [{"sku": "TSHIRT-001", "quantity": 1}]})
    if refused:
        assert payload["errors"][0]["code"] == "NOT_ELIGIBLE"
        assert [r["code"] for r in payload["errors"][0]["reasons"]] == ["REGION_ORDER_CAP"]
        assert untouched(order) == before  # the store's change rolled back with the transaction
    else:
        assert payload["errors"] == [] and payload["order"]["amountToCollect"] == {"amount": "158.61"}


def test_a_changed_amount_over_the_customers_limit_is_refused(api):
    order_id, order = place(api, None)
    before = untouched(order)
    payload = modify(api, order_id, {"lines": [{"sku": "HEADPHONES-001", "quantity": 4}]})
    assert [r["code"] for r in payload["errors"][0]["reasons"]] == ["AMOUNT_OVER_LIMIT"]
    assert untouched(order) == before


class AddingStore(StoreAdapter):
    """The sandbox store that adds the products offered at the call as new lines."""

    seen: list = []

    def update_order(self, order_ref, changes):
        self.seen.append(changes)
        return super().update_order(order_ref, changes)


@pytest.fixture
def adding_store(settings):
    settings.COD_HOST_ADAPTER = "tests.screening.test_modified.AddingStore"
    AddingStore.seen = []
    return AddingStore


def test_products_added_at_the_call_alone_are_a_change_and_reach_the_store(api, adding_store):
    _, order = place(api, None)
    offer = adding_store().related_products(order.order_ref)[0]  # a product the store offers at the call
    changes = OrderChanges(additions={offer.product_ref: 2})
    confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.MODIFIED, actor="agent", changes=changes)
    assert adding_store.seen == [changes]
    added = OrderLine.objects.get(order__pk=int(order.order_ref), product_id=int(offer.product_ref))
    assert added.quantity == 2
    order.refresh_from_db()
    modified = order.events.get(kind="modified")
    assert modified.data["changes"]["additions"] == {offer.product_ref: 2}
    assert assessed(order) == [("placed", 0), ("modified", 0)]


@pytest.mark.parametrize("quantity", [0, 1000])
def test_an_addition_needs_a_quantity_from_one_to_the_line_maximum(api, adding_store, quantity):
    _, order = place(api, None)
    changes = OrderChanges(additions={"42": quantity})
    with pytest.raises(CodError) as raised:
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.MODIFIED, actor="agent", changes=changes)
    assert raised.value.code == CodErrorCode.INVALID and adding_store.seen == []


def test_a_modification_without_any_change_is_refused(api):
    _, order = place(api, None)
    with pytest.raises(CodError) as raised:
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.MODIFIED, actor="agent", changes=OrderChanges())
    assert raised.value.code == CodErrorCode.REQUIRED


def test_each_unanswered_call_screens_the_order_again_and_the_second_makes_it_unreachable(api):
    _, order = place(api, None)
    for _ in range(2):
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.NO_ANSWER, actor="agent")
    order.refresh_from_db()
    assert assessed(order) == [("placed", 0), ("no_answer", 0), ("no_answer", 20)]
    assert [s["code"] for s in order.risk_signals] == ["unreachable"]


def test_screening_again_never_makes_the_action_milder(api):
    _, order = place(api, None)
    CodOrder.objects.filter(pk=order.pk).update(risk_action="agent_call")
    order.refresh_from_db()
    assessment = screening.screen(order, actor="system", reason="modified")
    assert (assessment.score, assessment.action) == (0, "agent_call")
    order.refresh_from_db()
    assert order.risk_action == "agent_call"
