"""The confirmation link page is rate limited per client address: a readable 429 page past the limit."""

from unittest import mock

import pytest
from django.test import Client, override_settings

from cod_plugin.conf import app_settings
from cod_plugin.models import CodOrder
from cod_plugin.rules.statuses import CodStatus
from tests.lifecycle.helpers import place

from .test_confirmation import token_of

T0 = 1_800_000_000
TOO_MANY = "Too many requests from your network: wait a minute, then open the link again."


@pytest.fixture
def frozen_minute():
    """All requests of the test fall in one rate window: the windows' edges depend on the clock."""
    with mock.patch("django_ratelimit.core.time", mock.Mock(time=mock.Mock(return_value=float(T0)))) as clock:
        yield clock.time


@pytest.fixture
def link(api):
    _, order = place(api, None)
    return order, f"/cod/confirm/{token_of(order)}/"


@override_settings(COD_CONFIRM_LINK_RATE="3/m")
def test_the_third_request_is_served_and_the_fourth_gets_a_429_page(link, frozen_minute):
    order, url = link
    browser = Client(REMOTE_ADDR="203.0.113.7")
    assert [browser.get(url).status_code for _ in range(3)] == [200, 200, 200]
    # when the fourth request is the customer's confirmation
    refused = browser.post(url, {"decision": "confirm"})
    # then it is refused with a page that says why, and nothing changed
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.PENDING_CONFIRMATION


@override_settings(COD_CONFIRM_LINK_RATE="3/m")
def test_guessed_links_count_too(link, frozen_minute):
    _, url = link
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for guess in range(3):
        assert guesser.get(f"/cod/confirm/guess-{guess}/").status_code == 400
    assert guesser.get(url).status_code == 429


@override_settings(COD_CONFIRM_LINK_RATE="3/m")
def test_another_address_and_the_next_minute_are_served(link, frozen_minute):
    _, url = link
    busy = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        busy.get(url)
    assert Client(REMOTE_ADDR="198.51.100.9").get(url).status_code == 200
    frozen_minute.return_value = float(T0 + 60)
    assert busy.get(url).status_code == 200


def test_the_default_rate():
    assert app_settings.CONFIRM_LINK_RATE == "30/m"
