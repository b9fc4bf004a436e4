"""Importing a courier's report: uploaded once, read through the courier's column mapping (CSV and XLSX), each
row's error listed with its row number, nothing applied unless the file is valid or finance chose to apply the
valid rows, and the remittance made exactly as the API makes it."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.error_codes import CodError
from cod_plugin.flows import remittance_imports, remittances
from cod_plugin.models import CodJob, CodRemittance, CodRemittanceFile, CodRemittanceStaging
from cod_plugin.rules.reconciliation import LineStatus
from tests.workers import tasks_run_here

from . import import_setup
from .import_setup import DAY, csv_file, mapping_for, order_of, xlsx_file

fastship = import_setup.fastship  # fixture
pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create_user("finance@example.com", "finance@example.com", "x", is_staff=True)


def upload(courier, file, clerk, *, reference="R-1", net=None):
    return remittances.upload(courier, file, reference=reference, remitted_on=DAY, currency="USD", net=net, user=clerk)


def imported(courier, file, clerk, *, apply_valid_rows=False, **fields) -> CodJob:
    job = remittances.start_import(
        upload(courier, file, clerk, **fields), user=clerk, apply_valid_rows=apply_valid_rows
    )
    assert remittances.run_import(job.pk) in (CodJob.Status.DONE, CodJob.Status.FAILED)
    job.refresh_from_db()
    assert not CodRemittanceStaging.objects.exists()
    return job


def codes(job) -> list[tuple[int, str, str]]:
    return [(error["row"], error["field"], error["code"]) for error in job.params["errors"]]


def test_a_csv_report_is_imported_through_the_mapping(fastship, clerk):
    # given two delivered orders and a report with their tracking numbers and one the shop does not know
    mapping_for(fastship)
    first, second = order_of(fastship), order_of(fastship)
    file = csv_file([(first.tracking_number, "105.00"), (second.tracking_number, "100.00"), ("UNKNOWN-1", "7.50")])
    # when finance uploads it and the import runs
    job = imported(fastship, file, clerk)
    # then the remittance has the three lines with their statuses, and the job says how it went
    assert job.status == CodJob.Status.DONE and job.params["errors"] == []
    remittance = CodRemittance.objects.get(pk=job.params["remittance"])
    assert [(line.row, line.status) for line in remittance.lines.all()] == [
        (2, LineStatus.MATCHED),
        (3, LineStatus.SHORT),
        (4, LineStatus.UNKNOWN),
    ]
    assert (remittance.source, remittance.total, remittance.open_exceptions) == ("file", Decimal("212.50"), 2)
    assert remittance.file.reference == "R-1" and remittance.created_by == "finance@example.com"
    assert (job.total, job.done) == (3, 3)
    assert job.counts == {**job.counts, "read": 3, "rejected": 0, "matched": 1, "short": 1, "unknown": 1, "excess": 0}


def test_the_task_runs_when_the_upload_commits(fastship, clerk, django_capture_on_commit_callbacks):
    mapping_for(fastship)
    order = order_of(fastship)
    with tasks_run_here(), django_capture_on_commit_callbacks(execute=True):
        job = remittances.start_import(upload(fastship, csv_file([(order.tracking_number, "105")]), clerk), user=clerk)
    job.refresh_from_db()
    assert job.status == CodJob.Status.DONE
    assert CodRemittance.objects.get().lines.get().order_id == order.pk


def test_a_wrong_mapping_fails_the_file_with_the_column_it_lacks(fastship, clerk):
    mapping_for(fastship, collected_column="Amount")
    job = imported(fastship, csv_file([(order_of(fastship).tracking_number, "105")]), clerk)
    assert job.status == CodJob.Status.FAILED and "Amount" in job.error
    assert codes(job) == [(0, "collected_column", "missing_column")]
    assert not CodRemittance.objects.exists()


def test_row_errors_refuse_the_file_until_finance_applies_the_valid_rows(fastship, clerk):
    # given a report with a bad number and a bad date among good rows
    mapping_for(fastship, date_column="Date", date_format="%d/%m/%Y")
    good, bad_number, bad_date = order_of(fastship), order_of(fastship), order_of(fastship)
    rows = [
        (good.tracking_number, "105.00", "30/11/2026"),
        (bad_number.tracking_number, "10O.00", "30/11/2026"),
        (bad_date.tracking_number, "105.00", "2026-11-30"),
    ]
    file = csv_file(rows, header=("AWB", "COD Amount", "Date"))
    # when it is imported: refused, each error with its row, nothing applied
    job = imported(fastship, file, clerk)
    assert job.status == CodJob.Status.DONE and job.params["refused"] is True
    assert codes(job) == [(3, "COD Amount", "bad_number"), (4, "Date", "bad_date")]
    assert "remittance" not in job.params and not CodRemittance.objects.exists()
    assert (job.counts["read"], job.counts["rejected"]) == (3, 2)
    # when finance starts it again applying the valid rows: the good row is recorded, the others still listed
    again = remittances.start_import(CodRemittanceFile.objects.get(), user=clerk, apply_valid_rows=True)
    remittances.run_import(again.pk)
    again.refresh_from_db()
    remittance = CodRemittance.objects.get(pk=again.params["remittance"])
    assert [line.order_id for line in remittance.lines.all()] == [good.pk]
    assert remittance.lines.get().collected_on == date(2026, 11, 30)
    assert codes(again) == codes(job) and "refused" not in again.params


def test_a_row_naming_an_order_already_named_is_a_duplicate(fastship, clerk):
    mapping_for(fastship)
    order = order_of(fastship)
    job = imported(fastship, csv_file([(order.tracking_number, "105"), (order.tracking_number, "105")]), clerk)
    assert codes(job) == [(3, "AWB", "duplicate_line")] and job.params["refused"]


def test_an_order_in_another_currency_is_a_row_error(fastship, clerk):
    mapping_for(fastship)
    mine, euros = order_of(fastship), order_of(fastship, currency="EUR")
    job = imported(fastship, csv_file([(mine.tracking_number, "105"), (euros.tracking_number, "105")]), clerk)
    assert codes(job) == [(3, "AWB", "currency_mismatch")]


def test_a_comma_decimal_mark_and_a_semicolon_delimiter(fastship, clerk):
    mapping_for(fastship, decimal_mark=",", delimiter=";", cod_charge_column="Fee")
    order = order_of(fastship, amount="1229.50", fee="5.00")
    file = csv_file([(order.tracking_number, "1.234,50", "2,00")], header=("AWB", "COD Amount", "Fee"), delimiter=";")
    job = imported(fastship, file, clerk)
    line = CodRemittance.objects.get(pk=job.params["remittance"]).lines.get()
    assert (line.collected, line.cod_charge, line.remitted, line.status) == (
        Decimal("1234.50"),
        Decimal("2.00"),
        Decimal("1232.50"),
        LineStatus.MATCHED,
    )


def test_an_xlsx_report_with_number_and_date_cells(fastship, clerk):
    mapping_for(fastship, reference_column="Order", reference_kind="order", date_column="Delivered")
    first, second = order_of(fastship), order_of(fastship)
    rows = [(int(first.order_number), 105.0, datetime(2026, 11, 29, 15, 30)), (second.order_number, "105.00", None)]
    job = imported(fastship, xlsx_file(rows, header=("Order", "COD Amount", "Delivered")), clerk)
    lines = list(CodRemittance.objects.get(pk=job.params["remittance"]).lines.all())
    assert [(line.order_id, line.collected, line.collected_on) for line in lines] == [
        (first.pk, Decimal("105.00"), date(2026, 11, 29)),
        (second.pk, Decimal("105.00"), None),
    ]
    assert job.total == 2


def test_an_unreadable_file_fails(fastship, clerk):
    mapping_for(fastship)
    broken = SimpleUploadedFile("report.xlsx", b"PK\x03\x04 not really a workbook")
    job = imported(fastship, broken, clerk)
    assert job.status == CodJob.Status.FAILED and codes(job) == [(0, "file", "unreadable_file")]
    latin = SimpleUploadedFile("report.csv", "AWB,COD Amount\nTRK\xe9,1\n".encode("latin-1"))
    job = imported(fastship, latin, clerk, reference="R-2")
    assert codes(job) == [(0, "file", "unreadable_file")] and "UTF-8" in job.error


def test_the_same_file_twice_is_one_upload_and_one_remittance(fastship, clerk):
    mapping_for(fastship)
    order = order_of(fastship)
    content = [(order.tracking_number, "105")]
    first = imported(fastship, csv_file(content), clerk)
    # the same bytes under another name and reference: the first upload, already imported
    assert upload(fastship, csv_file(content, name="again.csv"), clerk, reference="R-2").pk == first.params["file"]
    again = imported(fastship, csv_file(content), clerk)
    assert again.params["remittance"] == first.params["remittance"]
    assert CodRemittance.objects.count() == 1 and CodRemittanceFile.objects.count() == 1


def test_a_net_that_is_not_the_lines_fails_the_file(fastship, clerk):
    mapping_for(fastship)
    order = order_of(fastship)
    job = imported(fastship, csv_file([(order.tracking_number, "105")]), clerk, net=Decimal("104.99"))
    assert job.status == CodJob.Status.FAILED and codes(job) == [(0, "net", "net_mismatch")]
    assert not CodRemittance.objects.exists()
    other = imported(fastship, csv_file([(order.tracking_number, "105.0")]), clerk, reference="R-2", net=Decimal(105))
    assert CodRemittance.objects.get(pk=other.params["remittance"]).net == Decimal("105.00")


def test_errors_kept_are_the_first_thousand(fastship, clerk):
    mapping_for(fastship)
    rows = [(f"T{row}", "bad") for row in range(1001)]
    job = imported(fastship, csv_file(rows), clerk)
    assert len(job.params["errors"]) == 1000 and job.params["errors"][-1]["row"] == 1001
    assert job.counts["rejected"] == 1001


def test_a_file_at_the_size_limit_and_one_byte_past(fastship, clerk, monkeypatch):
    file = csv_file([("T1", "105")])
    monkeypatch.setattr(remittance_imports, "MAX_FILE_BYTES", file.size)
    assert upload(fastship, file, clerk).size == file.size
    bigger = csv_file([("T12", "105")])
    with pytest.raises(CodError) as caught:
        upload(fastship, bigger, clerk, reference="R-2")
    assert caught.value.code == "invalid" and caught.value.field == "file"


def test_preview_shows_the_first_rows_and_saves_nothing(fastship):
    mapping = mapping_for(fastship)
    rows = [(f"T{row}", "105.00" if row != 2 else "x") for row in range(1, 15)]
    shown = remittances.preview(csv_file(rows), mapping, rows=3)
    assert shown.columns == ["AWB", "COD Amount"] and shown.error is None
    assert [(row.row, row.line and row.line.collected) for row in shown.rows] == [
        (2, Decimal("105.00")),
        (3, None),
        (4, Decimal("105.00")),
    ]
    assert shown.rows[1].errors[0]["code"] == "bad_number"
    mapping.collected_column = "Amount"
    wrong = remittances.preview(csv_file(rows), mapping)
    assert wrong.columns == ["AWB", "COD Amount"] and wrong.error["code"] == "missing_column" and wrong.rows == []
    assert not CodRemittanceFile.objects.exists() and not CodRemittanceStaging.objects.exists()


def test_dates_at_their_limits_and_one_day_past(fastship, clerk):
    mapping_for(fastship, date_column="Date", date_format="%d/%m/%Y")
    first, last, before, after = (order_of(fastship) for _ in range(4))
    rows = [
        (first.tracking_number, "105", "01/01/2000"),
        (last.tracking_number, "105", "31/12/8999"),
        (before.tracking_number, "105", "31/12/1999"),
        (after.tracking_number, "105", "01/01/9000"),
    ]
    job = imported(fastship, csv_file(rows, header=("AWB", "COD Amount", "Date")), clerk, apply_valid_rows=True)
    assert codes(job) == [(4, "Date", "bad_date"), (5, "Date", "bad_date")]
    lines = CodRemittance.objects.get(pk=job.params["remittance"]).lines.all()
    assert [line.collected_on for line in lines] == [date(2000, 1, 1), date(8999, 12, 31)]


def test_a_file_with_no_rows_applies_nothing(fastship, clerk):
    mapping_for(fastship)
    job = imported(fastship, csv_file([]), clerk)
    assert job.status == CodJob.Status.FAILED and codes(job) == [(0, "file", "empty_remittance")]
    empty = imported(fastship, SimpleUploadedFile("empty.csv", b""), clerk, reference="R-2")
    assert codes(empty) == [(0, "file", "unreadable_file")]
    assert not CodRemittance.objects.exists()


def test_preview_reads_an_xlsx_report(fastship):
    mapping = mapping_for(fastship, date_column="Delivered")
    rows = [("TRK1", 105.5, datetime(2026, 11, 29)), ("TRK2", "abc", None)]
    shown = remittances.preview(xlsx_file(rows, header=("AWB", "COD Amount", "Delivered")), mapping)
    assert shown.columns == ["AWB", "COD Amount", "Delivered"]
    assert shown.rows[0].line.collected == Decimal("105.50") and shown.rows[0].line.collected_on == date(2026, 11, 29)
    assert [error["code"] for error in shown.rows[1].errors] == ["bad_number"]


def test_an_import_takes_the_same_queries_for_10_and_200_rows(fastship, clerk):
    mapping_for(fastship)
    counts = []
    for size, reference in ((10, "R-10"), (200, "R-200")):
        rows = [(order_of(fastship).tracking_number, "105.00") for _ in range(size)]
        job = remittances.start_import(upload(fastship, csv_file(rows), clerk, reference=reference), user=clerk)
        with CaptureQueriesContext(connection) as queries:
            remittances.run_import(job.pk)
        job.refresh_from_db()
        assert job.counts["matched"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
