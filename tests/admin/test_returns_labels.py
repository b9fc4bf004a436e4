"""The return page and the queue's filters speak as people read them: a refunded return says when it was refunded
(never "Refund due" nor overdue), channels by name, customers by email, every date in the one format."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from cod_plugin import formatting
from cod_plugin.models import CodCustomerProfile, CodOrder, CodRefund, CodReturnRequest

from .test_returns_queue import LIST, Status, make_return, signed_in


@pytest.fixture
def support(demo) -> Client:
    return signed_in("support@example.com")


def page(return_request) -> str:
    return f"{LIST}{return_request.pk}/change/"


def test_a_refunded_return_says_when_it_was_refunded_and_is_never_overdue(support):
    # given a return refunded 8 days ago, past its due date and flagged overdue before the refund was paid
    made = make_return(7301, Status.REFUNDED, days_old=20, due_in=-10, refund_overdue=True)
    paid_at = timezone.now() - timedelta(days=8)
    CodRefund.objects.create(
        order=made.order,
        return_request=made,
        amount=Money(Decimal("50.00"), "USD"),
        method="store_credit",
        status="paid",
        paid_at=paid_at,
        idempotency_key="paid-7301",
    )
    # when support opens its page
    html = support.get(page(made)).content.decode()
    # then it says when it was refunded, and nothing of a refund due or overdue
    assert f'<td id="cod-return-refund-due">Refunded {formatting.date(paid_at)}</td>' in html
    assert "Refund due" not in html and "Overdue" not in html and "overdue" not in html.split("content-main")[1]


def test_an_open_return_shows_its_due_date_channel_customer_and_dates_in_one_format(support):
    made = make_return(7302, Status.RECEIVED, due_in=-1, order={"channel": "channel-kw", "currency": "KWD"})
    made = CodReturnRequest.objects.get(pk=made.pk)
    CodCustomerProfile.objects.create(customer_key=made.order.customer_key, email="ann@example.com")
    html = support.get(page(made)).content.decode()
    due = formatting.date(made.refund_due)
    assert f'<td id="cod-return-refund-due">Due {due} <span class="cod-badge">Overdue</span></td>' in html
    assert "<td>Kuwait</td>" in html and ">channel-kw<" not in html
    assert ">ann@example.com</a>" in html
    assert f"<td>{formatting.datetime(made.created_at)}</td>" in html


def test_a_guest_without_a_profile_reads_as_a_guest_and_a_store_account_by_number(support):
    guest = make_return(7303, Status.REQUESTED)
    account = make_return(7304, Status.REQUESTED)
    CodOrder.objects.filter(pk=guest.order_id).update(customer_key="guest:rina@example.com")
    CodOrder.objects.filter(pk=account.order_id).update(customer_key="customer:12")
    assert "<td>rina@example.com (guest)</td>" in support.get(page(guest)).content.decode()
    html = support.get(LIST).content.decode()
    assert '<td class="field-customer">rina@example.com (guest)</td>' in html
    assert '<td class="field-customer">Store customer 12</td>' in html
    assert "customer:12" not in support.get(page(account)).content.decode()


def test_the_channel_filter_names_the_channels(support):
    make_return(7305, Status.REQUESTED)
    html = support.get(LIST).content.decode()
    assert '<a href="?channel=channel-kw">Kuwait</a>' in html
    assert ">channel-kw</a>" not in html
