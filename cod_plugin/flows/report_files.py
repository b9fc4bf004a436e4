"""Reading a courier's remittance report, CSV or XLSX, row by row through the courier's column mapping: the
stored file is streamed (the csv module over a text wrapper; openpyxl's read-only mode), so memory does not grow
with the file. Each data row becomes a ``Line`` or its errors, each with the row number a spreadsheet shows (the
header is row 1). ``preview`` reads the first rows for the admin and saves nothing."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CourierReportMapping
from ..money import minor_units, quantum
from ..rules import bounds
from ..rules import reconciliation as rules
from .remittance_lines import LINE_REFERENCE_LENGTH, Line

# The mapping's column fields, with the line's field each fills; the first two are required.
COLUMNS = (
    ("reference_column", "reference"),
    ("collected_column", "collected"),
    ("remitted_column", "remitted"),
    ("cod_charge_column", "cod_charge"),
    ("shipping_column", "shipping"),
    ("return_shipping_column", "return_shipping"),
    ("other_column", "other_deductions"),
    ("date_column", "collected_on"),
)
REQUIRED = {"reference_column", "collected_column"}
ZIP_MAGIC = b"PK\x03\x04"
DATES_KEPT = 1000
# Amounts in the plainest notation, by decimal mark: up to the 12 digits before the mark that an amount column holds.
PLAIN_AMOUNT = {".": re.compile(r" *\d{1,12}(?:\.(\d*))? *"), ",": re.compile(r" *\d{1,12}(?:,(\d*))? *")}
FIELD_LIMIT = 10_000  # characters in one CSV cell: more is no report this reads


@dataclass
class ParsedRow:
    row: int
    line: Line | None
    errors: list[dict] = field(default_factory=list)


def row_error(row: int, error: CodError) -> dict:
    return {"row": row, "field": error.field or "", "code": str(error.code), "message": error.message}


def unreadable(row: int = 0, error: Exception | None = None) -> CodError:
    if isinstance(error, UnicodeDecodeError):
        message = _("The file is not a CSV report in UTF-8, nor an XLSX workbook.")
    elif row:
        message = _("The file cannot be read as a CSV report from row %(row)d on.") % {"row": row}
    else:
        message = _("The file cannot be read as a CSV or XLSX report.")
    return CodError(CodErrorCode.UNREADABLE_FILE, message, field="file")


class Report:
    """An open report: ``columns`` is its header row; ``rows()`` parses the data rows one by one."""

    def __init__(self, cells: Iterator[list], mapping, *, currency: str, estimate: int, mapped: bool = True):
        self.cells, self.mapping, self.currency, self.estimate = cells, mapping, currency, estimate
        try:
            header = next(self.cells, None)
        except (UnicodeDecodeError, csv.Error, ValueError) as error:
            raise unreadable(1, error) from None
        if header is None:
            raise unreadable(1)
        self.columns = [text_of(cell) for cell in header]
        self.positions = self._positions() if mapped else {}
        self.dates: dict[str, object] = {}
        self.places, self.quantum = minor_units(currency), quantum(currency)
        self.plain = PLAIN_AMOUNT[getattr(mapping, "decimal_mark", ".") or "."]

    def _positions(self) -> dict[str, tuple[int, str]]:
        """Where each mapped column is: line field → (index, header). MISSING_COLUMN for one not in the header."""
        found = {name.casefold(): index for index, name in reversed(list(enumerate(self.columns))) if name}
        positions = {}
        for mapping_field, line_field in COLUMNS:
            wanted = (getattr(self.mapping, mapping_field) or "").strip()
            if not wanted and mapping_field not in REQUIRED:
                continue
            if wanted.casefold() not in found:
                message = _("The file has no column %(column)s.") % {"column": wanted or "?"}
                raise CodError(CodErrorCode.MISSING_COLUMN, message, field=mapping_field)
            positions[line_field] = (found[wanted.casefold()], wanted)
        return positions

    def rows(self) -> Iterator[ParsedRow]:
        number = 1
        while True:
            try:
                cells = next(self.cells, None)
            except (UnicodeDecodeError, csv.Error, ValueError) as error:
                raise unreadable(number + 1, error) from None
            if cells is None:
                return
            number += 1
            if any(text_of(cell) for cell in cells):
                yield self.parse(number, cells)

    def parse(self, number: int, cells: list) -> ParsedRow:
        values, errors = {}, []
        for line_field, (index, header) in self.positions.items():
            cell = cells[index] if index < len(cells) else None
            try:
                values[line_field] = self.read(line_field, cell, header)
            except CodError as error:
                errors.append(row_error(number, error))
        if errors:
            return ParsedRow(number, None, errors)
        line = Line(row=number, by=self.mapping.reference_kind, **values)
        return ParsedRow(number, line)

    def read(self, line_field: str, cell, header: str):
        if line_field == "reference":
            return bounds.text(text_of(cell), field=header, max_length=LINE_REFERENCE_LENGTH, required=True)
        if line_field == "collected_on":
            empty = cell is None or (isinstance(cell, str) and not cell.strip())
            return None if empty else self.date(cell, header)
        required = line_field == "collected"
        empty = cell is None or (isinstance(cell, str) and not cell.strip())
        if line_field == "remitted" and empty:
            return None
        if isinstance(cell, str):
            plain = self.plain_amount(cell)
            if plain is not None:
                return plain
        return rules.parse_amount(
            cell, field=header, currency=self.currency, decimal_mark=self.mapping.decimal_mark, required=required
        )

    def plain_amount(self, text: str) -> Decimal | None:
        """The amount of a text in the plainest notation (digits, at most the currency's decimals, no sign, no
        grouping), which is what ``rules.parse_amount`` gives for it, without its steps; None for any other text,
        which the rules read. A report has hundreds of thousands of amounts, nearly all written so."""
        match = self.plain.fullmatch(text)
        if match is None or len(match.group(1) or "") > self.places:
            return None
        return Decimal(text.replace(",", ".")).quantize(self.quantum)

    def date(self, cell, header: str):
        """A date cell; a report repeats a few days thousands of times, so each text is parsed once (a bounded
        cache: memory does not grow with the file)."""
        if not isinstance(cell, str):
            return rules.parse_date(cell, field=header, date_format=self.mapping.date_format)
        parsed = self.dates.get(cell)
        if parsed is None:
            parsed = rules.parse_date(cell, field=header, date_format=self.mapping.date_format)
            if len(self.dates) >= DATES_KEPT:
                self.dates.clear()
            self.dates[cell] = parsed
        return parsed

    def field_header(self, line_field: str) -> str:
        """The column a line's field came from, as the file names it (errors found after parsing name it)."""
        return self.positions.get(line_field, (0, line_field))[1]


def text_of(cell) -> str:
    """A cell as text: a spreadsheet's whole number (a tracking number typed as a number) without ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@contextmanager
def open_report(file, mapping: CourierReportMapping, *, currency: str, mapped: bool = True) -> Iterator[Report]:
    """The report in ``file`` (binary, seekable: an upload or a stored file), CSV or XLSX by its content.
    UNREADABLE_FILE when it is neither; MISSING_COLUMN when the mapping names a column it lacks."""
    file.seek(0)
    is_xlsx = file.read(4) == ZIP_MAGIC
    file.seek(0)
    opener = _xlsx if is_xlsx else _csv
    with opener(file, mapping) as (cells, estimate):
        yield Report(cells, mapping, currency=currency, estimate=estimate, mapped=mapped)


@contextmanager
def _csv(file, mapping: CourierReportMapping):
    estimate = count_lines(file) - 1
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield csv.reader(text, delimiter=mapping.delimiter or ","), estimate
    finally:
        csv.field_size_limit(previous)
        text.detach()  # the caller's file stays open: it is the caller's to close


def count_lines(file) -> int:
    """The lines of a CSV file, for the progress bar (read in blocks; the file is read again after)."""
    lines, last = 0, b"\n"
    while block := file.read(1 << 16):
        lines += block.count(b"\n")
        last = block[-1:]
    file.seek(0)
    return lines + (last != b"\n")


@contextmanager
def _xlsx(file, mapping: CourierReportMapping):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError):
        raise unreadable(0) from None
    except Exception as error:  # openpyxl's own InvalidFileException and parser errors of a damaged file
        if type(error).__module__.startswith(("openpyxl", "xml")):
            raise unreadable(0) from None
        raise
    try:
        estimate = max((sheet.max_row or 1) - 1, 0)
        yield (list(row) for row in sheet.iter_rows(values_only=True)), estimate
    finally:
        workbook.close()


@dataclass(frozen=True)
class Preview:
    """The first rows of a report as the mapping reads them: its header, each row's line or errors, and the
    error that stops the whole file (an unreadable file, a mapped column it lacks), if any."""

    columns: list[str]
    rows: list[ParsedRow]
    error: dict | None = None


def preview(file, mapping: CourierReportMapping, rows: int = 10, *, currency: str | None = None) -> Preview:
    """Read the first ``rows`` data rows of ``file`` through ``mapping`` (amounts checked in ``currency``, by
    default the courier's agreed charges currency, else USD); nothing is saved."""
    currency = currency or getattr(mapping.courier, "charges_currency", "") or "USD"
    columns: list[str] = []
    try:
        with open_report(file, mapping, currency=currency) as report:
            columns = report.columns
            parsed = []
            for row in report.rows():
                parsed.append(row)
                if len(parsed) >= rows:
                    break
            return Preview(columns, parsed)
    except CodError as error:
        return Preview(columns or header_only(file, mapping), [], row_error(1, error))


def header_only(file, mapping: CourierReportMapping) -> list[str]:
    """The header row of a file whose mapping does not fit it, to show what columns it has."""
    try:
        with open_report(file, mapping, currency="USD", mapped=False) as report:
            return report.columns
    except CodError:
        return []
