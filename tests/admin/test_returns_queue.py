"""The returns queue: by date (the newest refund due date first, then the newest requests), sortable by its dates,
with the refund's state and amount, overdue ones marked, filters, search, and a constant number of queries however
many rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from cod_plugin import formatting
from cod_plugin.flows import refunds
from cod_plugin.models import CodCustomerProfile, CodPaymentRecord, CodRefund, CodReturnLine, CodReturnRequest

from .cod_orders import make_orders

LIST = "/admin/cod_plugin/codreturnrequest/"
Status = CodReturnRequest.Status


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def support(demo) -> Client:
    return signed_in("support@example.com")


def make_return(number: int, status: str, *, days_old: int = 0, due_in: int | None = None, **fields):
    """A return of a completed order numbered ``number``, requested ``days_old`` days ago, its refund due in
    ``due_in`` days (negative: past)."""
    [order] = make_orders(1, start=number, status="completed", **fields.pop("order", {}))
    today = timezone.localdate()
    due = None if due_in is None else today + timedelta(days=due_in)
    reason = fields.pop("reason", "damaged")
    made = CodReturnRequest.objects.create(order=order, status=status, reason=reason, refund_due=due, **fields)
    CodReturnRequest.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return made


def rows(response) -> list[tuple[str, str, bool, str]]:
    """The listed returns as (order number, refund state, marked overdue, amount), in order."""
    html = response.content.decode()
    found = re.findall(
        r'<td class="field-order_number"><a href="/admin/cod_plugin/codorder/\d+/change/">(\w+)</a></td>'
        r'.*?<td class="field-refund_state">(.*?)</td><td class="field-overdue_badge">(.*?)</td>'
        r'<td class="field-amount">(.*?)</td>',
        html,
        re.S,
    )
    return [(number, state, "Overdue" in badge, amount) for number, state, badge, amount in found]


def numbers(response) -> list[str]:
    return [number for number, *_ in rows(response)]


def day(days: int) -> str:
    return formatting.date(timezone.localdate() + timedelta(days=days))


@pytest.fixture
def queue(demo) -> dict[str, CodReturnRequest]:
    """Open and closed returns: received ones due at different dates (one past due, one flagged overdue by the
    sweep), approved and requested ones of different ages, a refunded one past its due date, a rejected one."""
    made = {
        "requested-new": make_return(7001, Status.REQUESTED, days_old=3),
        "requested-old": make_return(7002, Status.REQUESTED, days_old=5),
        "received-later": make_return(7003, Status.RECEIVED, days_old=9, due_in=5),
        "received-late": make_return(7004, Status.RECEIVED, days_old=9, due_in=-1),
        "approved": make_return(7005, Status.APPROVED, days_old=10),
        "refunded": make_return(7006, Status.REFUNDED, days_old=30, due_in=-10),
        "rejected": make_return(7007, Status.REJECTED, days_old=20),
        "received-flagged": make_return(7008, Status.RECEIVED, days_old=12, due_in=-3, refund_overdue=True),
    }
    CodRefund.objects.create(
        order=made["refunded"].order,
        return_request=made["refunded"],
        amount=Money(Decimal("50.00"), "USD"),
        method="store_credit",
        status="paid",
        reference="SC-1",
        idempotency_key="paid-7006",
        paid_at=timezone.now() - timedelta(days=8),
    )
    CodReturnLine.objects.create(
        return_request=made["approved"], sku="A", name="A", quantity=2, unit_price=Decimal("12.50")
    )
    CodRefund.objects.create(
        order=made["received-later"].order,
        return_request=made["received-later"],
        amount=Money(Decimal("20.00"), "USD"),
        method="store_credit",
        idempotency_key="pending-7003",
    )
    return made


def test_the_queue_lists_by_date_newest_due_first_with_the_refunds_state_and_amount(support, queue):
    # when support opens the returns queue
    response = support.get(LIST)
    # then the returns come by date: the newest refund due date first, then those without one, newest first
    assert response.status_code == 200
    suggested = refunds.suggest(queue["received-later"].pk).amount
    assert rows(response) == [
        ("7003", f"Due {day(5)}", False, formatting.money(suggested, "USD")),  # goods back: the suggested refund
        ("7004", f"Due {day(-1)}", True, "$0.00"),  # past due, not flagged yet
        ("7008", f"Due {day(-3)}", True, "$0.00"),  # flagged overdue by the sweep
        ("7006", f"Refunded {day(-8)}", False, "$50.00"),  # refunded: what was paid, never due nor overdue
        ("7001", "—", False, "$0.00"),
        ("7002", "—", False, "$0.00"),
        ("7005", "—", False, "$25.00"),  # not received yet: the value of the goods asked
        ("7007", "—", False, "—"),  # rejected: nothing to refund
    ]
    # and each row links to its return page and shows who, why, the status and when, in one date format
    html = response.content.decode()
    first = CodReturnRequest.objects.get(pk=queue["received-later"].pk)
    assert f'<a href="/admin/cod_plugin/codreturnrequest/{first.pk}/change/">Return {first.pk}</a>' in html
    assert '<td class="field-customer">customer7003@example.com</td>' in html
    assert '<td class="field-reason">Damaged</td>' in html and '<td class="field-status">Goods received</td>' in html
    assert f'<td class="field-requested_at">{formatting.datetime(first.created_at)}</td>' in html
    assert '<span class="cod-badge">Overdue</span>' in html and "Refund due" not in html


def test_a_refunded_return_is_never_overdue_even_flagged_before_its_refund(support, queue):
    CodReturnRequest.objects.filter(pk=queue["refunded"].pk).update(refund_overdue=True)
    [refunded] = [row for row in rows(support.get(LIST)) if row[0] == "7006"]
    assert refunded == ("7006", f"Refunded {day(-8)}", False, "$50.00")
    assert "7006" not in numbers(support.get(LIST, {"overdue": "yes"}))


def test_the_amount_of_a_received_return_is_the_refund_the_return_page_suggests(support, demo):
    # given two received returns of collected orders: one damaged (the fee goes back), one with a refund made
    damaged = make_return(7201, Status.RECEIVED, due_in=2)
    other = make_return(7202, Status.RECEIVED, due_in=3, reason="other")
    for made, price in ((damaged, "40.00"), (other, "30.00")):
        CodReturnLine.objects.create(
            return_request=made, sku="A", name="A", quantity=2, unit_price=Decimal(price), received_quantity=1
        )
        CodPaymentRecord.objects.create(order=made.order, amount=Money(103, "USD"), method="cash", source="courier")
    CodRefund.objects.create(
        order=other.order, return_request=other, amount=Money(10, "USD"), method="store_credit", idempotency_key="o"
    )
    listed = {number: amount for number, _, _, amount in rows(support.get(LIST))}
    for made in (damaged, other):
        assert listed[made.order.order_number] == formatting.money(refunds.suggest(made.pk).amount, "USD")
    assert listed["7201"] != listed["7202"]


@pytest.mark.parametrize(
    ("order", "listed"),
    [
        ("6", ["7006", "7008", "7004", "7003", "7001", "7002", "7005", "7007"]),  # refund due, earliest first
        ("-6", ["7001", "7002", "7005", "7007", "7003", "7004", "7008", "7006"]),  # the exact reverse, any database
        ("5", ["7006", "7007", "7008", "7005", "7004", "7003", "7002", "7001"]),  # requested, oldest first
        ("-5", ["7001", "7002", "7003", "7004", "7005", "7008", "7007", "7006"]),
    ],
)
def test_the_queue_sorts_by_its_dates(support, queue, order, listed):
    an_hour_older = timezone.now() - timedelta(days=9, hours=1)
    CodReturnRequest.objects.filter(pk=queue["received-late"].pk).update(created_at=an_hour_older)
    assert numbers(support.get(LIST, {"o": order})) == listed


def test_the_customer_is_shown_by_the_email_of_their_cod_profile(support, queue):
    CodCustomerProfile.objects.create(customer_key="customer7001@example.com", email="ann@example.com")
    html = support.get(LIST, {"q": "7001"}).content.decode()
    assert '<td class="field-customer">ann@example.com</td>' in html


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"overdue": "yes"}, ["7004", "7008"]),
        ({"overdue": "no"}, ["7003", "7006", "7001", "7002", "7005", "7007"]),
        ({"status__exact": "requested"}, ["7001", "7002"]),
        ({"reason__exact": "damaged", "status__exact": "received"}, ["7003", "7004", "7008"]),
        ({"q": "7004"}, ["7004"]),
        ({"q": "+12125557005"}, ["7005"]),
        ({"o": "-7"}, ["7004", "7008", "7003", "7006", "7001", "7002", "7005", "7007"]),  # overdue, then by date
    ],
)
def test_the_queue_filters_and_searches(support, queue, query, listed):
    assert numbers(support.get(LIST, query)) == listed


def test_the_queue_filters_by_channel(support, demo):
    make_return(7101, Status.REQUESTED)
    make_return(7102, Status.REQUESTED, order={"channel": "channel-kw", "currency": "KWD"})
    html = support.get(LIST).content.decode()
    assert "?channel=channel-kw" in html
    assert numbers(support.get(LIST, {"channel": "channel-kw"})) == ["7102"]


def test_the_queue_has_no_add_nor_delete(support, queue):
    html = support.get(LIST).content.decode()
    assert f"{LIST}add/" not in html and 'name="action"' not in html
    assert support.get(f"{LIST}add/").status_code == 403


def queries_for(client: Client, count: int, *, start: int) -> int:
    """The queries of the queue showing ``count`` returns, each with two lines, a paid refund and a profile."""
    for number in range(start, start + count):
        made = make_return(number, Status.RECEIVED, due_in=number % 7 - 3)
        CodReturnLine.objects.create(return_request=made, sku="A", name="A", quantity=1, unit_price=1)
        CodReturnLine.objects.create(return_request=made, sku="B", name="B", quantity=1, unit_price=1)
        CodRefund.objects.create(
            order=made.order,
            return_request=made,
            amount=Money(1, "USD"),
            method="store_credit",
            status="paid",
            idempotency_key=f"k{number}",
        )
        CodCustomerProfile.objects.create(customer_key=made.order.customer_key, email=f"c{number}@example.com")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(rows(response)) == min(CodReturnRequest.objects.count(), 100)
    return len(captured)


def test_the_queue_costs_the_same_queries_for_10_and_200_returns(support):
    # given 10 returns, then 200 more
    ten = queries_for(support, 10, start=8001)
    two_hundred = queries_for(support, 200, start=9001)
    # then the queue (100 rows a page) costs the same queries: session, user, the user's and the groups'
    # permissions, the channels and the store's names for them, the count, the rows with their order, customer
    # and refund date in one query, and for the page's amounts its lines, refunds, payment records and policies
    assert ten == two_hundred == 12
