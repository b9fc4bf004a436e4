"""The returns queue: open returns by refund due date then the oldest requests, overdue ones marked, filters,
search, and a constant number of queries however many rows."""

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

from cod_plugin.models import CodCustomerProfile, CodRefund, CodReturnLine, CodReturnRequest

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
    made = CodReturnRequest.objects.create(order=order, status=status, reason="damaged", refund_due=due, **fields)
    CodReturnRequest.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return made


def rows(response) -> list[tuple[str, bool, str]]:
    """The listed returns as (order number, marked overdue, refunded so far), in order."""
    html = response.content.decode()
    found = re.findall(
        r'<td class="field-order_number"><a href="/admin/cod_plugin/codorder/\d+/change/">(\w+)</a></td>'
        r'.*?<td class="field-overdue_badge">(.*?)</td><td class="field-refunded_so_far">(.*?)</td>',
        html,
        re.S,
    )
    return [(number, "Overdue" in badge, refunded) for number, badge, refunded in found]


def numbers(response) -> list[str]:
    return [number for number, _, _ in rows(response)]


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
    )
    CodRefund.objects.create(
        order=made["received-later"].order,
        return_request=made["received-later"],
        amount=Money(Decimal("20.00"), "USD"),
        method="store_credit",
        idempotency_key="pending-7003",
    )
    return made


def test_the_queue_puts_due_refunds_first_then_the_oldest_requests_and_marks_the_overdue(support, queue):
    # when support opens the returns queue
    response = support.get(LIST)
    # then open returns come first: by refund due date, earliest first; then those without one, oldest first;
    # closed ones (refunded, rejected) last
    assert response.status_code == 200
    assert rows(response) == [
        ("7008", True, "-"),  # flagged overdue by the sweep
        ("7004", True, "-"),  # past due, not flagged yet
        ("7003", False, "-"),  # a pending refund is not refunded yet
        ("7005", False, "-"),
        ("7002", False, "-"),
        ("7001", False, "-"),
        ("7006", False, "$50.00"),  # refunded: past its due date, not overdue
        ("7007", False, "-"),
    ]
    # and each row links to its return page and shows who, why, the status and when
    html = response.content.decode()
    first = queue["received-flagged"]
    assert f'<a href="/admin/cod_plugin/codreturnrequest/{first.pk}/change/">Return {first.pk}</a>' in html
    assert '<td class="field-customer">customer7008@example.com</td>' in html
    assert '<td class="field-reason">Damaged</td>' in html and '<td class="field-status">Goods received</td>' in html
    assert '<span class="cod-badge">Overdue</span>' in html


def test_the_customer_is_shown_by_the_email_of_their_cod_profile(support, queue):
    CodCustomerProfile.objects.create(customer_key="customer7001@example.com", email="ann@example.com")
    html = support.get(LIST, {"q": "7001"}).content.decode()
    assert '<td class="field-customer">ann@example.com</td>' in html


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"overdue": "yes"}, ["7008", "7004"]),
        ({"overdue": "no"}, ["7003", "7005", "7002", "7001", "7006", "7007"]),
        ({"status__exact": "requested"}, ["7002", "7001"]),
        ({"reason__exact": "damaged", "status__exact": "received"}, ["7008", "7004", "7003"]),
        ({"q": "7004"}, ["7004"]),
        ({"q": "+12125557005"}, ["7005"]),
        ({"o": "-8"}, ["7008", "7004", "7003", "7005", "7002", "7001", "7006", "7007"]),  # overdue, then the queue
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
    # permissions, the channels, the count, and the rows with their order, customer and refunds in one query
    assert ten == two_hundred == 7
