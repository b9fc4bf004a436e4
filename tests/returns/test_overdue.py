"""The refund's due date in business days of the right country, and the sweep that flags an overdue refund once."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from cod_plugin import tasks
from cod_plugin.flows import refunds, returns
from cod_plugin.models import CodOrderEvent, CodPolicy, CodReturnRequest

from .helpers import APPROVE, CUSTOMER, MARK_PAID, ORDER, RECEIVE, REFUND, REQUEST, completed_order, support_token


def received_return(api, token_for) -> tuple[str, object, str]:
    """A completed order whose return of one t-shirt was received today; its ID, the order, support's token."""
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    support = support_token()
    asked = api(
        REQUEST, {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DAMAGED"}, token=customer
    )["codReturnRequestCreate"]["returnRequest"]
    api(APPROVE, {"id": asked["id"]}, token=support)
    api(RECEIVE, {"id": asked["id"], "lines": [{"sku": "TSHIRT-001", "quantity": 1}]}, token=support)
    return order_id, order, support


def test_the_refund_is_due_the_channels_business_days_after_receipt(api, token_for):
    # given a return received today on a US channel with 5 business days to refund
    order_id, order, support = received_return(api, token_for)
    policy = CodPolicy.objects.get(channel="default-channel")
    # then its due date is those business days on, as the customer sees it
    due = returns.refund_due(order, policy, received_on=timezone.localdate())
    assert (due - timezone.localdate()).days >= 5
    seen = api(ORDER, {"id": order_id}, token=support)["codOrder"]["returns"][0]
    assert seen["refundDue"] == due.isoformat()
    assert CodOrderEvent.objects.get(order=order, kind="goods_received").data["refund_due"] == due.isoformat()


def test_the_due_date_skips_weekends_and_the_holidays_of_the_delivery_country_or_the_channels(api, token_for):
    # given an order delivered in the US, on a channel with 3 business days to refund
    _, order, _ = received_return(api, token_for)
    policy = CodPolicy.objects.get(channel="default-channel")
    policy.refund_business_days = 3
    # then goods back on Friday are due on Wednesday, and on Thursday 3 July on Wednesday 9 July (4 July off)
    assert returns.refund_due(order, policy, received_on=date(2025, 6, 6)) == date(2025, 6, 11)
    assert returns.refund_due(order, policy, received_on=date(2025, 7, 3)) == date(2025, 7, 9)
    # when the channel counts Kuwait's days (weekend Friday and Saturday), then 4 July is a Friday off anyway
    policy.holiday_country = "KW"
    assert returns.refund_due(order, policy, received_on=date(2025, 7, 3)) == date(2025, 7, 8)


def test_an_unpaid_refund_past_its_due_date_is_flagged_once_and_cleared_when_paid(api, token_for):
    # given a received return
    order_id, order, support = received_return(api, token_for)
    return_request = CodReturnRequest.objects.get(order=order)
    due = return_request.refund_due
    # when the sweep runs on the due date, then nothing is late yet
    on_due_day = timezone.make_aware(datetime.combine(due, time()))
    assert refunds.flag_overdue_refunds(now=on_due_day + timedelta(hours=23)) == 0
    # when it runs the day after, twice, then the return and the order are flagged, with one event
    assert refunds.flag_overdue_refunds(now=on_due_day + timedelta(days=1)) == 1
    assert refunds.flag_overdue_refunds(now=on_due_day + timedelta(days=2)) == 0
    seen = api(ORDER, {"id": order_id}, token=support)["codOrder"]
    assert seen["flags"]["refundOverdue"] is True and seen["returns"][0]["refundOverdue"] is True
    event = CodOrderEvent.objects.get(order=order, kind="refund_overdue")
    assert (event.actor, event.data) == ("system", {"return_id": return_request.pk, "due": due.isoformat()})
    # when the refund is made and paid, then both flags are cleared
    made = api(
        REFUND,
        {
            "id": order_id,
            "ret": seen["returns"][0]["id"],
            "amount": {"amount": "25.21", "currency": "USD"},
            "method": "STORE_CREDIT",
            "key": "late",
        },
        token=support,
    )["codRefundCreate"]
    assert made["order"]["flags"]["refundOverdue"] is True  # pending is not paid
    paid = api(MARK_PAID, {"id": made["refund"]["id"], "ref": "SC-1"}, token=support)["codRefundMarkPaid"]["order"]
    assert paid["flags"]["refundOverdue"] is False and paid["returns"][0]["refundOverdue"] is False
    assert refunds.flag_overdue_refunds(now=on_due_day + timedelta(days=3)) == 0


def test_the_sweep_is_a_periodic_task_run_hourly():
    assert settings.CELERY_BEAT_SCHEDULE["cod-flag-overdue-refunds"] == {
        "task": "cod_plugin.tasks.flag_overdue_refunds",
        "schedule": 3600,
    }
    assert tasks.flag_overdue_refunds.name == "cod_plugin.tasks.flag_overdue_refunds"


def test_the_task_flags_what_is_overdue(api, token_for):
    _, order, _ = received_return(api, token_for)
    CodReturnRequest.objects.filter(order=order).update(refund_due=timezone.localdate() - timedelta(days=1))
    assert tasks.flag_overdue_refunds.apply().get() == 1
    order.refresh_from_db()
    assert order.refund_overdue
