"""Plumbing of the remittance import tests: couriers, delivered orders with tracking numbers, remittance lines,
and report files written as a courier sends them."""

import csv
import io
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cod_plugin.flows.remittances import Header, Line
from cod_plugin.models import CourierReportMapping
from cod_plugin.rules.statuses import CodStatus
from tests.jobs.conftest import make_courier, make_order

TRACKING = count(1)
DAY = date(2026, 11, 30)


@pytest.fixture
def fastship(db):
    return make_courier("fastship")


@pytest.fixture
def slowship(db):
    return make_courier("slowship")


def order_of(courier, *, status=CodStatus.DELIVERED, amount="100.00", fee="5.00", currency="USD", **fields):
    """An order of ``courier`` (105.00 to collect by default) with a tracking number of its own."""
    fields.setdefault("tracking_number", f"TRK{next(TRACKING):06d}")
    return make_order(courier=courier, status=status, amount=amount, fee=fee, currency=currency, **fields)


def line(row, order_or_reference, collected="105.00", *, by="tracking", **amounts) -> Line:
    reference = order_or_reference
    if not isinstance(order_or_reference, str):
        reference = order_or_reference.tracking_number if by == "tracking" else order_or_reference.order_number
    return Line(row=row, reference=reference, by=by, collected=Decimal(collected), **amounts)


def header(reference="R-1", currency="USD", **fields) -> Header:
    return Header(reference=reference, remitted_on=DAY, currency=currency, **fields)


def mapping_for(courier, **fields) -> CourierReportMapping:
    defaults = {"reference_column": "AWB", "collected_column": "COD Amount", "reference_kind": "tracking"}
    return CourierReportMapping.objects.create(courier=courier, **{**defaults, **fields})


def csv_file(rows, *, header=("AWB", "COD Amount"), delimiter=",", name="report.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, *, header=("AWB", "COD Amount"), name="report.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())
