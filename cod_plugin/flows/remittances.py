"""Recording a courier's remittance, once per (courier, reference), all or nothing: from the courier's API
(``create``) or from its report uploaded by finance (``upload``, ``start_import``, ``run_import``).

Every line is checked in Python at the edge (``remittance_lines``); the lines then go through the staging table and
are matched to orders in SQL (``remittance_staging``), in one transaction under the courier's row lock, so that
two remittances of one courier are recorded one after the other and an order counts once. The same reference again
with the same content (its SHA-256 fingerprint) returns the remittance recorded first; with other content it is
refused (DUPLICATE_REFERENCE)."""

import uuid
from collections.abc import Iterable

from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodRemittance, Courier
from . import remittance_staging as staging
from .remittance_imports import run_import, start_import, upload
from .remittance_lines import Fingerprint, Header, Line, Totals, check_header, check_line, schedule_of
from .remittance_record import record
from .report_files import preview

__all__ = ["Header", "Line", "create", "preview", "record", "run_import", "start_import", "upload"]

MAX_LINES = 200_000  # lines of one remittance, from the API or a file


def create(
    courier: Courier, header: Header, lines: Iterable[Line], *, actor: str, strict: bool, source: str = "api"
) -> tuple[CodRemittance, bool]:
    """Record a remittance (see the module's docstring); (remittance, created). ``strict`` (a courier's own
    account): a line naming no order of the courier refuses the whole remittance (UNKNOWN_ORDER,
    OTHER_COURIER_ORDER); otherwise such lines are recorded with their status and an exception."""
    header = check_header(header)
    staged, totals, fingerprint = checked_lines(lines, header=header, schedule=schedule_of(courier))
    totals.check(header)
    index_of_row = {line.row: index for index, line in enumerate(staged)}

    def field_of(row: int) -> str:
        return f"lines.{index_of_row[row]}"

    token = str(uuid.uuid4())
    with staging.import_settings():
        return record(
            courier,
            header,
            fingerprint=fingerprint.hexdigest(),
            load=lambda: staging.load(staged, token=token),
            token=token,
            strict=strict,
            source=source,
            actor=actor,
            field_of=field_of,
        )


def checked_lines(lines: Iterable[Line], *, header: Header, schedule) -> tuple[list, Totals, Fingerprint]:
    staged, rows = [], set()
    totals, fingerprint = Totals(), Fingerprint(header)
    for index, line in enumerate(lines):
        field = f"lines.{index}"
        if index >= MAX_LINES:
            message = _("A remittance has at most %(count)d lines.") % {"count": MAX_LINES}
            raise CodError(CodErrorCode.INVALID, message, field="lines")
        if not isinstance(line.row, int) or line.row < 1 or line.row in rows:
            raise CodError(CodErrorCode.INVALID, _("Each line needs its own line number."), field=f"{field}.row")
        rows.add(line.row)
        line = check_line(line, currency=header.currency, schedule=schedule, field=field)
        staged.append(line)
        totals.add(line)
        fingerprint.add(line)
    if not staged:
        raise CodError(CodErrorCode.EMPTY_REMITTANCE, _("A remittance needs at least one line."), field="lines")
    return staged, totals, fingerprint
