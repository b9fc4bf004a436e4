"""Booking shipments over HTTP, against a courier API on 127.0.0.1."""

import pytest

from cod_plugin import tasks
from cod_plugin.couriers.client import PermanentCourierError, RetryableCourierError
from cod_plugin.flows import shipping
from cod_plugin.models import CodOrderEvent, Courier

from ..local_http import LocalJsonServer
from .conftest import place_order

API_KEY = "fastship-api-key-7731"


class CourierApi(LocalJsonServer):
    """A courier's booking API: answers with the given statuses in turn, then books (once per idempotency key)."""

    path = "/v1"

    def __init__(self, statuses=()):
        super().__init__()
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.bookings: dict[str, str] = {}

    def answer(self, method, path, headers, body):
        self.requests.append({"path": path, "headers": headers, "body": body})
        status = self.statuses.pop(0) if self.statuses else 201
        return status, (self.book(headers["Idempotency-Key"]) if status < 300 else {"error": "no"})

    def book(self, key: str) -> dict:
        tracking = self.bookings.setdefault(key, f"FS{len(self.bookings) + 1:08d}")
        return {"tracking_number": tracking, "label_url": f"{self.url}/labels/{tracking}.pdf"}


@pytest.fixture
def order(api, courier):
    return place_order(api, "ann@example.com", courier=courier)


def serve(courier: Courier, courier_api: CourierApi) -> None:
    courier.api_url, courier.api_key = courier_api.url, API_KEY
    courier.save()


def test_booking_sends_the_amount_to_collect_and_keeps_the_tracking_number(order, courier):
    with CourierApi() as courier_api:
        serve(courier, courier_api)
        # when
        booked = shipping.book_shipment(order.pk)
    # then the courier was asked once, with its key, to collect the amount to collect
    (request,) = courier_api.requests
    assert request["path"] == "/v1/shipments"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert request["headers"]["Idempotency-Key"] == order.order_number
    assert request["body"] == {
        "reference": order.order_number,
        "cod_amount": str(order.amount_to_collect.amount),
        "currency": "USD",
        "recipient": {"phone": order.phone, "country": "US", "area": "NY", "postal_code": "10001", "name": "Ann Lee"},
    }
    # and the order has its tracking number, its courier and a timeline line
    assert booked.tracking_number == "FS00000001" and booked.courier == courier
    event = CodOrderEvent.objects.get(order=order, kind="shipment_booked")
    assert event.data["label_url"].endswith("/labels/FS00000001.pdf")


def test_a_repeated_booking_does_not_book_twice(order, courier):
    with CourierApi() as courier_api:
        serve(courier, courier_api)
        first, second = shipping.book_shipment(order.pk), shipping.book_shipment(order.pk)
    assert first.tracking_number == second.tracking_number
    assert len(courier_api.requests) == 1
    assert CodOrderEvent.objects.filter(order=order, kind="shipment_booked").count() == 1


def test_a_server_error_is_retryable_and_keeps_nothing(order, courier):
    with CourierApi(statuses=[500]) as courier_api:
        serve(courier, courier_api)
        with pytest.raises(RetryableCourierError):
            shipping.book_shipment(order.pk)
    order.refresh_from_db()
    assert order.tracking_number == "" and not CodOrderEvent.objects.filter(kind="shipment_booked").exists()


def test_a_refused_request_is_permanent(order, courier):
    with CourierApi(statuses=[422]) as courier_api:
        serve(courier, courier_api)
        with pytest.raises(PermanentCourierError):
            shipping.book_shipment(order.pk)


def test_an_unreachable_courier_is_retryable(order, courier):
    with CourierApi() as courier_api:
        url = courier_api.url
    courier.api_url = url  # the server is closed: nothing listens on the port
    courier.save()
    with pytest.raises(RetryableCourierError):
        shipping.book_shipment(order.pk)


def test_the_task_retries_an_outage(order, courier):
    # given a courier that fails once
    with CourierApi(statuses=[503]) as courier_api:
        serve(courier, courier_api)
        # when the task runs (eagerly here, where a retry follows at once)
        result = tasks.book_shipment.apply(args=[order.pk], throw=False)
    # then it retried and booked
    assert len(courier_api.requests) == 2 and result.get() == "FS00000001"
    order.refresh_from_db()
    assert order.tracking_number == "FS00000001"


def test_an_order_without_a_courier_is_booked_with_its_channels_default_courier(api, courier):
    from cod_plugin.models import CodPolicy

    # given an order confirmed without a courier, two couriers with an API, and its channel naming the second
    order = place_order(api, "ann@example.com")
    with CourierApi() as first_api, CourierApi() as second_api:
        serve(courier, first_api)
        second = Courier.objects.create(
            code="quickbox", name="QuickBox", webhook_secret="q" * 20, channels=["default-channel"]
        )
        serve(second, second_api)
        CodPolicy.objects.filter(channel=order.channel).update(default_courier=second)
        # when the confirmed order is booked
        booked = shipping.book_shipment(order.pk)
    # then the channel's courier got it, not the first one
    assert (len(first_api.requests), len(second_api.requests)) == (0, 1)
    assert booked.courier == second and booked.tracking_number == "FS00000001"
