"""Confirmation: the message sent when an order is placed, its signed link and page, the review deadline."""

import logging
import re
import time
from datetime import UTC, datetime
from unittest import mock

import holidays
import pytest
from django.test import Client, override_settings

from cod_plugin.error_codes import CodError
from cod_plugin.flows import confirmation
from cod_plugin.models import CodOrder, CodOrderEvent, CodPolicy, Notification
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import Order, Stock
from tests.lifecycle.helpers import place
from tests.workers import tasks_run_here

LINK = re.compile(r"http://127\.0\.0\.1:8000/cod/confirm/(?P<token>[^/\s]+)/")


def place_and_send(api, on_commit, token=None, **kwargs) -> CodOrder:
    """Place an order and run what its commit enqueues (the message's task) right here."""
    with tasks_run_here(), on_commit(execute=True):
        _, order = place(api, token, **kwargs)
    return order


def token_of(order: CodOrder) -> str:
    return LINK.search(confirmation.link(order)).group("token")


def expired_token(order: CodOrder) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 49 * 3600):
        return token_of(order)


def test_a_placed_order_sends_one_sms_with_the_amount_to_collect_and_a_link(
    api, token_for, caplog, django_capture_on_commit_callbacks
):
    # given a new customer's cart of USD 173.98 with a USD 5.22 fee
    # when the order is placed (the console backend logs the message)
    with caplog.at_level(logging.INFO, logger="cod_plugin.notifications"):
        order = place_and_send(api, django_capture_on_commit_callbacks, token_for("new@example.com"))
    # then one SMS went to the shipping phone, sent once, with the amount to collect, the fee and the link
    message = Notification.objects.get()
    assert (message.order, message.kind, message.channel) == (order, "confirmation_request", "sms")
    assert (message.to, message.sender, message.status, message.attempts) == ("+12125550100", "CODSHOP", "sent", 1)
    assert message.provider_id == f"console:{message.key}"
    assert f"Order {order.order_number}" in message.body and "$179.20" in message.body and "$5.22" in message.body
    assert confirmation.order_for_link(LINK.search(message.body).group("token")) == order
    # and the console backend wrote it to the log
    (record,) = [r for r in caplog.records if r.name == "cod_plugin.notifications"]
    assert message.body in record.getMessage() and str(message.key) in record.getMessage()


@override_settings(COD_SMS_SENDER_IDS={"AE": "SHOPAE", "default": "SHOP"})
def test_the_channel_sends_by_whatsapp_with_the_country_sender_id(api, django_capture_on_commit_callbacks):
    CodPolicy.objects.filter(channel="channel-ae").update(notification_channel="whatsapp")
    place_and_send(api, django_capture_on_commit_callbacks, lines={"TSHIRT-001": 1}, channel="channel-ae")
    message = Notification.objects.get()
    assert (message.channel, message.sender, message.to) == ("whatsapp", "SHOPAE", "+971501234567")


def test_the_link_page_shows_the_order_and_confirms_it_once(api):
    # given a pending order and its link
    _, order = place(api, None)
    url = f"/cod/confirm/{token_of(order)}/"
    browser = Client(enforce_csrf_checks=True)
    # when the customer opens it
    page = browser.get(url)
    # then the page shows the number, the amount to collect, the fee and the two buttons in a CSRF-protected form
    html = page.content.decode()
    assert page.status_code == 200 and order.order_number in html
    assert "$179.20" in html and "$5.22" in html
    assert 'value="confirm"' in html and 'value="cancel"' in html and "csrfmiddlewaretoken" in html
    # and confirming (twice) confirms once
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    for _ in range(2):
        done = browser.post(url, {"decision": "confirm", "csrfmiddlewaretoken": csrf})
        assert done.status_code == 200 and "your order is confirmed" in done.content.decode()
    order.refresh_from_db()
    assert order.status == CodStatus.CONFIRMED
    assert list(order.events.values_list("kind", "actor", "reason")) == [
        ("placed", order.customer_key, ""),
        ("risk_assessed", order.customer_key, "placed"),
        ("link_opened", order.customer_key, ""),
        ("confirm", order.customer_key, "customer_confirmed"),
    ]
    assert 'value="cancel"' not in browser.get(url).content.decode()


def test_cancelling_from_the_link_cancels_the_store_order_and_releases_its_stock(api):
    _, order = place(api, None)
    assert Stock.objects.get(product__sku="TSHIRT-001").quantity == 998
    page = Client().post(f"/cod/confirm/{token_of(order)}/", {"decision": "cancel"})
    assert page.status_code == 200 and "Your order is cancelled" in page.content.decode()
    order.refresh_from_db()
    assert order.status == CodStatus.CANCELLED
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.CANCELED
    assert Stock.objects.get(product__sku="TSHIRT-001").quantity == 1000


def test_an_expired_or_tampered_link_shows_a_clear_page_and_changes_nothing(api):
    _, order = place(api, None)
    good = token_of(order)
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    expired = expired_token(order)
    for token, words in ((expired, "has expired"), (tampered, "not valid"), ("nonsense", "not valid")):
        for response in (Client().get(f"/cod/confirm/{token}/"), Client().post(f"/cod/confirm/{token}/", {})):
            assert response.status_code == 400 and words in response.content.decode(), token
    order.refresh_from_db()
    assert order.status == CodStatus.PENDING_CONFIRMATION


def test_the_link_codes(api):
    _, order = place(api, None)
    for token, code in ((expired_token(order), "link_expired"), (token_of(order) + "x", "invalid")):
        with pytest.raises(CodError) as raised:
            confirmation.confirm_by_link(token, confirmation.Decision.CONFIRM)
        assert (raised.value.code, raised.value.field) == (code, "token")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_an_order_not_reviewed_within_a_business_day_is_flagged_once_and_weekends_do_not_count(api):
    # given an order placed on Friday 6 June 2025 at 10:00 (US channel: Saturday and Sunday are the weekend)
    _, order = place(api, None)
    CodOrder.objects.filter(pk=order.pk).update(created_at=at(2025, 6, 6, 10))
    # when the sweep runs over the weekend and on Monday morning, then nothing is flagged
    for now in (at(2025, 6, 7, 12), at(2025, 6, 8, 23), at(2025, 6, 9, 9, 59)):
        assert confirmation.flag_overdue(now=now) == 0, now
    # when it runs on Monday after 10:00, then the order is flagged, with one event, and not again
    assert confirmation.flag_overdue(now=at(2025, 6, 9, 10, 1)) == 1
    assert confirmation.flag_overdue(now=at(2025, 6, 10, 10)) == 0
    order.refresh_from_db()
    assert order.confirmation_overdue
    event = CodOrderEvent.objects.get(order=order, kind="confirmation_overdue")
    assert (event.actor, event.data) == ("system", {"due": "2025-06-09T10:00:00+00:00"})


def test_public_holidays_and_each_countrys_weekend_are_skipped():
    # Independence Day, Friday 4 July 2025, then the weekend: Thursday's order is due on Monday
    assert confirmation.review_due(at(2025, 7, 3, 10), 1, holidays.country_holidays("US")) == at(2025, 7, 7, 10)
    # Kuwait rests on Friday and Saturday: Thursday's order is due on Sunday
    assert confirmation.review_due(at(2025, 10, 9, 10), 1, holidays.country_holidays("KW")) == at(2025, 10, 12, 10)


def test_reviewed_orders_and_channels_with_more_days_are_not_flagged(api):
    _, reviewed = place(api, None)
    _, slower = place(api, None)
    CodOrder.objects.filter(pk=reviewed.pk).update(created_at=at(2025, 6, 2, 10), status=CodStatus.CONFIRMED)
    CodOrder.objects.filter(pk=slower.pk).update(created_at=at(2025, 6, 2, 10))
    CodPolicy.objects.filter(channel="default-channel").update(review_business_days=3)
    assert confirmation.flag_overdue(now=at(2025, 6, 5, 9)) == 0
    assert confirmation.flag_overdue(now=at(2025, 6, 5, 11)) == 1
    assert list(CodOrder.objects.filter(confirmation_overdue=True)) == [slower]
