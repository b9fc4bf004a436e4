"""The export's file: every column a merchant needs, amounts as plain decimals in the currency's minor units, dates
in ISO 8601, statuses in the language of the person who asked, and no cell a spreadsheet would run."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from djmoney.money import Money

from cod_plugin.flows import jobs
from cod_plugin.models import CodCustomerProfile, CodJob, CodPaymentRecord
from cod_plugin.rules.statuses import CodStatus

from .conftest import make_courier, make_order

pytestmark = pytest.mark.django_db
HEADER = [
    "Order number",
    "Channel",
    "Status",
    "Customer",
    "Phone",
    "Country",
    "Area",
    "Postal code",
    "Courier",
    "Tracking number",
    "Currency",
    "Order amount",
    "COD fee",
    "Shipping",
    "Amount to collect",
    "Collected",
    "Placed at",
    "Appointment from",
    "Appointment until",
    "Last change",
]


def exported(*orders) -> list[dict]:
    user = get_user_model().objects.create_user("clerk@example.com", "clerk@example.com", "x", is_staff=True)
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[order.pk for order in orders])
    jobs.run(job.pk)
    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(job.file_content)))
    assert rows[0] == HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_every_column_of_a_shipped_order():
    # given a shipped order of a known customer, with its courier, tracking number and appointment
    CodCustomerProfile.objects.create(customer_key="customer:7", email="ann@example.com")
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    order = make_order(
        customer_key="customer:7",
        phone="+12125550100",
        area="NY",
        postal_code="10001",
        courier=make_courier(),
        tracking_number="FS-123",
        status=CodStatus.SHIPPED,
        shipping_amount=Money("7.50", "USD"),
        appointment_start=start,
        appointment_end=start.replace(hour=11),
    )
    # then its row says all of it
    (row,) = exported(order)
    order.refresh_from_db()
    assert row == {
        "Order number": order.order_number,
        "Channel": "default-channel",
        "Status": "Shipped",
        "Customer": "ann@example.com",
        "Phone": "+12125550100",
        "Country": "US",
        "Area": "NY",
        "Postal code": "10001",
        "Courier": "Fastship",
        "Tracking number": "FS-123",
        "Currency": "USD",
        "Order amount": "100.00",
        "COD fee": "5.00",
        "Shipping": "7.50",
        "Amount to collect": "105.00",
        "Collected": "",
        "Placed at": order.created_at.isoformat(timespec="seconds"),
        "Appointment from": "2026-12-03T09:00:00+00:00",
        "Appointment until": "2026-12-03T11:00:00+00:00",
        "Last change": order.updated_at.isoformat(timespec="seconds"),
    }


def test_amounts_have_the_minor_units_of_their_currency():
    # KWD has 3 decimals (the smallest amount is 0.001), IDR 2, whatever the stored scale
    kwd = make_order(channel="channel-kw", currency="KWD", amount="12.5", fee="0.001")
    idr = make_order(channel="channel-id", currency="IDR", amount="1505600", fee="0.5")
    CodPaymentRecord.objects.create(order=kwd, amount=Money("12.499", "KWD"), method="cash", source="courier")
    rows = {row["Currency"]: row for row in exported(kwd, idr)}
    amounts = ("Order amount", "COD fee", "Amount to collect", "Collected")
    assert [rows["KWD"][column] for column in amounts] == ["12.500", "0.001", "12.501", "12.499"]
    assert [rows["IDR"][column] for column in amounts] == ["1505600.00", "0.50", "1505600.50", ""]


def test_a_guest_reads_as_the_email_they_ordered_with():
    (row,) = exported(make_order(customer_key="guest:walk-in@example.com"))
    assert row["Customer"] == "walk-in@example.com"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    order = make_order(area='=HYPERLINK("http://x.example")', postal_code="+SUM(A1)", phone="-1 (555) 0100")
    (row,) = exported(order)
    assert row["Area"] == '\'=HYPERLINK("http://x.example")'
    assert row["Postal code"] == "'+SUM(A1)"
    assert row["Phone"] == "-1 (555) 0100"  # a number, harmless, kept as typed


def test_the_file_speaks_the_language_of_who_asked_for_it():
    order = make_order(status=CodStatus.PENDING_CONFIRMATION)
    user = get_user_model().objects.create_user("clerk@example.com", "clerk@example.com", "x", is_staff=True)
    with translation.override("ar"):
        job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[order.pk])
        header, row = (translation.gettext("Order number"), str(CodStatus.PENDING_CONFIRMATION.label))
    jobs.run(job.pk)  # the worker has no request, hence no language of its own
    job.refresh_from_db()
    first, second = list(csv.reader(io.StringIO(job.file_content)))
    assert job.language == "ar" and first[0] == header and second[2] == row
    assert second[2] != "Pending confirmation"


def test_an_order_gone_meanwhile_is_counted_not_exported():
    kept, gone = make_order(), make_order()
    user = get_user_model().objects.create_user("clerk@example.com", "clerk@example.com", "x", is_staff=True)
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[kept.pk, gone.pk])
    gone.delete()
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.done, job.total, job.counts) == (2, 2, {"exported": 1, "missing": 1})
