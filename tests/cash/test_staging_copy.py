"""On PostgreSQL the staging table is loaded by COPY from rows formatted in Python (COPY's text format): what is
read back is exactly what was staged, whatever a reference holds (tabs, backslashes, line breaks, COPY's own
``\\N``), and every kind of value (None, amounts in any notation, dates, booleans)."""

from datetime import date
from decimal import Decimal

import pytest

from cod_plugin.flows import remittance_staging as staging
from cod_plugin.flows.remittance_lines import STAGED_COLUMNS, StagedLine
from cod_plugin.models import CodRemittanceStaging

pytestmark = [pytest.mark.postgres]

AWKWARD = ["tab\there", "back\\slash", "new\nline", "carriage\rreturn", "\\N", "\\t", "ünïcødé ✓", " spaced ", "x" * 64]


def staged(row: int, reference: str, **changes) -> StagedLine:
    values = dict(
        row=row,
        reference=reference,
        by="tracking",
        collected=Decimal("105.50"),
        cod_charge=Decimal("0.00"),
        shipping=Decimal("1.5"),
        return_shipping=Decimal(0),
        other_deductions=Decimal("0.001"),
        remitted=Decimal("103.999"),
        collected_on=date(2026, 11, 30),
        agreed=None,
        charge_differs=False,
    )
    values.update(changes)
    return StagedLine(**values)


def read_back(token: str) -> list[tuple]:
    rows = CodRemittanceStaging.objects.filter(token=token).order_by("row")
    return [tuple(values) for values in rows.values_list(*STAGED_COLUMNS)]


def test_a_reference_reads_back_as_it_was_staged_whatever_it_holds(postgres):
    lines = [staged(number + 2, reference) for number, reference in enumerate(AWKWARD)]
    assert staging.load(iter(lines), token="t-1", job_pk=None) == len(lines)
    assert [row[1] for row in read_back("t-1")] == AWKWARD


def test_every_kind_of_value_reads_back_as_it_was_staged(postgres):
    lines = [
        staged(2, "A", collected_on=None, agreed=Decimal("2.10"), charge_differs=True, by="order"),
        staged(3, "B", collected=Decimal("1E+2"), remitted=Decimal("98.500"), agreed=Decimal(0)),
        staged(4, "C", collected=Decimal("999999999999.999"), collected_on=date(2000, 1, 1)),
    ]
    staging.load(iter(lines), token="t-2", job_pk=None)
    assert read_back("t-2") == [tuple(line) for line in lines]


def test_rows_are_written_in_blocks_and_all_of_them_arrive(postgres, monkeypatch):
    monkeypatch.setattr(staging, "COPY_BLOCK", 3)
    lines = [staged(number, f"R{number}") for number in range(2, 12)]  # 10 rows: blocks of 3, 3, 3 and 1
    assert staging.load(iter(lines), token="t-3", job_pk=None) == 10
    assert [row[0] for row in read_back("t-3")] == list(range(2, 12))
