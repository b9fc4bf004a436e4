"""What the job page shows of the import of a courier's report: its counts in words (rows read, matched, rejected,
per line status), the rows in error (row, field, code, message), the remittance it made, and for a file refused
for its errors the way to apply its valid rows, saying which rows are left out."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cod_plugin.models import CodJob
from cod_plugin.rules.reconciliation import LineStatus

READ, REJECTED = "read", "rejected"
# In the order the page lists them: what was read, what was left out, then the lines by status.
COUNT_LABELS = {
    READ: _("Rows read"),
    REJECTED: _("Rows rejected (errors below)"),
    **{status.value: status.label for status in LineStatus},
}
ROWS_LISTED = 50


def count_order(key: str) -> tuple[int, str]:
    keys = list(COUNT_LABELS)
    return (keys.index(key) if key in keys else len(keys), key)


@dataclass(frozen=True)
class ImportResult:
    errors: list[dict]
    more_errors: bool
    remittance_url: str | None
    refused: bool
    valid_rows: int
    left_out: str
    apply_url: str | None


def import_result(job: CodJob) -> ImportResult:
    params, counts = job.params or {}, job.counts or {}
    errors = list(params.get("errors", []))
    remittance = params.get("remittance")
    upload = params.get("file")
    refused = bool(params.get("refused")) and job.status == CodJob.Status.DONE
    rows = sorted({error["row"] for error in errors})
    left_out = ", ".join(str(row) for row in rows[:ROWS_LISTED])
    return ImportResult(
        errors=errors,
        more_errors=counts.get(REJECTED, 0) > len(rows),
        remittance_url=reverse("admin:cod_plugin_codremittance_change", args=[remittance]) if remittance else None,
        refused=refused,
        valid_rows=max(counts.get(READ, 0) - counts.get(REJECTED, 0), 0),
        left_out=left_out + (" …" if len(rows) > ROWS_LISTED else ""),
        apply_url=reverse("admin:cod_plugin_codremittance_import", args=[upload]) if refused and upload else None,
    )
