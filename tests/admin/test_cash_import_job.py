"""The job page of a report's import: counts in words, the rows in error, the remittance it made, and for a file
refused for its errors the button that applies its valid rows, saying which rows are left out."""

import re

import pytest
from django.contrib.auth import get_user_model

from cod_plugin.models import CodJob
from tests.cash.remittance_rows import remittance

from .cash_screens import FINANCE, courier, delivered, lines_of, signed_in

pytestmark = pytest.mark.usefixtures("demo")
ERRORS = [
    {"row": 3, "field": "Amount", "code": "bad_number", "message": "Not an amount: abc"},
    {"row": 5, "field": "Date", "code": "bad_date", "message": "Not a date in the format %Y-%m-%d: 31/12"},
]


def import_job(*, status=CodJob.Status.DONE, counts=None, **params) -> CodJob:
    return CodJob.objects.create(
        kind=CodJob.Kind.IMPORT_REMITTANCE,
        created_by=get_user_model().objects.get(email=FINANCE),
        status=status,
        total=10,
        done=10,
        counts=counts or {"read": 10, "rejected": 2, "matched": 7, "short": 1},
        params=params,
    )


def page(job: CodJob) -> str:
    return signed_in(FINANCE).get(f"/admin/cod_plugin/codjob/{job.pk}/").content.decode()


def test_a_refused_file_lists_its_errors_and_offers_to_apply_the_valid_rows():
    job = import_job(errors=ERRORS, refused=True, file=41)

    html = page(job)

    counts = re.findall(r"<li>([^<]+)</li>", html.split('id="cod-job-counts"')[1].split("</ul>")[0])
    assert counts == [
        "Rows read: 10",
        "Rows rejected (errors below): 2",
        "Matched: 7",
        "Short: less than the amount to collect: 1",
    ]
    assert "10 of 10 rows" in html
    assert "The file has rows in error: nothing of it was applied." in html
    assert "Rows left out: 3, 5." in html
    assert 'action="/admin/cod_plugin/codremittance/upload/41/import/"' in html
    assert "Apply the 8 valid rows" in html
    table = html.split('id="cod-job-errors"')[1]
    assert "<td>3</td><td>Amount</td><td><code>bad_number</code></td><td>Not an amount: abc</td>" in table
    assert 'id="cod-job-remittance"' not in html


def test_an_imported_file_links_to_its_remittance():
    made = remittance(courier(), reference="R-1", lines=lines_of(delivered(1, courier("other"))))
    job = import_job(remittance=made.pk, counts={"read": 1, "rejected": 0, "matched": 1})

    html = page(job)

    assert f'href="/admin/cod_plugin/codremittance/{made.pk}/change/"' in html
    assert "Apply the" not in html and 'id="cod-job-errors"' not in html


def test_the_progress_endpoint_labels_the_counts_while_it_runs():
    job = import_job(status=CodJob.Status.RUNNING, counts={"read": 4000, "rejected": 0})
    data = signed_in(FINANCE).get(f"/admin/cod_plugin/codjob/{job.pk}/progress/").json()
    assert data["done_text"] == "10 of 10 rows"
    assert data["counts"] == [
        {"label": "Rows read", "value": 4000},
        {"label": "Rows rejected (errors below)", "value": 0},
    ]
