"""The confirmation queue: which order comes next, its call script, and the four outcomes recorded from it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cod_plugin.models import CodOrder, CodOrderEvent
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import Order, Stock
from tests.lifecycle.helpers import place

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"


def outcome_url(order: CodOrder) -> str:
    return f"{QUEUE}{order.pk}/outcome/"


def modify_url(order: CodOrder) -> str:
    return f"{QUEUE}{order.pk}/modify/"


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def agent(demo) -> Client:
    return signed_in("agent@example.com")


def next_number(response) -> str | None:
    found = re.search(r"Next call: order (\w+)</h2>", response.content.decode())
    return found and found.group(1)


def upcoming_numbers(response) -> list[str]:
    table = re.search(r'<div class="module" id="upcoming">(.*?)</table>', response.content.decode(), re.S)
    return re.findall(r"<tr>\s*<td>(\w+)</td>", table.group(1)) if table else []


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def refresh(order: CodOrder) -> CodOrder:
    order.refresh_from_db()
    return order


# ---- which order comes next


def test_a_due_retry_comes_before_an_older_new_order_and_a_later_retry_waits(api, agent):
    # given an older new order, a retry due a minute ago, and a retry due in an hour
    _, older = place(api, None)
    _, retry_due = place(api, None)
    _, retry_later = place(api, None)
    now = timezone.now()
    CodOrder.objects.filter(pk=retry_due.pk).update(next_call_at=now - timedelta(minutes=1), confirmation_attempts=1)
    CodOrder.objects.filter(pk=retry_later.pk).update(next_call_at=now + timedelta(hours=1), confirmation_attempts=1)
    # when the agent opens the queue
    response = agent.get(QUEUE)
    # then the due retry is next, the new order after it, and the later retry is only counted
    assert response.status_code == 200
    assert next_number(response) == retry_due.order_number
    assert upcoming_numbers(response) == [older.order_number]
    html = response.content.decode()
    assert "2 orders waiting for a call now." in html and "1 retry scheduled for later." in html


def test_new_orders_come_oldest_first_and_orders_past_confirmation_never(api, agent):
    _, first = place(api, None)
    _, second = place(api, None)
    _, confirmed = place(api, None)
    CodOrder.objects.filter(pk=confirmed.pk).update(status=CodStatus.CONFIRMED)
    response = agent.get(QUEUE)
    assert (next_number(response), upcoming_numbers(response)) == (first.order_number, [second.order_number])


def test_an_empty_queue_says_so(agent):
    response = agent.get(QUEUE)
    assert response.status_code == 200 and "No order is waiting for a call." in response.content.decode()


# ---- the call script


@override_settings(COD_STORE_NAME="Sandbox Shop")
def test_the_call_script_is_filled_in_for_the_next_order(api, token_for, agent):
    # given a new customer's order: 2 t-shirts and headphones to New York, USD 179.20 with a USD 5.22 fee
    _, order = place(api, token_for("new@example.com"))
    # when the agent opens the queue
    html = agent.get(QUEUE).content.decode()
    script = re.search(r'<div class="module" id="call-script">(.*?)</ol>', html, re.S).group(1)
    # then the script has the agent, the store, the order, the products, the amount with fee and the address
    assert "Hello, this is Sami from Sandbox Shop." in script
    assert f"I am calling about your order #{order.order_number}." in script
    assert "<li>2 × Cotton T-shirt</li><li>1 × Wireless headphones</li>" in script
    assert (
        "The total amount including delivery is $179.20 (delivery $5.00 and the cash on delivery fee of $5.22 "
        "included). You will pay this in cash upon delivery." in script
    )
    assert "We have your delivery address as Ann Lee, 1 Main St, New York, NY 10001, US." in script
    assert "Your order will be delivered within 7 days." in script
    assert "You will receive an SMS when the driver is on the way." in script
    # and the number to dial is a tel: link in E.164, with the calls so far
    assert '<a href="tel:+12125550100" dir="ltr">+12125550100</a>' in html
    assert "0 of 5" in html


def test_the_script_gives_the_appointment_when_one_is_set_and_no_link_for_a_bad_number(api, agent):
    _, order = place(api, None)
    start = timezone.now().replace(year=2031, month=5, day=6, hour=10, minute=0, second=0, microsecond=0)
    CodOrder.objects.filter(pk=order.pk).update(
        appointment_start=start, appointment_end=start + timedelta(hours=2), phone="12"
    )
    html = agent.get(QUEUE).content.decode()
    # the appointment reads in the one format of the language (``cod_plugin.formatting``), not Django's own
    assert "Your delivery is booked for May 6, 2031, 10:00\u202fAM to 12:00\u202fPM." in html
    assert "tel:" not in html and "not a valid number" in html


def test_an_arabic_channel_order_is_dialled_in_e164_and_whatsapp_is_named(api, agent):
    from cod_plugin.models import CodPolicy

    CodPolicy.objects.filter(channel="channel-ae").update(notification_channel="whatsapp")
    place(api, None, lines={"TSHIRT-001": 1}, channel="channel-ae")
    html = agent.get(QUEUE).content.decode()
    message = "Thank you for your order! You will receive a WhatsApp message when the driver is on the way."
    with translation.override("ar"):  # the order's terms are Arabic: the script is read in Arabic
        whatsapp = translation.gettext(message)
    assert 'href="tel:+971501234567"' in html and whatsapp in html and whatsapp != message


def test_the_queue_costs_the_same_queries_for_1_or_12_waiting_orders(api, agent):
    # given one waiting order
    _, first = place(api, None)
    with CaptureQueriesContext(connection) as one:
        assert agent.get(QUEUE).status_code == 200
    # and then eleven more
    fields = {f.attname: getattr(first, f.attname) for f in CodOrder._meta.concrete_fields if f.name != "id"}
    CodOrder.objects.bulk_create(
        CodOrder(**fields | {"order_ref": f"r{n}", "checkout_ref": f"c{n}", "order_number": f"{3000 + n}"})
        for n in range(11)
    )
    with CaptureQueriesContext(connection) as twelve:
        response = agent.get(QUEUE)
    # then the page shows them and cost the same number of queries
    assert len(upcoming_numbers(response)) == 10 and "12 orders waiting" in response.content.decode()
    assert len(twelve) == len(one), [q["sql"] for q in twelve.captured_queries]


# ---- the outcomes


def test_confirmed_confirms_and_the_next_order_is_shown(api, agent):
    # given two waiting orders
    _, order = place(api, None)
    _, after = place(api, None)
    # when the agent records CONFIRMED on the first
    response = agent.post(outcome_url(order), {"outcome": "confirmed", "attempts": "0"}, follow=True)
    # then it is confirmed by the agent and the queue shows the next order
    assert refresh(order).status == CodStatus.CONFIRMED
    assert order.events.last().actor == "agent@example.com"
    assert messages_of(response) == [f"Order {order.order_number} is confirmed."]
    assert next_number(response) == after.order_number


def test_no_answer_counts_a_call_and_puts_the_order_back_for_later(api, agent):
    _, order = place(api, None)
    response = agent.post(outcome_url(order), {"outcome": "no_answer", "attempts": "0"}, follow=True)
    order = refresh(order)
    assert (order.status, order.confirmation_attempts) == (CodStatus.PENDING_CONFIRMATION, 1)
    assert order.next_call_at > timezone.now() + timedelta(minutes=59)
    assert messages_of(response)[0].startswith(f"Order {order.order_number}: no answer; the next call is due at ")
    assert next_number(response) is None and "1 retry scheduled for later." in response.content.decode()


def test_a_no_answer_already_recorded_by_another_agent_is_not_counted_twice(api, agent):
    # given two agents who both saw the order with no call yet, and the first recorded NO_ANSWER
    _, order = place(api, None)
    agent.post(outcome_url(order), {"outcome": "no_answer", "attempts": "0"})
    # when the second records NO_ANSWER from the page they loaded before
    other = signed_in("agent@example.com")
    response = other.post(outcome_url(order), {"outcome": "no_answer", "attempts": "0"}, follow=True)
    # then one call is counted, and the second agent is told
    assert refresh(order).confirmation_attempts == 1
    assert messages_of(response) == [
        f"Order {order.order_number}: Another call to this customer was recorded meanwhile."
    ]


def test_the_last_no_answer_cancels(api, agent):
    _, order = place(api, None)
    CodOrder.objects.filter(pk=order.pk).update(confirmation_attempts=4)
    response = agent.post(outcome_url(order), {"outcome": "no_answer", "attempts": "4"}, follow=True)
    assert refresh(order).status == CodStatus.CANCELLED
    assert messages_of(response) == [f"Order {order.order_number}: no answer after 5 calls; it is cancelled."]


def test_cancelled_needs_a_note_and_releases_the_store_order(api, agent):
    _, order = place(api, None)
    # when the agent records CANCELLED without saying why, then nothing happens
    response = agent.post(outcome_url(order), {"outcome": "cancelled", "attempts": "0"}, follow=True)
    assert messages_of(response) == ["Note why the customer cancelled."]
    assert refresh(order).status == CodStatus.PENDING_CONFIRMATION
    # when with a note, then the order and the store's order are cancelled, and the note is kept
    note = "Bought it elsewhere"
    response = agent.post(outcome_url(order), {"outcome": "cancelled", "note": note, "attempts": "0"}, follow=True)
    assert messages_of(response) == [f"Order {order.order_number} is cancelled."]
    assert refresh(order).status == CodStatus.CANCELLED
    assert Order.objects.get(pk=order.order_ref).status == Order.Status.CANCELED
    assert CodOrderEvent.objects.get(order=order, kind="cancel").data == {"note": note}


def test_the_loser_of_two_agents_on_one_order_sees_the_error(api, agent):
    # given two agents looking at the same order, and the first confirms it
    _, order = place(api, None)
    agent.post(outcome_url(order), {"outcome": "confirmed", "attempts": "0"})
    # when the second records CANCELLED
    other = signed_in("agent@example.com")
    response = other.post(outcome_url(order), {"outcome": "cancelled", "note": "x", "attempts": "0"}, follow=True)
    # then the flow refused it, the order stays confirmed, and the agent reads why
    assert refresh(order).status == CodStatus.CONFIRMED
    assert messages_of(response) == [f"Order {order.order_number}: An order that is Confirmed cannot take “cancel”."]


def modify_form(agent, order) -> dict[str, str]:
    """The edit form's fields with their current values, as the browser would send them."""
    html = agent.get(modify_url(order)).content.decode()
    values = dict(re.findall(r'<input type="(?:text|number)" name="(\w+)"(?: value="([^"]*)")?', html))
    return {name: value for name, value in values.items()}


def test_modified_changes_a_quantity_prices_the_fee_again_and_confirms(api, agent):
    # given an order of 2 t-shirts (USD 19.99) and headphones (USD 129.00) with USD 5.00 shipping: fee USD 5.22
    _, order = place(api, None)
    form = modify_form(agent, order)
    assert (form["quantity_0"], form["quantity_1"], form["city"]) == ("2", "1", "New York")
    # when the customer wants one t-shirt only
    response = agent.post(modify_url(order), {**form, "quantity_0": "1"}, follow=True)
    # then the order is confirmed at USD 153.99 + a 3% fee of USD 4.62 = USD 158.61, and the store order follows
    order = refresh(order)
    assert order.status == CodStatus.CONFIRMED
    assert (order.order_amount.amount, order.fee.amount, order.amount_to_collect.amount) == (
        Decimal("153.99"),
        Decimal("4.62"),
        Decimal("158.61"),
    )
    assert messages_of(response) == [
        f"Order {order.order_number} is changed and confirmed: $158.61 to collect, COD fee $4.62."
    ]
    assert Order.objects.get(pk=order.order_ref).total == Decimal("158.61")
    modified = CodOrderEvent.objects.get(order=order, kind="modified")
    assert modified.data["changes"] == {"address": None, "quantities": {"TSHIRT-001": 1}}


def test_modified_can_change_the_address_and_remove_a_line(api, agent):
    _, order = place(api, None)
    form = modify_form(agent, order)
    agent.post(modify_url(order), {**form, "quantity_1": "0", "street_1": "5 Park Ave", "city": "Brooklyn"})
    order = refresh(order)
    assert order.status == CodStatus.CONFIRMED
    store_order = Order.objects.get(pk=order.order_ref)
    assert (store_order.street, store_order.city) == ("5 Park Ave", "Brooklyn")
    assert list(store_order.lines.filter(kind="product").values_list("sku", "quantity")) == [("TSHIRT-001", 2)]


def test_modified_without_a_change_shows_the_flows_error_and_the_form_again(api, agent):
    _, order = place(api, None)
    response = agent.post(modify_url(order), modify_form(agent, order))
    assert response.status_code == 200 and 'id="modify_form"' in response.content.decode()
    assert messages_of(response) == [
        f"Order {order.order_number}: Give the new address, the new quantities or the products to add."
    ]
    assert refresh(order).status == CodStatus.PENDING_CONFIRMATION


def test_modified_with_more_than_in_stock_is_refused(api, agent):
    _, order = place(api, None)
    Stock.objects.filter(product__sku="HEADPHONES-001").update(quantity=0)
    response = agent.post(modify_url(order), {**modify_form(agent, order), "quantity_1": "2"})
    assert messages_of(response) == [f"Order {order.order_number}: Not enough stock for: Wireless headphones"]
    assert refresh(order).status == CodStatus.PENDING_CONFIRMATION


def test_the_edit_form_of_an_order_no_longer_pending_goes_back_to_the_queue(api, agent):
    _, order = place(api, None)
    CodOrder.objects.filter(pk=order.pk).update(status=CodStatus.CONFIRMED)
    response = agent.get(modify_url(order), follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert messages_of(response) == [f"Order {order.order_number} is no longer waiting for a call."]
