"""Courier webhooks: signed, recorded once, applied in any order to the same end."""

import json
import random
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from djmoney.money import Money

from cod_plugin.models import CodCustomerProfile, CodOrder, CodOrderEvent, CodPaymentRecord, Courier, CourierEvent
from sandbox.store.models import Order

from .conftest import URL, Events, headers, place_order, post


@pytest.fixture
def order(api, courier):
    return place_order(api, "ann@example.com", courier=courier)


def cash(order: CodOrder, amount: Decimal | None = None) -> dict:
    amount = order.amount_to_collect.amount if amount is None else amount
    return {"amount": str(amount), "currency": "USD", "method": "cash", "receipt": f"R-{order.order_number}"}


def window() -> dict:
    return {"start": "2026-01-06T10:00:00+07:00", "end": "2026-01-06T12:00:00+07:00"}


def refresh(order: CodOrder) -> CodOrder:
    order.refresh_from_db()
    return order


def profile(email: str) -> CodCustomerProfile:
    return CodCustomerProfile.objects.get(customer_key=f"guest:{email}")


# --- signatures and the request ----------------------------------------------------------------------------------


def test_a_bad_signature_gets_401_and_records_nothing(client, order, events):
    # given an event signed with another secret, and one with no signature at all
    event = events("shipped", order, tracking_number="FS-1")
    body = json.dumps(event).encode()
    unsigned = client.post(URL, body, content_type="application/json")
    # when
    response = post(client, event, secret="not-the-courier-secret")
    # then
    for answer in (response, unsigned):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_signature"
    assert not CourierEvent.objects.exists()
    assert refresh(order).status == "confirmed" and order.tracking_number == ""
    assert (
        not CodOrderEvent.objects.filter(order=order)
        .exclude(kind__in=["placed", "risk_assessed", "courier_assigned", "confirm"])
        .exists()
    )


def test_a_body_changed_after_signing_is_refused(client, order, events):
    event = events("shipped", order)
    body = json.dumps(event).encode()
    signed = headers(body)
    response = client.post(URL, body.replace(b"shipped", b"refused"), content_type="application/json", **signed)
    assert response.status_code == 401 and not CourierEvent.objects.exists()


@pytest.mark.parametrize("age", [301, -301])
def test_a_stale_timestamp_gets_401_and_records_nothing(client, order, events, age):
    # given a well-signed event whose timestamp is over five minutes old (or ahead)
    response = post(client, events("shipped", order), timestamp=int(time.time()) - age)
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "stale_timestamp"
    assert not CourierEvent.objects.exists() and refresh(order).status == "confirmed"


@override_settings(COD_WEBHOOK_TOLERANCE_SECONDS=600)
def test_the_tolerance_is_a_setting(client, order, events):
    assert post(client, events("shipped", order), timestamp=int(time.time()) - 400).status_code == 200


def test_a_replay_is_a_duplicate_and_applied_once(client, order, events):
    # given
    event = events("shipped", order, tracking_number="FS-1")
    # when the same event arrives twice
    first, second = post(client, event), post(client, event)
    # then
    assert first.json() == {"status": "applied"} and second.json() == {"status": "duplicate"}
    assert second.status_code == 200
    assert CourierEvent.objects.get().outcome == "applied"
    assert CodOrderEvent.objects.filter(order=order, kind="ship").count() == 1


def test_unknown_courier_inactive_courier_and_other_methods(client, order, events):
    event = events("shipped", order)
    assert post(client, event, url="/cod/couriers/nobody/events/").status_code == 404
    Courier.objects.filter(code="fastship").update(active=False)
    response = post(client, event)
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_courier"
    assert client.get(URL).status_code == 405
    assert not CourierEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda e: e.pop("event_id"), "required", "event_id"),
        (lambda e: e.update(type="teleported"), "invalid", "type"),
        (lambda e: e.update(occurred_at="2026-01-05T09:00:00"), "invalid", "occurred_at"),
        (lambda e: e.update(occurred_at="2999-01-01T00:00:00+00:00"), "invalid", "occurred_at"),
        (lambda e: e.update(reference=12), "invalid", "reference"),
        (lambda e: e.update(type="refused") or e["data"].update(reason="bored"), "invalid", "data.reason"),
        (lambda e: e.update(type="refused"), "required", "data.reason"),
        (lambda e: e["data"].update(collected={"amount": "lots", "currency": "USD", "method": "cash"}), "invalid",
         "data.collected.amount"),
        (lambda e: e["data"].update(window={"start": "2026-01-06T10:00:00+07:00"}), "required", "data.window.end"),
        (lambda e: e["data"].update(window={**window(), "end": window()["start"]}), "invalid", "data.window"),
        (lambda e: e["data"].update(collected={"amount": "0", "currency": "USD", "method": "cash"}), "invalid",
         "data.collected.amount"),
    ],
)  # fmt: skip
def test_a_malformed_event_gets_400_with_the_field(client, order, events, change, code, field):
    event = events("delivered", order)
    change(event)
    response = post(client, event)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == code and response.json()["error"]["field"] == field
    assert not CourierEvent.objects.exists()


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b"[" * 5000 + b"]" * 5000, b'{"a": NaN}', b'{"event_id": "a\\u0000"}']
)
def test_a_body_that_is_not_an_event_object_gets_400(client, courier, body):
    response = client.post(URL, body, content_type="application/json", **headers(body))
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_json", "invalid"}


def test_a_body_over_64_kib_gets_413(client, order, events):
    event = events("refused", order, reason="changed_mind", note="x" * 70_000)
    response = post(client, event)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert not CourierEvent.objects.exists()


# --- what an event does to the order -----------------------------------------------------------------------------


def test_shipped_out_for_delivery_delivered_and_paid_completes_the_order(client, order, events):
    # given
    before = Order.objects.get(pk=order.order_ref).status
    # when the courier reports the whole journey and the cash it collected
    answers = [
        post(client, events("shipped", order, tracking_number="FS-1001")),
        post(client, events("out_for_delivery", order, window=window())),
        post(client, events("delivered", order, collected=cash(order))),
    ]
    # then
    assert [a.json() for a in answers] == [{"status": "applied"}] * 3
    order = refresh(order)
    assert order.status == "completed" and order.tracking_number == "FS-1001"
    assert order.courier.code == "fastship" and order.appointment_start is not None
    payment = CodPaymentRecord.objects.get()
    assert payment.order == order and payment.amount == order.amount_to_collect and payment.source == "courier"
    assert profile("ann@example.com").completed_orders == 1
    assert Order.objects.get(pk=order.order_ref).status != before  # the store's order is paid
    assert list(CourierEvent.objects.values_list("outcome", flat=True)) == ["applied"] * 3


def test_a_different_collected_amount_leaves_the_order_delivered_and_flagged(client, order, events):
    short = order.amount_to_collect.amount - Decimal("1.00")
    post(client, events("delivered", order, collected=cash(order, short)))
    order = refresh(order)
    assert order.status == "delivered" and order.amount_discrepancy
    assert CodPaymentRecord.objects.get().amount == Money(short, "USD")
    assert profile("ann@example.com").completed_orders == 0


def test_a_refusal_without_a_valid_reason_is_a_strike_with_a_penalty(client, order, events):
    post(client, events("out_for_delivery", order))
    response = post(client, events("refused", order, reason="changed_mind", note="does not want it"))
    assert response.json() == {"status": "applied"}
    assert refresh(order).status == "refused" and order.refusal_reason == "changed_mind"
    standing = profile("ann@example.com")
    assert standing.strikes == 1
    assert standing.outstanding_penalty == Money(order.shipping_amount.amount * 2 + order.fee.amount, "USD")
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.CANCELED


def test_a_refusal_of_damaged_goods_is_no_strike(client, order, events):
    post(client, events("refused", order, reason="damaged"))
    assert refresh(order).status == "refused"
    standing = CodCustomerProfile.objects.filter(customer_key="guest:ann@example.com").first()
    assert standing is None or (standing.strikes, standing.outstanding_penalty.amount) == (0, 0)


def test_an_update_the_order_cannot_take_gets_409_and_is_recorded(client, api, courier, events):
    # given an order nobody has confirmed yet
    order = place_order(api, "ann@example.com", confirmed=False, courier=courier)
    # when the courier says it shipped
    response = post(client, events("shipped", order))
    # then
    assert response.status_code == 409
    assert response.json()["status"] == "rejected"
    assert response.json()["error"]["code"] == "invalid_transition"
    assert CourierEvent.objects.get().outcome == "rejected"
    assert refresh(order).status == "pending_confirmation"


def test_a_payment_in_another_currency_is_rejected_and_nothing_half_done(client, order, events):
    collected = {**cash(order), "currency": "EUR"}
    response = post(client, events("delivered", order, collected=collected))
    assert response.status_code == 409 and response.json()["error"]["code"] == "currency_mismatch"
    assert refresh(order).status == "confirmed"  # the delivery before the payment was rolled back with it
    assert not CodPaymentRecord.objects.exists()


def test_an_unknown_reference_gets_404_and_is_recorded(client, order, events):
    # given an order that another courier carries
    other = Courier.objects.create(code="slowship", name="SlowShip", webhook_secret="x" * 20)
    CodOrder.objects.filter(pk=order.pk).update(courier=other)
    # when fastship reports on it, and on an order number that does not exist
    theirs = post(client, events("shipped", order))
    missing = post(client, {**events("shipped", order), "reference": "999999"})
    # then both are unknown to fastship, and recorded as such
    for response in (theirs, missing):
        assert response.status_code == 404
        assert response.json()["status"] == "unknown_order"
        assert response.json()["error"]["code"] == "unknown_order"
    assert list(CourierEvent.objects.values_list("outcome", "order")) == [("unknown_order", None)] * 2
    assert refresh(order).status == "confirmed"


def test_an_event_before_the_one_it_follows_waits_for_it(client, order, events):
    # given the return to origin (10:03) and the refusal (10:02) arrive before "out for delivery" (10:01)
    out, refused, returned = (
        events("out_for_delivery", order),
        events("refused", order, reason="changed_mind"),
        events("returned_to_origin", order),
    )
    # when
    answers = [post(client, returned), post(client, refused), post(client, out)]
    # then the return waited for the refusal, and the late "out for delivery" changed nothing
    assert [a.status_code for a in answers] == [202, 200, 200]
    assert [a.json()["status"] for a in answers] == ["deferred", "applied", "ignored"]
    assert refresh(order).status == "returned_to_origin"
    outcomes = dict(CourierEvent.objects.values_list("event_id", "outcome"))
    assert outcomes == {returned["event_id"]: "applied", refused["event_id"]: "applied", out["event_id"]: "ignored"}


# --- out of order, and the cost per event ------------------------------------------------------------------------

ORDERS_PER_SET = 40
CUSTOMERS = 8


def journey(events: Events, order: CodOrder, scenario: int, retries: int) -> list[dict]:
    """One order's events, in the order they happened: attempts that fail, then an outcome."""
    steps = [events("shipped", order, tracking_number=f"FS-{order.order_number}")]
    for _ in range(retries):
        steps += [events("out_for_delivery", order, window=window()), events("delivery_failed", order, reason="out")]
    steps.append(events("out_for_delivery", order, window=window()))
    short = order.amount_to_collect.amount - Decimal("0.50")
    outcomes = [
        [events("delivered", order, collected=cash(order))],
        [events("delivered", order, collected=cash(order, short))],
        [events("refused", order, reason="changed_mind"), events("returned_to_origin", order)],
        [events("refused", order, reason="damaged"), events("returned_to_origin", order)],
        [events("delivery_failed", order, reason="address"), events("returned_to_origin", order)],
    ]
    return steps + outcomes[scenario % len(outcomes)]


def journeys(orders: list[CodOrder], prefix: str) -> list[dict]:
    """The same journeys for every set of orders (the same clock too); event ids unique per set."""
    events = Events()
    sequence = []
    for index, order in enumerate(orders):
        sequence += journey(events, order, scenario=index, retries=9 + index % 5)
    for event in sequence:
        event["event_id"] = f"{prefix}-{event['event_id']}"
    return sequence


def state(orders: list[CodOrder], prefix: str) -> list[tuple]:
    rows = []
    for order in CodOrder.objects.filter(pk__in=[o.pk for o in orders]).select_related("payment").order_by("pk"):
        paid = getattr(order, "payment", None)
        store_status = Order.objects.get(pk=order.order_ref).status
        rows.append(
            (order.status, store_status, order.amount_discrepancy, order.refusal_reason, order.tracking_number != "")
            + ((paid.amount, paid.method) if paid else (None, None))
        )
    for index in range(CUSTOMERS):
        standing = profile(f"{prefix}{index}@example.com")
        rows.append((standing.strikes, standing.suspensions, standing.completed_orders, standing.outstanding_penalty))
    return rows


def test_a_thousand_events_shuffled_with_duplicates_end_as_in_order(client, api, courier):
    # given two identical sets of orders, from two identical sets of customers
    in_order = [place_order(api, f"a{i % CUSTOMERS}@example.com", courier=courier) for i in range(ORDERS_PER_SET)]
    shuffled = [place_order(api, f"b{i % CUSTOMERS}@example.com", courier=courier) for i in range(ORDERS_PER_SET)]
    expected_events = journeys(in_order, "a")
    events = journeys(shuffled, "b")
    assert len(events) >= 1000
    # and the second set's events shuffled, a tenth of them twice
    rng = random.Random(20260105)
    copies = rng.sample(events, len(events) // 10)
    events += copies
    rng.shuffle(events)
    # when
    for event in expected_events:
        assert post(client, event).status_code == 200, event
    answers = [post(client, event) for event in events]
    # then every event was taken (none rejected), duplicates were noticed, and both sets ended alike
    statuses = [answer.json()["status"] for answer in answers]
    assert {answer.status_code for answer in answers} <= {200, 202}
    assert statuses.count("duplicate") == len(copies)
    assert state(shuffled, "b") == state(in_order, "a")
    assert CodPaymentRecord.objects.count() == 2 * len([o for i, o in enumerate(in_order) if i % 5 < 2])
    assert not CourierEvent.objects.filter(outcome__in=["deferred", "rejected"]).exists()


def test_the_queries_per_event_do_not_grow(client, order, events):
    # given
    post(client, events("shipped", order))
    counts = {"out_for_delivery": [], "delivery_failed": []}
    # when the order goes out and fails a hundred times
    for _ in range(100):
        for kind in counts:
            with CaptureQueriesContext(connection) as queries:
                response = post(client, events(kind, order, window=window()) if kind == "out_for_delivery" else
                                events(kind, order, reason="out"))  # fmt: skip
            assert response.json() == {"status": "applied"}
            counts[kind].append(len(queries))
    # then the hundredth event of a kind cost what the first did: the savepoint (BEGIN outside a test), the
    # order locked, the event recorded, the order updated, its timeline line, the release (COMMIT); the courier,
    # read once, is confirmed by the lock's query; a window is also checked against its channel's horizon
    assert {kind: set(values) for kind, values in counts.items()} == {"out_for_delivery": {7}, "delivery_failed": {6}}
    assert refresh(order).delivery_failures == 100


# --- the courier as read by an earlier event ---------------------------------------------------------------------


def test_a_courier_deactivated_since_its_last_event_gets_404_and_records_nothing(client, order, events):
    assert post(client, events("shipped", order)).json() == {"status": "applied"}
    Courier.objects.filter(code="fastship").update(active=False)
    response = post(client, events("out_for_delivery", order))
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_courier"
    assert CourierEvent.objects.count() == 1 and refresh(order).status == "shipped"


def test_a_new_secret_takes_effect_at_once(client, order, events):
    # given an event applied with the courier's secret, which is then changed
    assert post(client, events("shipped", order)).json() == {"status": "applied"}
    Courier.objects.filter(code="fastship").update(webhook_secret="fastship-webhook-secret-0002")
    # when events come signed with the old secret, then with the new one
    old = post(client, events("out_for_delivery", order))
    new = post(client, events("out_for_delivery", order), secret="fastship-webhook-secret-0002")
    # then the old secret is refused and nothing of it recorded, the new one is taken
    assert old.status_code == 401 and old.json()["error"]["code"] == "invalid_signature"
    assert new.json() == {"status": "applied"}
    assert CourierEvent.objects.count() == 2 and refresh(order).status == "out_for_delivery"


def test_a_courier_deactivated_since_gets_404_for_an_unknown_order_too(client, order, events):
    assert post(client, events("shipped", order)).json() == {"status": "applied"}
    Courier.objects.filter(code="fastship").update(active=False)
    response = post(client, {**events("shipped", order), "reference": "999999"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_courier"
    assert CourierEvent.objects.count() == 1


def test_a_renamed_courier_is_not_found_under_its_old_code(client, order, events):
    assert post(client, events("shipped", order)).json() == {"status": "applied"}
    Courier.objects.filter(code="fastship").update(code="fastship2")
    assert post(client, events("out_for_delivery", order)).status_code == 404
    response = post(client, events("out_for_delivery", order), url="/cod/couriers/fastship2/events/")
    assert response.json() == {"status": "applied"}
