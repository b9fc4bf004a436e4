"""A courier's webhook is rate limited per courier: the Nth event of a minute is taken, the next one is 429."""

import json
from unittest import mock

import pytest
from django.test import override_settings

from cod_plugin.conf import app_settings
from cod_plugin.models import Courier, CourierEvent

from .conftest import SECRET, URL, headers, place_order, post

T0 = 1_800_000_000


@pytest.fixture
def order(api, courier):
    return place_order(api, "ann@example.com", courier=courier)


@pytest.fixture
def frozen_minute():
    """All requests of the test fall in one rate window: the windows' edges depend on the clock."""
    with mock.patch("django_ratelimit.core.time", mock.Mock(time=mock.Mock(return_value=float(T0)))) as clock:
        yield clock.time


@override_settings(COD_WEBHOOK_RATE="3/m")
def test_the_third_event_passes_and_the_fourth_gets_429_with_nothing_recorded(client, order, events, frozen_minute):
    # given three events within the minute
    kinds = ["shipped", "out_for_delivery", "delivery_failed"]
    answers = [post(client, events(kind, order, tracking_number="FS-1")) for kind in kinds]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    # when a fourth one comes
    fourth = post(client, events("out_for_delivery", order))
    # then it is refused with a code and a time to wait, and not recorded
    assert fourth.status_code == 429
    assert fourth.json() == {
        "error": {"code": "rate_limited", "message": "Too many events from this courier: retry later."}
    }
    assert 1 <= int(fourth["Retry-After"]) <= 60
    assert CourierEvent.objects.count() == 3


@override_settings(COD_WEBHOOK_RATE="3/m")
def test_one_couriers_flood_does_not_slow_another(client, order, events, frozen_minute):
    Courier.objects.create(code="quickbox", name="QuickBox", webhook_secret=SECRET)
    for _ in range(4):
        post(client, events("shipped", order))
    other = post(client, events("shipped", order), url="/cod/couriers/quickbox/events/")
    assert other.status_code != 429


@override_settings(COD_WEBHOOK_RATE="3/m")
def test_the_next_minute_takes_events_again(client, order, events, frozen_minute):
    for _ in range(4):
        post(client, events("shipped", order))
    frozen_minute.return_value = float(T0 + 60)
    assert post(client, events("out_for_delivery", order)).status_code == 200


@override_settings(COD_WEBHOOK_RATE=None)
def test_no_rate_is_no_limit(client, order, events, frozen_minute):
    assert 429 not in {post(client, events("shipped", order)).status_code for _ in range(5)}


def test_the_default_rate_is_generous_for_a_couriers_bursts():
    assert app_settings.WEBHOOK_RATE == "6000/m"


def forged(client, event: dict, *, address: str):
    body = json.dumps(event).encode()
    signed = headers(body, secret="not-the-couriers-secret")
    return client.post(URL, body, content_type="application/json", REMOTE_ADDR=address, **signed)


@override_settings(COD_WEBHOOK_RATE="3/m")
def test_forged_posts_never_use_up_the_couriers_allowance(client, order, events, frozen_minute):
    # given someone without the secret posting in the courier's name from another address, past the rate
    answers = [forged(client, events("shipped", order), address="203.0.113.9").status_code for _ in range(4)]
    # then its posts are refused, and once past the rate they are 429
    assert answers == [401, 401, 401, 429]
    # and the courier's own events are still taken, all three of its minute
    own = [post(client, events(kind, order, tracking_number="FS-1")) for kind in ("shipped", "out_for_delivery")]
    assert [answer.status_code for answer in own] == [200, 200]
    assert CourierEvent.objects.count() == 2


@override_settings(COD_WEBHOOK_RATE="3/m")
def test_refused_signatures_from_an_address_are_limited_at_the_rate(client, order, events, frozen_minute):
    # given three forged posts from one address (the rate), then a fourth
    first = [forged(client, events("shipped", order), address="203.0.113.9").status_code for _ in range(3)]
    fourth = forged(client, events("shipped", order), address="203.0.113.9")
    # then the third is still checked and refused, the fourth is not read at all; another address is checked
    assert first == [401, 401, 401] and fourth.status_code == 429
    assert forged(client, events("shipped", order), address="198.51.100.7").status_code == 401
