"""Appointments within the channel's horizon: at most N days ahead and M hours long, in the future, with offsets.

The reported case: a customer's window in the year 9999 with an offset of -14:00 (year 10000 in UTC, which
PostgreSQL stores and Python cannot read back) answered an error yet was saved, and every page showing the order
failed from then on. Run with DATABASE_URL=postgres://... to see it where it happened.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cod_plugin.models import CodOrder, CodOrderEvent, CodPolicy

from .helpers import RESCHEDULE, UPDATE, confirm, place, staff_token

STAFF_ORDERS = "query { codOrders(first: 10) { edges { node { number appointment { start end } } } } }"


@pytest.fixture
def customer(token_for):
    return token_for("new@example.com")


@pytest.fixture
def confirmed(api, customer) -> tuple[str, CodOrder]:
    order_id, order = place(api, customer)
    confirm(order)
    return order_id, order


def reschedule(api, token, order_id: str, start, end) -> dict:
    window = {"start": start if isinstance(start, str) else start.isoformat(), "end": end}
    window["end"] = end if isinstance(end, str) else end.isoformat()
    return api(RESCHEDULE, {"id": order_id, "w": window}, token=token)["codOrderReschedule"]


def saved(order: CodOrder) -> tuple:
    order.refresh_from_db()
    events = CodOrderEvent.objects.filter(order=order, kind__in=["appointment_set", "rescheduled"]).count()
    return order.appointment_start, order.appointment_end, order.reschedules, events


def test_the_reported_window_in_year_9999_is_refused_saves_nothing_and_every_page_still_shows(api, customer, confirmed):
    # given
    order_id, order = confirmed
    # when the customer asks for a window that ends in year 10000 in UTC
    answer = reschedule(api, customer, order_id, "9999-12-31T20:00:00-14:00", "9999-12-31T23:00:00-14:00")
    # then it is an error with its code and field, and nothing was saved
    assert answer["order"] is None
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [("INVALID", "window.start")]
    assert saved(order) == (None, None, 0, 0)
    # and the admin's list, the order's page and staff's codOrders all still answer
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x"))
    assert admin.get("/admin/cod_plugin/codorder/").status_code == 200
    assert admin.get(f"/admin/cod_plugin/codorder/{order.pk}/change/").status_code == 200
    assert api(STAFF_ORDERS, token=staff_token())["codOrders"]["edges"]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-06-02T10:00:00", "2026-06-02T12:00:00", "window.start"),  # no offset: which zone was meant?
        ("0001-01-01T00:00:00+14:00", "0001-01-01T02:00:00+14:00", "window.start"),
    ],
)
def test_a_window_without_offsets_or_before_what_can_be_stored_is_refused(api, customer, confirmed, start, end, field):
    order_id, order = confirmed
    answer = reschedule(api, customer, order_id, start, end)
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [("INVALID", field)]
    assert "offset-naive" not in answer["errors"][0]["message"]
    assert saved(order) == (None, None, 0, 0)


@pytest.fixture
def now():
    """The clock stopped, so that "exactly N days ahead" is exact."""
    stopped = timezone.now().replace(microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=stopped):
        yield stopped


def test_a_window_ending_exactly_the_horizon_ahead_is_taken_and_one_second_later_is_refused(
    api, customer, confirmed, now
):
    order_id, order = confirmed
    end = now + timedelta(days=30)  # the shipped default
    late = reschedule(api, customer, order_id, end - timedelta(hours=2), end + timedelta(seconds=1))
    assert [(e["code"], e["field"]) for e in late["errors"]] == [("INVALID", "window")]
    assert saved(order) == (None, None, 0, 0)
    taken = reschedule(api, customer, order_id, end - timedelta(hours=2), end)
    assert taken["errors"] == []
    assert saved(order)[1] == end


def test_a_window_exactly_the_longest_is_taken_and_one_second_longer_is_refused(api, customer, confirmed, now):
    order_id, order = confirmed
    start = now + timedelta(days=1)
    long = reschedule(api, customer, order_id, start, start + timedelta(hours=12, seconds=1))
    assert [(e["code"], e["field"], e["message"]) for e in long["errors"]] == [
        ("INVALID", "window", "A window can last at most 12 hours.")
    ]
    assert saved(order) == (None, None, 0, 0)
    assert reschedule(api, customer, order_id, start, start + timedelta(hours=12))["errors"] == []


def test_the_horizon_is_the_channels_setting(api, customer, confirmed, now):
    # given a channel that takes appointments at most 3 days ahead and 4 hours long
    order_id, order = confirmed
    CodPolicy.objects.filter(channel=order.channel).update(appointment_max_days=3, appointment_max_hours=4)
    start = now + timedelta(days=2)
    # when, then
    assert reschedule(api, customer, order_id, start, start + timedelta(hours=5))["errors"][0]["field"] == "window"
    end = now + timedelta(days=3, seconds=1)
    assert reschedule(api, customer, order_id, end - timedelta(hours=1), end)["errors"][0]["field"] == "window"
    assert reschedule(api, customer, order_id, start, start + timedelta(hours=4))["errors"] == []


def test_a_couriers_out_for_delivery_window_has_the_same_bound(api, confirmed, now):
    order_id, order = confirmed
    staff = staff_token()
    start = now + timedelta(days=1)

    def out(end) -> dict:
        window = {"start": start.isoformat(), "end": end.isoformat()}
        variables = {"id": order_id, "input": {"status": "OUT_FOR_DELIVERY", "window": window}}
        return api(UPDATE, variables, token=staff)["codOrderUpdateStatus"]

    too_long = out(start + timedelta(hours=12, seconds=1))
    assert [(e["code"], e["field"]) for e in too_long["errors"]] == [("INVALID", "window")]
    order.refresh_from_db()
    assert (order.status, order.appointment_end) == ("confirmed", None)
    assert out(start + timedelta(hours=12))["order"]["status"] == "OUT_FOR_DELIVERY"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("9999-12-31T20:00", "9999-12-31T23:00", "Give a time between the years 2000 and 9000."),
        (None, None, "A window can last at most 12 hours."),
    ],
)
def test_the_admins_appointment_form_has_the_same_bounds(confirmed, start, end, message):
    _, order = confirmed
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x"))
    if start is None:
        begin = timezone.localtime() + timedelta(days=1)
        start, end = begin.strftime("%Y-%m-%dT%H:%M"), (begin + timedelta(hours=13)).strftime("%Y-%m-%dT%H:%M")
    url = f"/admin/cod_plugin/codorder/{order.pk}/reschedule/"
    response = admin.post(url, {"window_start": start, "window_end": end}, follow=True)
    assert [m.message for m in response.context["messages"]] == [message]
    assert saved(order) == (None, None, 0, 0)
    assert admin.get(f"/admin/cod_plugin/codorder/{order.pk}/change/").status_code == 200
