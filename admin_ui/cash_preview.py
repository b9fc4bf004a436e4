"""A report's first rows as the import reads them through a mapping, laid out for the mapping page: one column per
mapped field (named by the file's own header), each cell its value or its error, each row its other errors, and
the error that stops the whole file (an unreadable file, a mapped column the file lacks)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.flows import remittances
from cod_plugin.models import CodRemittanceFile, CourierReportMapping

PREVIEW_ROWS = 10
# The mapping's column fields, the line's field each fills, and how the page names it.
FIELDS = (
    ("reference_column", "reference", _("Order or tracking number")),
    ("collected_column", "collected", _("Collected")),
    ("cod_charge_column", "cod_charge", _("COD charge")),
    ("shipping_column", "shipping", _("Shipping")),
    ("return_shipping_column", "return_shipping", _("Return shipping")),
    ("other_column", "other_deductions", _("Other deductions")),
    ("remitted_column", "remitted", _("Remitted")),
    ("date_column", "collected_on", _("Collected on")),
)


@dataclass(frozen=True)
class Cell:
    value: str
    error: str = ""


@dataclass(frozen=True)
class PreviewRow:
    row: int
    cells: list[Cell]
    errors: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(cell.error for cell in self.cells)


@dataclass(frozen=True)
class PreviewTable:
    header: list[str]
    columns: list[str]
    rows: list[PreviewRow]
    error: str = ""
    chosen: bool = True  # the mapping names its required columns: the rows can be read


def preview_table(upload: CodRemittanceFile, mapping: CourierReportMapping) -> PreviewTable:
    with upload.file.open("rb") as file:
        read = remittances.preview(file, mapping, PREVIEW_ROWS, currency=upload.currency)
    chosen = bool(mapping.reference_column and mapping.collected_column)
    mapped = [
        (line_field, label, getattr(mapping, name)) for name, line_field, label in FIELDS if getattr(mapping, name)
    ]
    return PreviewTable(
        header=list(read.columns),
        columns=[f"{label} · {column}" for _line_field, label, column in mapped],
        rows=[_row(parsed, mapped, upload.currency) for parsed in read.rows],
        # before the columns are chosen only an unreadable file is worth telling
        error=read.error["message"] if read.error and (chosen or not read.columns) else "",
        chosen=chosen,
    )


def _row(parsed, mapped, currency: str) -> PreviewRow:
    errors = {error["field"]: error for error in parsed.errors}
    cells, shown = [], set()
    for line_field, _label, column in mapped:
        error = errors.get(column) or errors.get(line_field)
        if error:
            shown.add(error["field"])
        value = getattr(parsed.line, line_field, None) if parsed.line else None
        cells.append(Cell(_shown(value, currency), error["message"] if error else ""))
    others = [f"{error['message']} ({error['code']})" for name, error in errors.items() if name not in shown]
    return PreviewRow(parsed.row, cells, others)


def _shown(value, currency: str) -> str:
    if isinstance(value, Decimal):
        return formatting.money(value, currency)
    if isinstance(value, date):
        return formatting.date(value)
    return "" if value is None else str(value)
