"""An order gets its courier when it is handed over: its channel's default courier on confirmation (booked once
the confirmation commits, when the courier has a booking API), or the courier dispatch assigns."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from strawberry.relay import to_base64

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import confirmation, shipping
from cod_plugin.host import OrderChanges
from cod_plugin.models import CodOrder, CodOrderEvent, CodPolicy, Courier
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.auth import create_token
from tests.couriers.test_client import CourierApi, serve
from tests.lifecycle.helpers import confirm, place
from tests.workers import tasks_run_here

from .conftest import admin_client

ASSIGN = """mutation($id: ID!, $courier: String!) {
  codOrderAssignCourier(orderId: $id, courier: $courier) { order { number timeline { kind } } errors { field code } }
}"""


@pytest.fixture
def fastship(demo):
    return Courier.objects.create(
        code="fastship", name="FastShip", webhook_secret="f" * 20, channels=["default-channel"]
    )


@pytest.fixture
def order(api) -> CodOrder:
    return place(api, None)[1]


def default_courier(courier: Courier, channel: str = "default-channel") -> None:
    CodPolicy.objects.filter(channel=channel).update(default_courier=courier)


def courier_of(order: CodOrder) -> str | None:
    return CodOrder.objects.filter(pk=order.pk).values_list("courier__code", flat=True).get()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed() as booking:``: the block's transactions commit, and ``booking`` records the booking tasks
    they enqueued."""

    @contextmanager
    def run():
        with mock.patch("cod_plugin.tasks.book_shipment.delay") as booking:
            with django_capture_on_commit_callbacks(execute=True):
                yield booking

    return run


def staff(email: str):
    return get_user_model().objects.get(email=email)


# --- on confirmation -----------------------------------------------------------------------------------------------


CONFIRMATIONS = {
    "agent: confirmed": lambda order: confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="a"),
    "agent: modified": lambda order: confirmation.confirm_by_agent(
        order.pk, ConfirmationOutcome.MODIFIED, actor="a", changes=OrderChanges(quantities={"TSHIRT-001": 1})
    ),
    "customer: link": lambda order: confirmation.confirm_by_link(
        confirmation.link(order).rstrip("/").rsplit("/", 1)[-1], confirmation.Decision.CONFIRM
    ),
}


@pytest.mark.parametrize("how", sorted(CONFIRMATIONS))
def test_confirming_hands_the_order_to_the_channels_courier_and_books_it_once_committed(
    order, fastship, how, django_capture_on_commit_callbacks
):
    # given a channel whose default courier has a booking API
    default_courier(fastship)
    with tasks_run_here(), CourierApi() as courier_api:  # the booking runs here, whatever broker CI names
        serve(fastship, courier_api)
        # when the order is confirmed
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            CONFIRMATIONS[how](order)
            # then it is the courier's at once, and nothing is booked before the confirmation commits
            assert courier_of(order) == "fastship" and courier_api.requests == []
    order.refresh_from_db()
    assert order.status == CodStatus.CONFIRMED and callbacks
    assert len(courier_api.requests) == 1 and order.tracking_number == "FS00000001"
    assert CodOrderEvent.objects.get(order=order, kind="courier_assigned").reason == "channel_default"


def test_a_courier_without_a_booking_api_is_assigned_and_not_booked(order, fastship, committed):
    default_courier(fastship)
    with committed() as booking:
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="a")
    assert courier_of(order) == "fastship" and booking.call_count == 0


@pytest.mark.parametrize("change", ["other channel", "no channel", "inactive"])
def test_a_default_courier_that_cannot_carry_the_order_is_not_assigned(order, fastship, change, committed):
    # given the channel's default courier serves another channel only, no channel, or is switched off
    default_courier(fastship)
    fastship.channels = {"other channel": ["channel-ae"], "no channel": []}.get(change, fastship.channels)
    fastship.active = change != "inactive"
    fastship.save()
    # when the order is confirmed, then it waits for dispatch with no courier
    with committed() as booking:
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="a")
    assert courier_of(order) is None and booking.call_count == 0


def test_a_courier_assigned_before_the_confirmation_is_booked_on_it(order, fastship, committed):
    other = Courier.objects.create(
        code="quickbox", name="QuickBox", webhook_secret="q" * 20, channels=["default-channel"]
    )
    default_courier(other)
    shipping.assign(order.pk, "fastship", actor="dispatch@example.com")
    fastship.api_url = "https://fastship.example/v1"
    fastship.save()
    with committed() as booking:
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="a")
    assert courier_of(order) == "fastship" and booking.call_args_list == [mock.call(order.pk)]


def test_a_cancelled_call_hands_the_order_to_nobody(order, fastship):
    default_courier(fastship)
    confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CANCELLED, "wrong address", actor="a")
    assert courier_of(order) is None


# --- dispatch assigns ----------------------------------------------------------------------------------------------


def test_dispatch_assigns_a_courier_of_the_channel_once(order, fastship):
    confirm(order)
    with mock.patch("cod_plugin.tasks.book_shipment.delay"):
        shipping.assign(order.pk, "fastship", actor="dispatch@example.com")
        shipping.assign(order.pk, "fastship", actor="dispatch@example.com")  # the same courier again: nothing new
    assert courier_of(order) == "fastship"
    event = CodOrderEvent.objects.get(order=order, kind="courier_assigned")
    assert (event.actor, event.reason, event.data) == (
        "dispatch@example.com",
        "assigned",
        {"courier": "fastship", "from": None},
    )


@pytest.mark.parametrize("channels", [["channel-ae"], []])
def test_a_courier_outside_the_orders_channel_cannot_be_assigned(order, fastship, channels):
    fastship.channels = channels
    fastship.save()
    with pytest.raises(CodError) as refused:
        shipping.assign(order.pk, "fastship", actor="dispatch@example.com")
    assert (refused.value.code, refused.value.field) == (CodErrorCode.INVALID, "courier")
    assert courier_of(order) is None and not CodOrderEvent.objects.filter(kind="courier_assigned").exists()


def test_an_order_on_its_way_keeps_its_courier(order, fastship):
    # given a confirmed order with fastship, and then a tracking number (booked)
    other = Courier.objects.create(
        code="quickbox", name="QuickBox", webhook_secret="q" * 20, channels=["default-channel"]
    )
    confirm(order)
    shipping.assign(order.pk, "fastship", actor="dispatch@example.com")
    CodOrder.objects.filter(pk=order.pk).update(tracking_number="FS-1")
    # when dispatch moves it to quickbox, then it is refused
    with pytest.raises(CodError) as refused:
        shipping.assign(order.pk, "quickbox", actor="dispatch@example.com")
    assert refused.value.code == CodErrorCode.INVALID_TRANSITION and courier_of(order) == "fastship"
    # and before the booking, the move is fine
    CodOrder.objects.filter(pk=order.pk).update(tracking_number="")
    shipping.assign(order.pk, other.code, actor="dispatch@example.com")
    assert courier_of(order) == "quickbox"


def test_dispatch_assigns_through_the_api(api, order, fastship):
    order_id = to_base64("CodOrder", order.pk)
    token = create_token(staff("dispatch@example.com"))
    done = api(ASSIGN, {"id": order_id, "courier": "fastship"}, token=token)["codOrderAssignCourier"]
    unknown = api(ASSIGN, {"id": order_id, "courier": "nobody"}, token=token)["codOrderAssignCourier"]
    assert done["errors"] == [] and "courier_assigned" in [line["kind"] for line in done["order"]["timeline"]]
    assert unknown == {"order": None, "errors": [{"field": "courier", "code": "INVALID"}]}
    assert courier_of(order) == "fastship"


def test_dispatch_assigns_on_the_order_page_from_the_couriers_of_the_channel(order, fastship):
    # given another courier that serves only channel-ae
    Courier.objects.create(code="aeship", name="AeShip", webhook_secret="a" * 20, channels=["channel-ae"])
    client = admin_client(staff("dispatch@example.com"))
    page = client.get(f"/admin/cod_plugin/codorder/{order.pk}/change/").content.decode()
    # then the form offers fastship only, and assigning it works
    assert 'value="fastship"' in page and 'value="aeship"' not in page
    response = client.post(f"/admin/cod_plugin/codorder/{order.pk}/courier/", {"courier": "fastship"})
    assert response.status_code == 302 and courier_of(order) == "fastship"
    # and the agent sees no courier form
    agent_page = admin_client(staff("agent@example.com")).get(f"/admin/cod_plugin/codorder/{order.pk}/change/")
    assert 'name="courier"' not in agent_page.content.decode()


def test_the_channels_a_courier_serves_are_set_in_the_admin(fastship):
    client = admin_client(staff("manager@example.com"))
    url = f"/admin/cod_plugin/courier/{fastship.pk}/change/"
    data = {"code": "fastship", "name": "FastShip", "active": "on", "channels": ["channel-ae", "channel-kw"]}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fastship.refresh_from_db()
    assert fastship.channels == ["channel-ae", "channel-kw"] and fastship.webhook_secret == "f" * 20
    # a channel without a COD policy is not offered
    assert client.post(url, {**data, "channels": ["nowhere"]}).status_code == 200


def test_a_channels_default_courier_must_serve_the_channel(demo, staff_client):
    from tests.admin.test_settings import EDITOR, edit, field_errors, policy

    # given a courier of channel-ae only, and one of default-channel
    aeship = Courier.objects.create(code="aeship", name="AeShip", webhook_secret="a" * 20, channels=["channel-ae"])
    fastship = Courier.objects.create(
        code="fastship", name="FastShip", webhook_secret="f" * 20, channels=["default-channel"]
    )
    editor = staff_client(*EDITOR)
    # when each is made default-channel's default courier, then only the one that serves it is taken
    refused = edit(editor, default_courier=str(aeship.pk))
    assert field_errors(refused, "default_courier") == [
        "AeShip does not serve default-channel: tick the channel on the courier first."
    ]
    assert policy().default_courier is None
    assert edit(editor, default_courier=str(fastship.pk)).status_code == 302
    assert policy().default_courier == fastship
