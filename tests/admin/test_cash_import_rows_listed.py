"""The job page of a refused import names the rows left out: the first 50, and an ellipsis past them."""

from admin_ui.cash_jobs import ROWS_LISTED, import_result
from cod_plugin.models import CodJob


def result_of(rows: int):
    errors = [
        {"row": row, "field": "collected", "code": "bad_number", "message": "Not an amount."}
        for row in range(2, rows + 2)
    ]  # noqa: E501
    job = CodJob(status=CodJob.Status.DONE, params={"errors": errors}, counts={"read": rows + 5, "rejected": rows})
    return import_result(job)


def test_exactly_fifty_rows_left_out_are_all_named():
    result = result_of(ROWS_LISTED)
    assert result.left_out == ", ".join(str(row) for row in range(2, ROWS_LISTED + 2))
    assert result.valid_rows == 5


def test_one_row_more_names_the_first_fifty_and_an_ellipsis():
    result = result_of(ROWS_LISTED + 1)
    assert result.left_out == ", ".join(str(row) for row in range(2, ROWS_LISTED + 2)) + " …"
