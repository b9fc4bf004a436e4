"""A courier, orders placed through the store's API and confirmed, and signed webhook calls."""

import json
import time
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.db import transaction

from cod_plugin.couriers.signing import sign
from cod_plugin.flows import lifecycle, shipping
from cod_plugin.models import CodOrder, Courier
from cod_plugin.rules.lifecycle import Event

from ..graphql import conftest as graphql
from ..graphql.conftest import Api
from ..graphql.shop import new_checkout
from ..graphql.test_checkout_complete import COMPLETE

# The GraphQL tests' fixtures: the demo data, and their API client.
demo, api = graphql.demo, graphql.api

SECRET = "fastship-webhook-secret-0001"
URL = "/cod/couriers/fastship/events/"


@pytest.fixture
def courier(demo):
    return Courier.objects.create(code="fastship", name="FastShip", webhook_secret=SECRET, channels=["default-channel"])


def place_order(api: Api, email: str, *, confirmed: bool = True, courier: Courier | None = None) -> CodOrder:
    """A guest's COD order of one t-shirt in default-channel, placed through GraphQL, handed to ``courier`` by
    dispatch (else to no courier), then confirmed."""
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, email=email)
    payload = api(COMPLETE, {"id": checkout, "terms": 1})["codCheckoutComplete"]
    assert payload["errors"] == [], payload["errors"]
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    if courier is not None:
        order = shipping.assign(order.pk, courier.code, actor="dispatch@example.com")
    return confirm(order) if confirmed else order


def confirm(order: CodOrder) -> CodOrder:
    with transaction.atomic():
        return lifecycle.move(lifecycle.lock(order.pk), Event.CONFIRM, actor="agent@example.com")


def headers(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"HTTP_X_COD_TIMESTAMP": stamp, "HTTP_X_COD_SIGNATURE": sign(secret, stamp, body)}


def post(client, event: dict, *, url: str = URL, **signing):
    body = json.dumps(event).encode()
    return client.post(url, body, content_type="application/json", **headers(body, **signing))


class Events:
    """Courier events with fresh ids and a clock that moves a minute per event."""

    def __init__(self):
        self.ids = count(1)
        self.clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self, kind: str, order: CodOrder, **data) -> dict:
        self.clock += timedelta(minutes=1)
        return {
            "event_id": f"evt-{next(self.ids)}",
            "type": kind,
            "reference": order.order_number,
            "occurred_at": self.clock.isoformat(),
            "data": data,
        }


@pytest.fixture
def events():
    return Events()
