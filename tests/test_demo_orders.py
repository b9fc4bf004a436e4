"""``manage.py cod_demo_orders`` on the demo fixtures: the statuses the admin's screens show, and the couriers'
cash finance's screens show, made once."""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from django.utils import timezone

from admin_ui.overview import rates, refusal_reasons
from admin_ui.queue import queued
from cod_plugin.flows.cash_in_hand import cash_in_hand, history
from cod_plugin.models import (
    CodCustomerProfile,
    CodOrder,
    CodOrderEvent,
    CodReconciliationException,
    CodRefund,
    CodRemittance,
    CodRemittanceLine,
    CodReturnRequest,
    Notification,
)
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import Order
from tests.admin.conftest import superuser_client  # noqa: F401
from tests.graphql.conftest import demo  # noqa: F401

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
OVERVIEW = "/admin/cod_admin_ui/codoverview/"
ORDERS = "/admin/cod_plugin/codorder/"
STATUSES = {
    CodStatus.PENDING_CONFIRMATION: 7,
    CodStatus.CONFIRMED: 2,
    CodStatus.SHIPPED: 2,
    CodStatus.OUT_FOR_DELIVERY: 1,
    CodStatus.DELIVERED: 1,
    CodStatus.COMPLETED: 7,
    CodStatus.REFUNDED: 1,
    CodStatus.REFUSED: 2,
    CodStatus.RETURNED_TO_ORIGIN: 1,
    CodStatus.CANCELLED: 1,
}
Return = CodReturnRequest.Status


@pytest.fixture(autouse=True)
def screening_accepts_outside_its_tests():
    """Overrides the suite's: the demo is screened as a shop is, every band's action applying."""


def run() -> str:
    out = StringIO()
    call_command("cod_demo_orders", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_orders(demo, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    return run()


def test_the_demo_orders_reach_every_status_the_admin_shows(demo_orders):
    # given the demo fixtures and the command run once (the fixture)
    # then each status has its orders, across four channels
    assert Counter(CodOrder.objects.values_list("status", flat=True)) == STATUSES
    assert set(CodOrder.objects.values_list("channel", flat=True)) == {
        "default-channel",
        "channel-ae",
        "channel-id",
        "channel-kw",
    }
    assert "25 demo COD orders:" in demo_orders and "  Pending confirmation: 7" in demo_orders


def test_each_order_carries_what_its_status_promises(demo_orders):
    # then the retries: one due now, one due later
    now = timezone.now()
    retries = CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION, next_call_at__isnull=False)
    assert sorted(order.next_call_at <= now for order in retries) == [False, True]
    # shipped orders have tracking numbers; the one out for delivery an appointment ahead, moved once
    assert all(CodOrder.objects.filter(status=CodStatus.SHIPPED).values_list("tracking_number", flat=True))
    out = CodOrder.objects.get(status=CodStatus.OUT_FOR_DELIVERY)
    assert out.appointment_start > now and out.reschedules == 1
    # the delivered order has the customer's "Paid" claim and waits for the courier's record
    delivered = CodOrder.objects.get(status=CodStatus.DELIVERED)
    assert delivered.claim.image and not hasattr(delivered, "payment")
    # one refusal for a product problem, one that costs a guest a strike and a penalty
    assert sorted(CodOrder.objects.filter(status=CodStatus.REFUSED).values_list("refusal_reason", flat=True)) == [
        "changed_mind",
        "damaged",
    ]
    sam = CodCustomerProfile.objects.get(customer_key="guest:sam@example.com")
    assert sam.strikes == 1 and sam.outstanding_penalty.amount > 0


def test_returns_reach_each_step_and_one_refund_is_paid(demo_orders):
    # then
    returns = CodReturnRequest.objects.all()
    assert sorted(returns.values_list("status", flat=True)) == sorted(
        [Return.REQUESTED, Return.APPROVED, Return.RECEIVED, Return.REFUNDED]
    )
    received = returns.get(status=Return.RECEIVED)
    assert received.refund_due > timezone.localdate(received.received_at) and not received.refunds.exists()
    refund = CodRefund.objects.get()
    assert refund.status == CodRefund.Status.PAID and refund.reference and refund.order.status == CodStatus.REFUNDED
    assert all(request.photos.count() == 1 for request in returns)


def test_the_readme_tour_customers_keep_their_standing(demo_orders):
    # then new@ is still a NEW customer with a clean record, and nobody refused COD ordered anything
    new = CodCustomerProfile.objects.get(email="new@example.com")
    assert (new.strikes, new.outstanding_penalty.amount, new.completed_orders) == (0, 0, 2)
    refused_customers = ("customer:5", "customer:6", "customer:7")  # suspended@, revoked@, penalty@
    assert not CodOrder.objects.filter(customer_key__in=refused_customers).exists()


def test_orders_are_spread_over_two_weeks_and_the_overview_has_its_rates(demo_orders, superuser_client):  # noqa: F811
    # given
    now = timezone.now()
    placed = CodOrder.objects.values_list("created_at", flat=True)
    # then orders were placed from two weeks ago until minutes ago, each event after its order was placed
    assert min(placed) < now - timedelta(days=13) and max(placed) > now - timedelta(hours=1)
    assert not CodOrderEvent.objects.filter(Q(created_at__lt=F("order__created_at")) | Q(created_at__gt=now)).exists()
    # and the store's orders are dated as their COD orders
    store_dates = dict(Order.objects.values_list("pk", "created_at"))
    for order in CodOrder.objects.all():
        assert timedelta(0) < order.created_at - store_dates[int(order.order_ref)] < timedelta(seconds=1)
    # and the overview counts 17 of 18 orders confirmed, 9 of 12 signed off, one refusal per reason
    confirmation, sign_off = rates(None, now=now)
    assert (confirmation.numerator, confirmation.denominator) == (17, 18)
    assert (sign_off.numerator, sign_off.denominator) == (9, 12)
    assert sorted(count for _reason, count in refusal_reasons(None, now=now)) == [1, 1]
    html = superuser_client.get(OVERVIEW).content.decode()
    assert "94.4%" in html and "75.0%" in html


def test_oldest_first_the_queue_starts_with_the_retry_that_is_due(demo_orders, superuser_client):  # noqa: F811
    # when the next order to call is picked oldest first, by the function and on the agents' page
    first = queued(timezone.now(), "oldest").first()
    html = superuser_client.get(QUEUE, {"o": "oldest"}).content.decode()
    # then it is the order whose NO_ANSWER retry is due
    assert first.confirmation_attempts == 1 and first.next_call_at <= timezone.now()
    assert re.search(r"Next call: order (\w+)</h2>", html).group(1) == first.order_number
    assert "6 orders waiting for a call now." in html and "1 retry scheduled for later." in html


def test_the_orders_list_shows_them(demo_orders, superuser_client):  # noqa: F811
    # when
    response = superuser_client.get(ORDERS)
    # then
    assert response.status_code == 200
    assert "25 COD orders" in response.content.decode()


def test_every_confirmed_order_is_handed_to_a_demo_courier(demo_orders):
    handed = CodOrder.objects.exclude(status__in=[CodStatus.PENDING_CONFIRMATION, CodStatus.CANCELLED])
    assert handed.count() == 17
    assert Counter(handed.values_list("courier__code", flat=True)) == {"fastship": 14, "swiftbox": 3}
    assert not CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION).exclude(courier=None).exists()


def test_both_couriers_remitted_one_payment_short(demo_orders):
    # then FastShip remitted its USD and AED cash of more than eight days ago, a week ago; SwiftBox one order
    remittances = CodRemittance.objects.order_by("reference")
    today = timezone.localdate()
    assert [(r.courier.code, r.currency, r.line_count, r.remitted_on) for r in remittances] == [
        ("fastship", "AED", 1, today - timedelta(days=7)),
        ("fastship", "USD", 2, today - timedelta(days=7)),
        ("swiftbox", "USD", 1, today - timedelta(days=6)),
    ]
    # and one line is five dollars short: the one open exception
    (short,) = CodReconciliationException.objects.all()
    assert (short.kind, short.status, short.courier.code) == ("short", "open", "fastship")
    assert CodRemittanceLine.objects.get(exceptions=short).status == "short"
    assert CodRemittance.objects.get(currency="USD", courier__code="fastship").open_exceptions == 1


def test_one_courier_holds_overdue_cash_and_the_overview_charts_it(demo_orders, superuser_client):  # noqa: F811
    # then SwiftBox (three days to remit) holds two orders, one of them overdue; FastShip holds cash on time
    held = {(row.courier_code, row.currency): row for row in cash_in_hand()}
    assert set(held) == {("fastship", "AED"), ("fastship", "IDR"), ("swiftbox", "USD")}
    assert [code for (code, _currency), row in held.items() if row.overdue] == ["swiftbox"]
    assert (held["swiftbox", "USD"].orders, held["swiftbox", "USD"].overdue_orders) == (2, 1)
    # and the history rises and falls: FastShip's dollars were held, then remitted
    fastship_usd = [p.amount for p in history(days=30) if (p.courier_code, p.currency) == ("fastship", "USD")]
    assert max(fastship_usd) > 0 and fastship_usd[-1] == 0
    html = superuser_client.get(OVERVIEW).content.decode()
    assert html.count('<svg class="cod-line-chart"') == 3 and "SwiftBox" in html
    hand = superuser_client.get("/admin/cod_plugin/courier/cash-in-hand/").content.decode()
    assert hand.count('class="cod-overdue"') == 1


def test_a_second_run_adds_nothing(demo_orders):
    # given what the first run made
    made = [model.objects.count() for model in (CodOrder, CodOrderEvent, Notification, CodReturnRequest, Order)]
    # when it runs again
    output = run()
    # then it says so and adds nothing
    assert output == "The store has 25 COD orders already: no demo orders added.\n"
    assert [model.objects.count() for model in (CodOrder, CodOrderEvent, Notification, CodReturnRequest, Order)] == made


def test_it_will_not_text_real_customers(demo, settings):  # noqa: F811
    # given a real SMS provider
    settings.COD_NOTIFICATION_BACKEND = "http"
    # when / then
    with pytest.raises(CommandError, match="would text real customers"):
        run()
    assert not CodOrder.objects.exists()
