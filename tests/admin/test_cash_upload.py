"""Uploading a courier's report in the admin: the upload form and its size cap (exactly at it and one byte past),
the mapping page (made on first use, its columns chosen among the file's headers, the first rows previewed with
each error in its cell, saved and reused), the import started from it, and a refused file's valid rows applied."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cod_plugin.flows import remittance_imports
from cod_plugin.models import CodJob, CodRemittance, CodRemittanceFile, CourierReportMapping
from cod_plugin.rules.reconciliation import LineStatus
from tests.workers import tasks_run_here

from .cash_screens import FINANCE, REMITTANCES, courier, delivered, messages_of, signed_in

pytestmark = pytest.mark.usefixtures("demo")
UPLOAD = f"{REMITTANCES}upload/"
MAPPING = {
    "reference_column": "AWB",
    "reference_kind": "tracking",
    "collected_column": "COD Amount",
    "date_column": "Delivered",
    "date_format": "%d/%m/%Y",
    "decimal_mark": ".",
    "delimiter": ",",
}


@pytest.fixture
def finance():
    return signed_in(FINANCE)


@pytest.fixture
def fastship():
    return courier("fastship")


def report(*rows: str, name: str = "fastship-nov.csv") -> SimpleUploadedFile:
    text = "AWB,COD Amount,Delivered\n" + "".join(f"{row}\n" for row in rows)
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client, carrier, file, **fields):
    data = {"courier": carrier.pk, "report": file, "reference": "FS-NOV", "remitted_on": "2026-11-30"}
    return client.post(UPLOAD, {**data, "currency": "usd", "net": "", **fields})


def mapping_url(upload_pk: int) -> str:
    return f"{UPLOAD}{upload_pk}/"


def uploaded(client, carrier, file) -> CodRemittanceFile:
    response = upload(client, carrier, file)
    made = CodRemittanceFile.objects.get()
    assert response.status_code == 302 and response["Location"] == mapping_url(made.pk)
    return made


def test_finance_uploads_a_report_and_is_taken_to_its_mapping(finance, fastship):
    [order] = delivered(1, fastship)
    made = uploaded(finance, fastship, report(f"{order.tracking_number},103.00,28/11/2026"))
    assert (made.courier, made.reference, made.currency, made.name) == (fastship, "FS-NOV", "USD", "fastship-nov.csv")

    # on first use the courier has no mapping: the page offers the file's headers as the columns to choose
    html = finance.get(mapping_url(made.pk)).content.decode()
    assert 'id="cod-mapping-new"' in html
    choices = re.findall(r'<option value="([^"]*)"', html.split('name="reference_column"')[1].split("</select>")[0])
    assert choices == ["", "AWB", "COD Amount", "Delivered"]
    assert not CourierReportMapping.objects.exists()


def test_the_preview_reads_the_first_rows_with_each_error_in_its_cell(finance, fastship):
    orders = delivered(2, fastship)
    rows = [f"{orders[0].tracking_number},103.00,28/11/2026", f"{orders[1].tracking_number},abc,2026-11-28"]
    made = uploaded(finance, fastship, report(*rows))

    html = finance.post(mapping_url(made.pk), {**MAPPING, "do": "preview"}).content.decode()

    assert 'id="cod-preview-row-2"' in html and 'id="cod-preview-row-3"' in html
    good = html.split('id="cod-preview-row-2"')[1].split("</tr>")[0]
    bad = html.split('id="cod-preview-row-3"')[1].split("</tr>")[0]
    assert orders[0].tracking_number in good and "$103.00" in good and "Nov 28, 2026" in good
    assert "cod-preview-failed" not in html.split('id="cod-preview-row-2"')[0].rsplit("<tr", 1)[1]
    assert re.search(r'class="cod-cell-error"><span class="errorlist">Not an amount: abc</span>', bad)
    assert "Not a date in the format %d/%m/%Y: 2026-11-28" in bad
    assert not CourierReportMapping.objects.exists()  # a preview saves nothing


def test_a_column_the_file_lacks_is_told_for_the_whole_file(finance, fastship):
    made = uploaded(finance, fastship, report("T1,1.00,28/11/2026"))
    CourierReportMapping.objects.create(courier=fastship, reference_column="Waybill", collected_column="COD Amount")
    html = finance.get(mapping_url(made.pk)).content.decode()
    assert "Waybill (not in this file)" in html
    assert re.search(r'id="cod-preview-error">The file has no column Waybill.', html)


def test_the_mapping_is_saved_once_and_reused_for_the_next_file(finance, fastship):
    made = uploaded(finance, fastship, report("T1,1.00,28/11/2026"))
    response = finance.post(mapping_url(made.pk), {**MAPPING, "do": "save"})
    assert messages_of(response) == ["The mapping of Fastship is saved."]
    saved = CourierReportMapping.objects.get(courier=fastship)
    assert (saved.reference_column, saved.collected_column, saved.date_format) == ("AWB", "COD Amount", "%d/%m/%Y")

    # the next report of fastship opens with the mapping chosen
    upload(finance, fastship, report("T2,2.00,29/11/2026"), reference="FS-DEC")
    second = CodRemittanceFile.objects.exclude(pk=made.pk).get()
    html = finance.get(mapping_url(second.pk)).content.decode()
    assert 'id="cod-mapping-new"' not in html
    assert '<option value="AWB" selected>' in html


@pytest.mark.parametrize("date_format", ["%Y", "%d/%m", "no format"])
def test_a_date_format_without_day_month_and_year_is_refused(finance, fastship, date_format):
    made = uploaded(finance, fastship, report("T1,1.00,28/11/2026"))
    response = finance.post(mapping_url(made.pk), {**MAPPING, "date_format": date_format, "do": "save"})
    assert "Give a format with the day, month and year, such as %d/%m/%Y." in response.content.decode()
    assert not CourierReportMapping.objects.exists()


def test_import_saves_the_mapping_runs_the_job_and_its_page_links_to_the_remittance(
    finance, fastship, django_capture_on_commit_callbacks
):
    orders = delivered(2, fastship)
    rows = [f"{orders[0].tracking_number},103.00,28/11/2026", "NO-SUCH,20.00,28/11/2026"]
    made = uploaded(finance, fastship, report(*rows))

    with tasks_run_here(), django_capture_on_commit_callbacks(execute=True):
        response = finance.post(mapping_url(made.pk), {**MAPPING, "do": "import"})

    job = CodJob.objects.get(kind=CodJob.Kind.IMPORT_REMITTANCE)
    assert response["Location"] == f"/admin/cod_plugin/codjob/{job.pk}/"
    assert CourierReportMapping.objects.filter(courier=fastship).exists()
    remittance = CodRemittance.objects.get(file=made)
    assert [line.status for line in remittance.lines.all()] == [LineStatus.MATCHED, LineStatus.UNKNOWN]
    html = finance.get(response["Location"]).content.decode()
    assert f'href="/admin/cod_plugin/codremittance/{remittance.pk}/change/"' in html
    assert "Rows read: 2" in html and "Unknown order: 1" in html

    # and the same file again adds nothing: it is the remittance already made
    again = upload(finance, fastship, report(*rows))
    assert again["Location"] == f"{REMITTANCES}{remittance.pk}/change/"
    assert CodRemittance.objects.count() == 1


def test_a_refused_file_is_applied_without_its_rows_in_error(finance, fastship, django_capture_on_commit_callbacks):
    orders = delivered(3, fastship)
    rows = [f"{orders[0].tracking_number},103.00,28/11/2026", f"{orders[1].tracking_number},abc,28/11/2026"]
    made = uploaded(finance, fastship, report(*rows, f"{orders[2].tracking_number},103.00,28/11/2026"))
    with tasks_run_here(), django_capture_on_commit_callbacks(execute=True):
        response = finance.post(mapping_url(made.pk), {**MAPPING, "do": "import"})
    html = finance.get(response["Location"]).content.decode()
    assert "Rows left out: 3." in html and "Apply the 2 valid rows" in html
    assert not CodRemittance.objects.exists()

    with tasks_run_here(), django_capture_on_commit_callbacks(execute=True):
        applied = finance.post(f"{UPLOAD}{made.pk}/import/", {"apply_valid_rows": "1"})

    remittance = CodRemittance.objects.get(file=made)
    assert [line.row for line in remittance.lines.all()] == [2, 4]
    assert (
        f'href="/admin/cod_plugin/codremittance/{remittance.pk}/change/"'
        in finance.get(applied["Location"]).content.decode()
    )


def sized(size: int) -> SimpleUploadedFile:
    head = "AWB,COD Amount,Delivered\nT1,1.00,28/11/2026\n"
    return SimpleUploadedFile("big.csv", (head + " " * (size - len(head))).encode(), content_type="text/csv")


def test_a_report_is_taken_up_to_the_size_cap_and_refused_one_byte_past(finance, fastship, monkeypatch):
    monkeypatch.setattr(remittance_imports, "MAX_FILE_BYTES", 1000)

    refused = upload(finance, fastship, sized(1001))
    assert refused.status_code == 200
    assert "The file is 1001\xa0bytes; at most 1000\xa0bytes is taken." in refused.content.decode()
    assert not CodRemittanceFile.objects.exists()

    taken = upload(finance, fastship, sized(1000))
    assert taken.status_code == 302
    assert CodRemittanceFile.objects.get().size == 1000


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"currency": "XYZ"}, "XYZ is not a currency code."),
        ({"reference": "R" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"report": SimpleUploadedFile("report.pdf", b"%PDF")}, "Choose a CSV or XLSX file."),
    ],
)
def test_the_upload_form_says_what_is_wrong(finance, fastship, fields, error):
    response = upload(finance, fastship, report("T1,1.00,28/11/2026"), **fields)
    assert response.status_code == 200 and error in response.content.decode()
    assert not CodRemittanceFile.objects.exists()


def test_a_reference_of_exactly_100_characters_is_taken(finance, fastship):
    response = upload(finance, fastship, report("T1,1.00,28/11/2026"), reference="R" * 100)
    assert response.status_code == 302
    assert CodRemittanceFile.objects.get().reference == "R" * 100


def test_a_file_that_is_no_report_is_told_on_the_mapping_page(finance, fastship):
    file = SimpleUploadedFile("report.xlsx", b"PK\x03\x04 not really a workbook")
    response = upload(finance, fastship, file)
    html = finance.get(response["Location"]).content.decode()
    assert re.search(r'id="cod-preview-error">The file cannot be read as a CSV or XLSX report', html)


def test_staff_without_the_finance_role_cannot_upload_map_or_import(finance, fastship):
    made = uploaded(finance, fastship, report("T1,1.00,28/11/2026"))
    support = signed_in("support@example.com")
    assert upload(support, fastship, report("T2,1.00,28/11/2026")).status_code == 403
    assert support.get(mapping_url(made.pk)).status_code == 403
    assert support.post(mapping_url(made.pk), {**MAPPING, "do": "save"}).status_code == 403
    assert support.post(f"{UPLOAD}{made.pk}/import/", {"apply_valid_rows": "1"}).status_code == 403
    assert not CourierReportMapping.objects.exists() and not CodJob.objects.exists()
