"""What the store is told as a COD order moves (``flows.store_sync``): each event gives exactly its calls, in order,
once; a store that refuses rolls the change back; a cancel from the store is not told back to it."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from cod_plugin import api as cod_api
from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import confirmation, courier_events, delivery, lifecycle, payment, refunds, returns, sweeps
from cod_plugin.host import HostContext, HostError
from cod_plugin.models import CodOrder, CodOrderEvent
from cod_plugin.rules.lifecycle import ConfirmationOutcome, Event
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from sandbox.store.models import Order, Stock
from tests.lifecycle.helpers import courier_token, place

CALLS: list[tuple] = []
REFUSING: set[str] = set()
RECORDED = ("order_confirmed", "order_shipped", "order_delivered", "cancel_order", "restock", "order_refunded")
LINES = {"TSHIRT-001": 2, "HEADPHONES-001": 1}


def _recording(name):
    def method(self, order_ref, **kwargs):
        CALLS.append((name, kwargs) if kwargs else (name,))
        if name in REFUSING:
            raise HostError("store_down", f"The store refused {name}.")
        return getattr(StoreAdapter, name)(self, order_ref, **kwargs)

    return method


class RecordingAdapter(StoreAdapter):
    """The sandbox adapter, recording every lifecycle call (name and keyword arguments) before making it."""

    order_confirmed = _recording("order_confirmed")
    order_shipped = _recording("order_shipped")
    order_delivered = _recording("order_delivered")
    cancel_order = _recording("cancel_order")
    mark_order_paid = _recording("mark_order_paid")
    restock = _recording("restock")
    order_refunded = _recording("order_refunded")


@pytest.fixture(autouse=True)
def recording():
    CALLS.clear()
    REFUSING.clear()
    with override_settings(COD_HOST_ADAPTER="tests.flows.test_store_sync.RecordingAdapter"):
        yield CALLS


@pytest.fixture
def order(api, token_for) -> CodOrder:
    _, placed = place(api, token_for("new@example.com"), LINES)
    CALLS.clear()  # placing calls nothing of the lifecycle; every test starts from what it does
    return placed


def stock() -> dict[str, int]:
    return dict(Stock.objects.filter(product__sku__in=LINES).values_list("product__sku", "quantity"))


def move(order: CodOrder, event: Event, **kwargs) -> None:
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(order.pk), event, actor="staff", **kwargs)


def courier(order: CodOrder, status: str, **kwargs) -> None:
    delivery.update_status(order.pk, delivery.StatusUpdate(status=status, **kwargs), actor="courier")


def taken(order: CodOrder, status: str, **kwargs) -> list[tuple]:
    """The calls one courier update makes."""
    CALLS.clear()
    courier(order, status, **kwargs)
    return list(CALLS)


def paid(order: CodOrder) -> delivery.Collected:
    due = CodOrder.objects.get(pk=order.pk).amount_to_collect
    return delivery.Collected(amount=due.amount, currency=str(due.currency), method="cash")


def confirmed(order: CodOrder) -> CodOrder:
    move(order, Event.CONFIRM)
    CALLS.clear()
    return order


def refused(reason: str) -> list[tuple]:
    text = f"COD refused: {reason}"
    return [("cancel_order", {"reason": text}), ("restock", {"quantities": None, "reason": text})]


RETURNED = [
    ("cancel_order", {"reason": "COD: returned to origin"}),
    ("restock", {"quantities": None, "reason": "COD: returned to origin"}),
]


def test_confirming_tells_the_store_the_order_is_confirmed(order):
    confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="agent")
    assert CALLS == [("order_confirmed",)]
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.UNFULFILLED


def test_a_cancel_before_confirmation_releases_the_stock_with_the_confirmation_reason(order):
    before = stock()
    confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CANCELLED, actor="agent", note="changed plans")
    assert CALLS == [("cancel_order", {"reason": "COD confirmation: agent_cancelled"})]
    assert stock() == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}


def test_shipped_then_out_then_delivered_then_paid_each_tell_their_own_once(order):
    confirmed(order)
    assert taken(order, CodStatus.SHIPPED) == [("order_shipped",)]
    assert taken(order, CodStatus.OUT_FOR_DELIVERY) == []
    assert taken(order, CodStatus.DELIVERED) == [("order_delivered",)]
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.FULFILLED
    CALLS.clear()
    collected = paid(order)
    payment.record_by_staff(
        order.pk, amount=collected.amount, currency=collected.currency, method="cash", receipt="R-1", actor="staff"
    )
    assert CALLS == [("mark_order_paid",)]
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.PAID


@pytest.mark.parametrize("first", [CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERED])
def test_the_couriers_first_word_after_confirmation_tells_shipped_first(order, first):
    confirmed(order)
    expected = [("order_shipped",)] + ([("order_delivered",)] if first == CodStatus.DELIVERED else [])
    assert taken(order, first) == expected


def test_delivered_with_the_money_tells_shipped_delivered_and_paid_in_that_order(order):
    confirmed(order)
    calls = taken(order, CodStatus.DELIVERED, collected=paid(order))
    assert calls == [("order_shipped",), ("order_delivered",), ("mark_order_paid",)]


def test_a_refusal_at_the_door_after_confirmation_tells_shipped_cancel_and_restock_and_stock_comes_back_once(order):
    before = stock()
    confirmed(order)
    assert taken(order, CodStatus.REFUSED, reason="changed_mind") == [("order_shipped",), *refused("changed_mind")]
    assert stock() == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}
    # back at the merchant after the refusal: nothing more to tell, nothing restocked twice
    assert taken(order, CodStatus.RETURNED_TO_ORIGIN) == []
    assert stock() == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}


def test_a_refusal_in_transit_does_not_tell_shipped_again(order):
    confirmed(order)
    courier(order, CodStatus.SHIPPED)
    assert taken(order, CodStatus.REFUSED, reason="damaged") == refused("damaged")


def test_a_return_after_a_failed_delivery_cancels_then_restocks(order):
    before = stock()
    confirmed(order)
    courier(order, CodStatus.OUT_FOR_DELIVERY)
    assert taken(order, CodStatus.DELIVERY_FAILED, reason="nobody home") == []
    assert stock() == before  # the goods are with the courier
    assert taken(order, CodStatus.RETURNED_TO_ORIGIN) == RETURNED
    assert stock() == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}


def test_a_cancel_in_transit_keeps_the_goods_out_until_they_are_returned(order):
    before = stock()
    confirmed(order)
    courier(order, CodStatus.OUT_FOR_DELIVERY)
    CALLS.clear()
    move(order, Event.CANCEL, reason="unpaid_after_appointment")
    assert CALLS == [("cancel_order", {"reason": "COD: unpaid_after_appointment"})]
    assert stock() == before
    assert taken(order, CodStatus.RETURNED_TO_ORIGIN) == RETURNED
    assert stock() == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}


def test_a_return_of_an_order_cancelled_before_it_shipped_tells_nothing(order):
    before = stock()
    confirmed(order)
    move(order, Event.CANCEL, reason="staff_cancelled")
    released = stock()
    assert released == {"TSHIRT-001": before["TSHIRT-001"] + 2, "HEADPHONES-001": before["HEADPHONES-001"] + 1}
    assert taken(order, CodStatus.RETURNED_TO_ORIGIN) == []
    assert stock() == released


def test_the_sweep_cancels_through_the_same_table(order):
    confirmed(order)
    for status in (CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERY_FAILED) * 4:
        courier(order, status, reason="nobody home" if status == CodStatus.DELIVERY_FAILED else "")
    CALLS.clear()
    assert sweeps.cancel_overdue_deliveries() == 1
    assert CALLS == [("cancel_order", {"reason": "COD: too_many_failed_attempts"})]


def completed(order: CodOrder) -> CodOrder:
    confirmed(order)
    courier(order, CodStatus.DELIVERED, collected=paid(order))
    CALLS.clear()
    return CodOrder.objects.get(pk=order.pk)


def pay_refund(order: CodOrder, amount: Decimal, key: str) -> None:
    currency = str(order.amount_to_collect.currency)
    made = refunds.create(
        order.pk, amount=amount, currency=currency, method="store_credit", details={}, idempotency_key=key, actor="s"
    )
    refunds.mark_paid(made.pk, reference=f"SC-{key}", actor="s")


def test_each_paid_refund_tells_the_store_its_amount(order):
    order = completed(order)
    pay_refund(order, Decimal("10.00"), "first")
    pay_refund(order, Decimal("5.50"), "second")
    currency = str(order.amount_to_collect.currency)
    assert CALLS == [
        ("order_refunded", {"amount": Decimal("10.00"), "currency": currency}),
        ("order_refunded", {"amount": Decimal("5.50"), "currency": currency}),
    ]
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.REFUNDED
    assert Order.objects.get(pk=order.order_ref).refunded == Decimal("15.50")


def test_a_received_return_restocks_what_came_back(order):
    order = completed(order)
    before = stock()
    customer = RecordingAdapter().get_customer(HostContext(user=get_user_model().objects.get(email="new@example.com")))
    asked = returns.request(order.pk, customer=customer, lines={"TSHIRT-001": 2, "HEADPHONES-001": 1}, reason="damaged")
    returns.approve(asked.pk, actor="support")
    assert CALLS == []
    returns.receive(asked.pk, received={"TSHIRT-001": 1, "HEADPHONES-001": 0}, actor="support")
    assert CALLS == [("restock", {"quantities": {"TSHIRT-001": 1}, "reason": "COD: customer return received"})]
    assert stock() == {**before, "TSHIRT-001": before["TSHIRT-001"] + 1}


def test_a_second_identical_courier_event_tells_nothing_more(order):
    fastship, _ = courier_token()
    CodOrder.objects.filter(pk=order.pk).update(courier=fastship)
    confirmed(order)
    body = {
        "event_id": "evt-1",
        "type": "shipped",
        "reference": order.order_number,
        "occurred_at": "2026-01-01T10:00:00Z",
        "data": {"tracking_number": "FS-1"},
    }
    outcomes = [courier_events.receive(fastship, courier_events.parse_event(event)).outcome for event in (body, body)]
    assert outcomes == [courier_events.Outcome.APPLIED, courier_events.Outcome.DUPLICATE]
    assert CALLS == [("order_shipped",)]


def test_a_store_that_refuses_shipped_rolls_the_cod_status_back(order):
    confirmed(order)
    REFUSING.add("order_shipped")
    with pytest.raises(CodError) as raised:
        courier(order, CodStatus.SHIPPED, tracking_number="FS-1")
    assert raised.value.code == CodErrorCode.STORE_REFUSED
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (CodStatus.CONFIRMED, "")
    assert not CodOrderEvent.objects.filter(order=order, kind=Event.SHIP.value).exists()


def test_a_cancel_from_the_store_cancels_the_cod_order_without_telling_the_store_back(order):
    confirmed(order)
    cancelled = cod_api.store_cancelled(order.order_ref, reason="cancelled in the dashboard")
    assert cancelled.status == CodStatus.CANCELLED
    event = CodOrderEvent.objects.get(order=order, kind=Event.CANCEL.value)
    assert (event.actor, event.reason, event.from_status) == (
        "store",
        "cancelled in the dashboard",
        CodStatus.CONFIRMED,
    )
    assert CALLS == []
    # the store telling it again (its own signal, say) changes nothing
    assert cod_api.store_cancelled(order.order_ref).status == CodStatus.CANCELLED
    assert CodOrderEvent.objects.filter(order=order, kind=Event.CANCEL.value).count() == 1


def test_a_cancel_from_the_store_of_a_completed_order_is_refused(order):
    order = completed(order)
    with pytest.raises(CodError) as raised:
        cod_api.store_cancelled(order.order_ref, reason="too late")
    assert raised.value.code == CodErrorCode.INVALID_TRANSITION
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.COMPLETED
    assert CALLS == []


def test_a_cancel_from_the_store_of_an_order_the_plugin_does_not_have_is_none(demo):
    assert cod_api.store_cancelled("999999", reason="not ours") is None
