"""Every field of a courier's event, bounded: too long, NUL, unpaired surrogate, wrong type and bad numbers are a 400
with the code and the field, and nothing is recorded; a text exactly at its length is taken whole."""

import json

import pytest

from cod_plugin.couriers.webhooks import MAX_NESTING
from cod_plugin.models import CodOrder, CodOrderEvent, CodPaymentRecord, CourierEvent

from .conftest import URL, headers, place_order, post

WINDOW = {"start": "2026-01-06T10:00:00+07:00", "end": "2026-01-06T12:00:00+07:00"}
COLLECTED = {"amount": "89.00", "currency": "USD", "method": "cash", "receipt": "R-1"}
# Each field: the event type it matters for, and its stated length (None: a time or an amount, bounded otherwise).
FIELDS = {
    "event_id": ("shipped", 100),
    "type": ("shipped", 32),
    "reference": ("shipped", 32),
    "occurred_at": ("shipped", 40),
    "data.tracking_number": ("shipped", 64),
    "data.window.start": ("out_for_delivery", 40),
    "data.window.end": ("out_for_delivery", 40),
    "data.reason": ("delivery_failed", 255),
    "data.note": ("refused", 255),
    "data.collected.amount": ("delivered", 40),
    "data.collected.currency": ("delivered", 3),
    "data.collected.method": ("delivered", 20),
    "data.collected.receipt": ("delivered", 100),
}


@pytest.fixture
def order(api, courier):
    return place_order(api, "ann@example.com", courier=courier)


def event_for(order: CodOrder, kind: str, events) -> dict:
    """A well-formed event of ``kind`` with every field its kind reads."""
    data = {"tracking_number": "FS-1", "note": "ok"}
    if kind == "out_for_delivery":
        data["window"] = dict(WINDOW)
    if kind in {"delivery_failed", "refused"}:
        data["reason"] = "changed_mind"
    if kind == "delivered":
        data["collected"] = {**COLLECTED, "amount": str(order.amount_to_collect.amount)}
    return events(kind, order, **data)


def put(event: dict, path: str, value) -> dict:
    *parents, last = path.split(".")
    target = event
    for key in parents:
        target = target[key]
    target[last] = value
    return event


def snapshot(order: CodOrder) -> tuple:
    order.refresh_from_db()
    changed = (order.status, order.tracking_number, order.refusal_note, order.appointment_end, order.updated_at)
    counts = (CourierEvent.objects.count(), CodOrderEvent.objects.count(), CodPaymentRecord.objects.count())
    return changed, counts


def assert_refused(client, order, event: dict, code: str, field: str) -> None:
    before = snapshot(order)
    response = post(client, event)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert snapshot(order) == before
    assert not CourierEvent.objects.exists()


@pytest.mark.parametrize("path", FIELDS)
def test_a_field_one_character_past_its_length_is_refused(client, order, events, path):
    kind, length = FIELDS[path]
    assert_refused(client, order, put(event_for(order, kind, events), path, "1" * (length + 1)), "invalid", path)


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b", "\udfff"], ids=["nul", "high-surrogate", "low-surrogate"])
@pytest.mark.parametrize("path", FIELDS)
def test_a_nul_or_an_unpaired_surrogate_in_any_field_is_refused(client, order, events, path, bad):
    kind, _ = FIELDS[path]
    assert_refused(client, order, put(event_for(order, kind, events), path, bad), "invalid", path)


@pytest.mark.parametrize("path", FIELDS)
def test_a_field_of_the_wrong_type_is_refused(client, order, events, path):
    kind, _ = FIELDS[path]
    assert_refused(client, order, put(event_for(order, kind, events), path, {"not": "a string"}), "invalid", path)


def test_a_surrogate_anywhere_in_the_body_is_refused_as_the_body_is_kept_whole(client, order, events):
    event = event_for(order, "shipped", events)
    event["extra"] = {"comment": "\ud800"}
    assert_refused(client, order, event, "invalid", "extra.comment")


@pytest.mark.parametrize("amount", ["1e400", "1E+15", "NaN", "Infinity", "-Infinity", "0.001", "-5.00", "0"])
def test_an_amount_that_is_not_a_finite_positive_amount_in_minor_units_is_refused(client, order, events, amount):
    event = put(event_for(order, "delivered", events), "data.collected.amount", amount)
    assert_refused(client, order, event, "invalid", "data.collected.amount")


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00", "2026-01-06T10:00:00"])
@pytest.mark.parametrize("path", ["data.window.start", "data.window.end"])
def test_a_window_time_without_an_offset_or_past_what_can_be_stored_is_refused(client, order, events, path, when):
    assert_refused(client, order, put(event_for(order, "out_for_delivery", events), path, when), "invalid", path)


def test_an_event_id_exactly_at_its_length_is_recorded(client, order, events):
    event = put(event_for(order, "shipped", events), "event_id", "e" * 100)
    assert post(client, event).json() == {"status": "applied"}
    assert CourierEvent.objects.get().event_id == "e" * 100


def test_a_tracking_number_exactly_at_its_length_is_kept_whole(client, order, events):
    event = put(event_for(order, "shipped", events), "data.tracking_number", "T" * 64)
    assert post(client, event).json() == {"status": "applied"}
    order.refresh_from_db()
    assert order.tracking_number == "T" * 64


def test_a_refusal_note_exactly_at_its_length_is_kept_whole_and_one_more_is_never_cut(client, order, events):
    shipped = post(client, event_for(order, "shipped", events))
    assert shipped.json() == {"status": "applied"}
    refusal = put(event_for(order, "refused", events), "data.note", "n" * 255)
    assert post(client, refusal).json() == {"status": "applied"}
    order.refresh_from_db()
    assert order.refusal_note == "n" * 255


def test_a_receipt_and_a_reason_exactly_at_their_length_are_taken(client, order, events):
    failed = put(event_for(order, "delivery_failed", events), "data.reason", "r" * 255)
    assert post(client, failed).status_code in {200, 202}
    delivered = put(event_for(order, "delivered", events), "data.collected.receipt", "R" * 100)
    assert post(client, delivered).status_code in {200, 202}
    assert CourierEvent.objects.count() == 2


def test_an_out_for_delivery_window_longer_than_the_channel_allows_is_rejected_and_changes_nothing(
    client, order, events
):
    # given the courier reports a window of 12 hours and one second
    event = event_for(order, "out_for_delivery", events)
    event["data"]["window"] = {"start": "2026-01-06T08:00:00+00:00", "end": "2026-01-06T20:00:01+00:00"}
    before = snapshot(order)[0]
    # when, then it is recorded as rejected with the error, and the order is as it was
    response = post(client, event)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid" and response.json()["error"]["field"] == "window"
    assert snapshot(order)[0] == before
    assert CourierEvent.objects.get().outcome == "rejected"


def test_a_number_past_what_a_float_holds_anywhere_in_the_body_is_refused(client, order, events):
    # given 1e400 as a JSON number where the parser reads no amount: it would be kept as infinity
    event = event_for(order, "shipped", events)
    body = json.dumps(event).replace('"data": {', '"data": {"weight": 1e400, ', 1).encode()
    before = snapshot(order)
    response = client.post(URL, body, content_type="application/json", **headers(body))
    assert response.status_code == 400
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == ("invalid", "data.weight")
    assert snapshot(order) == before


@pytest.mark.parametrize(("arrays", "status"), [(MAX_NESTING - 1, 200), (MAX_NESTING, 400)])
def test_a_body_nested_to_the_limit_is_applied_and_one_level_past_it_refused(client, order, events, arrays, status):
    # given arrays nested inside the event's own object: the limit is reached at MAX_NESTING - 1 of them
    event = event_for(order, "shipped", events)
    deep = '"deep": ' + "[" * arrays + "]" * arrays + ', "data": {'
    body = json.dumps(event).replace('"data": {', deep, 1).encode()
    # when the courier sends it
    response = client.post(URL, body, content_type="application/json", **headers(body))
    # then the event is applied at the limit, and refused as not valid JSON one level past it
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["code"] == "invalid_json"


def test_a_body_nested_as_deep_as_the_parser_allows_is_answered(client, order, events):
    event = event_for(order, "shipped", events)
    body = json.dumps(event).replace('"data": {', '"deep": ' + "[" * 900 + "]" * 900 + ', "data": {', 1).encode()
    response = client.post(URL, body, content_type="application/json", **headers(body))
    assert response.status_code in {200, 400}


def test_a_deferred_event_kept_before_these_bounds_is_rejected_when_its_turn_comes(client, order, events, courier):
    # given a deferred failed attempt stored with a note longer than the note's length now
    old = event_for(order, "delivery_failed", events)
    old["data"]["note"] = "n" * 300
    CourierEvent.objects.create(
        courier=courier, event_id=old["event_id"], order=order, kind="delivery_failed",
        occurred_at=old["occurred_at"], payload=old, outcome="deferred",
    )  # fmt: skip
    # when the event it waited for arrives, then that one is applied and the old one rejected
    assert post(client, event_for(order, "shipped", events)).json() == {"status": "applied"}
    assert CourierEvent.objects.get(event_id=old["event_id"]).outcome == "rejected"
