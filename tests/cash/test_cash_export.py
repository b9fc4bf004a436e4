"""The reconciliation of a period as CSV rows: the orders collected in it (or, without a payment record, remitted
in it), each with its remittance, line status, deposit and open exceptions; formulas neutralised."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows import cash_in_hand
from cod_plugin.flows.cash_in_hand import reconciliation_rows
from cod_plugin.models import CodOrder, CodReconciliationException
from tests.admin.cod_orders import make_orders

from .holding import TODAY, collected, courier, days_before, remit

pytestmark = pytest.mark.django_db
HEADER = [
    "Order number",
    "Courier",
    "Tracking number",
    "Currency",
    "Expected",
    "Collected",
    "Collected on",
    "Remittance reference",
    "Remitted on",
    "Line status",
    "Deposited on",
    "Open exceptions",
]


def rows(start: date, end: date) -> list[list[str]]:
    return list(reconciliation_rows(start, end))


def test_each_order_of_the_period_with_its_money():
    # given an order remitted short, deposited, with an open exception; another only collected (KWD)
    fastship = courier("fastship", name="FastShip")
    (short,) = collected(fastship, days_before(3), amount="100")
    CodOrder.objects.filter(pk=short.pk).update(tracking_number="DX1")
    remittance = remit([short], on=days_before(1), status="short", reference="FS-2026-06")
    remittance.deposited_on = TODAY
    remittance.save()
    CodReconciliationException.objects.create(courier=fastship, order=short, kind="short", currency="USD")
    CodReconciliationException.objects.create(
        courier=fastship, order=short, kind="deductions", currency="USD", status="resolved"
    )
    (held,) = collected(fastship, days_before(2), amount="12.5", currency="KWD")
    # when the week is exported
    header, *body = rows(days_before(6), TODAY)
    # then
    assert header == HEADER
    assert body == [
        [
            short.order_number,
            "FastShip",
            "DX1",
            "USD",
            "103.00",
            "100.00",
            days_before(3).isoformat(),
            "FS-2026-06",
            days_before(1).isoformat(),
            "Short: less than the amount to collect",
            TODAY.isoformat(),
            "1",
        ],
        [
            held.order_number,
            "FastShip",
            "",
            "KWD",
            "103.000",
            "12.500",
            days_before(2).isoformat(),
            "",
            "",
            "",
            "",
            "0",
        ],
    ]


def test_the_period_includes_its_first_and_last_day_only():
    fastship = courier()
    inside = [collected(fastship, day)[0].order_number for day in (days_before(5), days_before(1))]
    collected(fastship, days_before(6))
    collected(fastship, TODAY)
    assert [row[0] for row in rows(days_before(5), days_before(1))[1:]] == inside


def test_an_order_remitted_without_a_payment_record_is_in_the_period_of_its_remittance():
    fastship = courier()
    (order,) = make_orders(1, start=9300, courier=fastship, status="out_for_delivery")
    remit([order], on=days_before(2), counted=False, status="not_delivered")
    assert [row[0] for row in rows(days_before(2), days_before(2))[1:]] == [order.order_number]
    assert rows(days_before(1), TODAY)[1:] == []


def test_cells_a_spreadsheet_would_run_are_quoted():
    fastship = courier("evil", name="=HYPERLINK(1)")
    (order,) = collected(fastship, TODAY)
    CodOrder.objects.filter(pk=order.pk).update(tracking_number="@SUM(A1)")
    remit([order], reference="+cmd|' /C calc'!A0")
    (row,) = rows(TODAY, TODAY)[1:]
    assert (row[1], row[2], row[7]) == ("'=HYPERLINK(1)", "'@SUM(A1)", "'+cmd|' /C calc'!A0")


def test_the_rows_stream_in_chunks_with_a_few_queries_each(monkeypatch):
    monkeypatch.setattr(cash_in_hand, "EXPORT_CHUNK", 10)
    fastship = courier()
    collected(fastship, TODAY, n=25)
    with CaptureQueriesContext(connection) as queries:
        found = rows(TODAY, TODAY)
    # three chunks of orders, lines and exceptions, and the empty read that ends it
    assert len(found) == 26 and len(queries) == 3 * 3 + 1
    assert {Decimal(row[5]) for row in found[1:]} == {Decimal(103)}
