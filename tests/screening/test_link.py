"""The confirmation link and the screening: an order for an agent's call is not confirmed by the link alone, the
link's opening is noted once, and a link never opened is screened again once by the sweep."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from cod_plugin.flows import confirmation, sweeps
from cod_plugin.models import CodOrder, Notification
from cod_plugin.rules.statuses import CodStatus
from tests.graphql.test_order_confirm import BY_LINK, link_token
from tests.lifecycle.helpers import place

from .conftest import US_PHONE, earlier_order


def by_link(api, order, decision):
    return api(BY_LINK, {"token": link_token(order), "decision": decision})["codOrderConfirmByLink"]


def test_an_order_for_an_agents_call_cannot_be_confirmed_by_the_link(api):
    # given the phone refused before: MEDIUM, an agent's call
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    _, order = place(api, None)
    assert order.risk_action == "agent_call"
    # when the customer confirms by the link
    payload = by_link(api, order, "CONFIRM")
    # then the shop will call
    assert payload["order"] is None
    assert payload["errors"] == [
        {"field": "decision", "code": "AGENT_CALL_REQUIRED", "message": "The shop will call you to confirm this order."}
    ]
    order.refresh_from_db()
    assert order.status == CodStatus.PENDING_CONFIRMATION
    # and cancelling by the link is still the customer's right
    assert by_link(api, order, "CANCEL")["order"]["status"] == "CANCELLED"


@pytest.mark.parametrize(("action", "deposit", "confirms"), [("deposit", "10.00", True), ("deposit", "0", False)])
def test_a_paid_deposit_shows_intent_and_the_link_confirms(api, action, deposit, confirms):
    _, order = place(api, None)
    CodOrder.objects.filter(pk=order.pk).update(risk_action=action, deposit_amount=Money(deposit, "USD"))
    payload = by_link(api, order, "CONFIRM")
    assert (payload["errors"] == []) is confirms
    assert [e["code"] for e in payload["errors"]] == ([] if confirms else ["AGENT_CALL_REQUIRED"])


def test_a_plain_order_is_confirmed_by_the_link(api):
    _, order = place(api, None)
    assert by_link(api, order, "CONFIRM")["order"]["status"] == "CONFIRMED"


def test_the_links_opening_is_noted_once(api):
    _, order = place(api, None)
    url = confirmation.link(order)
    browser = Client()
    assert browser.get(url).status_code == 200
    order.refresh_from_db()
    opened = order.link_opened_at
    assert opened is not None
    assert browser.get(url).status_code == 200
    order.refresh_from_db()
    assert order.link_opened_at == opened
    assert order.events.filter(kind="link_opened").count() == 1


def sent(order, ago: timedelta):
    Notification.objects.filter(order=order, kind="confirmation_request").update(sent_at=timezone.now() - ago)


def test_a_link_unopened_for_a_day_is_screened_again_once(api):
    _, order = place(api, None)
    sent(order, timedelta(hours=24))
    assert sweeps.rescreen_unopened_links() == 1
    order.refresh_from_db()
    assert (order.risk_score, [s["code"] for s in order.risk_signals]) == (10, ["link_not_opened"])
    assert order.events.filter(kind="risk_assessed", reason="link_not_opened", actor="system").count() == 1
    assert sweeps.rescreen_unopened_links() == 0


def test_a_link_sent_less_than_a_day_ago_or_opened_is_left_alone(api):
    _, fresh = place(api, None)
    sent(fresh, timedelta(hours=24) - timedelta(minutes=1))
    _, opened = place(api, None)
    sent(opened, timedelta(hours=30))
    confirmation.link_opened(opened)
    _, confirmed = place(api, None)
    sent(confirmed, timedelta(hours=30))
    CodOrder.objects.filter(pk=confirmed.pk).update(status=CodStatus.CONFIRMED)
    assert sweeps.rescreen_unopened_links() == 0


def test_the_page_of_an_order_for_an_agents_call_offers_only_to_cancel(api):
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    _, order = place(api, None)
    html = Client().get(confirmation.link(order)).content.decode()
    assert "The shop will call you to confirm this order." in html
    assert 'value="confirm"' not in html and 'value="cancel"' in html
