"""The set-based half of recording a remittance: checked lines are loaded into the staging table (COPY on
PostgreSQL, one INSERT over many rows elsewhere), matched to orders with joins, turned into the remittance's lines and
exceptions with ``INSERT ... SELECT``, and deleted. A fixed number of statements whatever the number of lines.

The status of a line is one SQL ``CASE`` built from ``rules.reconciliation.DECISIONS``, in its order, each fact
stated as the predicate ``rules.reconciliation.facts`` checks in Python: both give a line the same status."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder, CodReconciliationException, CodRemittance, CodRemittanceLine, CodRemittanceStaging
from ..rules import reconciliation as rules
from ..rules.reconciliation import Fact, LineStatus
from .remittance_lines import STAGED_COLUMNS, StagedLine

STAGING = CodRemittanceStaging._meta.db_table
ORDERS = CodOrder._meta.db_table
LINES = CodRemittanceLine._meta.db_table
EXCEPTIONS = CodReconciliationException._meta.db_table
REMITTANCES = CodRemittance._meta.db_table
BULK_BATCH = 2000
# The staging columns' types, in the order of ("token", "job_id", *STAGED_COLUMNS).
COPY_TYPES = ["varchar", "int8", "int4", "varchar", "varchar", *["numeric"] * 6, "date", "numeric", "bool"]


def literals(values: Iterable[str]) -> str:
    """Trusted constants (statuses) as SQL literals; anything but letters and underscores is refused."""
    values = list(values)
    assert all(value.replace("_", "").isalpha() for value in values), values
    return ", ".join(f"'{value}'" for value in values)


def fact_sql(courier_pk: int) -> dict[Fact, str]:
    """Each fact of ``rules.reconciliation.facts`` as a predicate over the staging row ``s`` and its order ``o``."""
    courier_pk = int(courier_pk)
    collected_or_ended = literals([*rules.COLLECTED_STATUSES, *rules.ENDED_STATUSES])
    return {
        Fact.NO_ORDER: "o.id IS NULL",
        Fact.OTHER_COURIER: f"(o.courier_id IS NULL OR o.courier_id <> {courier_pk})",
        Fact.ORDER_CANCELLED: f"o.status IN ({literals(rules.ENDED_STATUSES)})",
        Fact.ORDER_NOT_DELIVERED: f"o.status NOT IN ({collected_or_ended})",
        Fact.ALREADY_REMITTED: f"EXISTS (SELECT 1 FROM {LINES} c WHERE c.order_id = o.id AND c.counted)",
        Fact.BELOW_EXPECTED: "s.collected < o.amount_to_collect",
        Fact.ABOVE_EXPECTED: "s.collected > o.amount_to_collect",
    }


def status_case(courier_pk: int) -> str:
    """The first decision whose fact holds, in the order of ``DECISIONS``; MATCHED when none does."""
    predicates = fact_sql(courier_pk)
    whens = " ".join(f"WHEN {predicates[fact]} THEN '{status.value}'" for fact, status in rules.DECISIONS)
    return f"CASE {whens} ELSE '{LineStatus.MATCHED.value}' END"


# --- loading -------------------------------------------------------------------------------------------------


def load(lines: Iterable[StagedLine], *, token: str, job_pk: int | None = None) -> int:
    """Write the lines into the staging table under ``token``; returns how many. PostgreSQL: one COPY; other
    databases: one INSERT run over each batch of rows (``executemany``)."""
    if connection.vendor == "postgresql":
        return _copy(lines, token=token, job_pk=job_pk)
    names = ("token", "job_id", *STAGED_COLUMNS)
    sql = f"INSERT INTO {STAGING} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    count, batch = 0, []
    with connection.cursor() as cursor:
        for line in lines:
            batch.append((token, job_pk, *line.values()))
            if len(batch) >= BULK_BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
    return count + len(batch)


def _copy(lines: Iterable[StagedLine], *, token: str, job_pk: int | None) -> int:
    columns = ", ".join(f'"{name}"' for name in ("token", "job_id", *STAGED_COLUMNS))
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
        copy.set_types(COPY_TYPES)  # told once, not looked up for every value
        for line in lines:
            copy.write_row((token, job_pk, *line.values()))
            count += 1
    return count


def analyze() -> None:
    """PostgreSQL: fresh statistics of the staging table after a big load, so that matching plans hash joins."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {STAGING}")


def clear(*, token: str | None = None, job_pk: int | None = None) -> None:
    rows = CodRemittanceStaging.objects
    rows = rows.filter(token=token) if token is not None else rows.filter(job_id=job_pk)
    rows._raw_delete(rows.db)


# --- matching ------------------------------------------------------------------------------------------------


def match(*, token: str, courier_pk: int) -> None:
    """Each staged row's order, by its order or tracking number: the courier's own order first, else any other
    order so named (another courier's). Two UPDATEs per kind of reference, each one join."""
    courier_pk = int(courier_pk)
    for by, column in (("tracking", "tracking_number"), ("order", "order_number")):
        for whose in (f"o.courier_id = {courier_pk}", f"(o.courier_id IS NULL OR o.courier_id <> {courier_pk})"):
            sql = (
                f"UPDATE {STAGING} AS s SET order_id = o.id FROM {ORDERS} AS o "
                f"WHERE s.token = %s AND s.by = %s AND s.order_id IS NULL AND o.{column} = s.reference AND {whose}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [token, by])


@dataclass(frozen=True)
class Problem:
    """A staged row that cannot become a line: its row, what it names and why."""

    staging_pk: int
    row: int
    reference: str
    code: CodErrorCode


def problems_sql(*, strict: bool, courier_pk: int) -> str:
    """The rows that cannot be recorded, with the code saying why (params: token, currency, token, token)."""
    courier_pk = int(courier_pk)
    currency = (
        f"SELECT s.id, s.row, s.reference, '{CodErrorCode.CURRENCY_MISMATCH.value}' AS code FROM {STAGING} s "
        f"JOIN {ORDERS} o ON o.id = s.order_id WHERE s.token = %s AND o.amount_to_collect_currency <> %s"
    )
    # A row naming an order an earlier row named (or, matching no order, the same reference as an earlier row).
    twice = (
        f"SELECT id, row, reference, '{CodErrorCode.DUPLICATE_LINE.value}' AS code FROM ("
        f"SELECT s.id, s.row, s.reference, ROW_NUMBER() OVER ("
        f"PARTITION BY COALESCE(CAST(s.order_id AS VARCHAR(30)), 'ref:' || s.by || ':' || s.reference) "
        f"ORDER BY s.row) AS nth FROM {STAGING} s WHERE s.token = %s) AS numbered WHERE nth > 1"
    )
    parts = [currency, twice]
    if strict:
        parts.append(
            f"SELECT s.id, s.row, s.reference, CASE WHEN o.id IS NULL THEN '{CodErrorCode.UNKNOWN_ORDER.value}' "
            f"ELSE '{CodErrorCode.OTHER_COURIER_ORDER.value}' END AS code FROM {STAGING} s "
            f"LEFT JOIN {ORDERS} o ON o.id = s.order_id WHERE s.token = %s "
            f"AND (o.id IS NULL OR o.courier_id IS NULL OR o.courier_id <> {courier_pk})"
        )
    return " UNION ALL ".join(parts)


def problems(
    *, token: str, currency: str, strict: bool, courier_pk: int, limit: int | None = None
) -> Iterator[Problem]:
    """The rows that cannot be recorded, by row (at most ``limit``); one row once, with its first reason."""
    params = [token, currency, token] + ([token] if strict else [])
    inner = problems_sql(strict=strict, courier_pk=courier_pk)
    sql = f"SELECT id, row, reference, code FROM ({inner}) AS p ORDER BY row, code"
    if limit is not None:
        sql += f" LIMIT {int(limit) * 3}"
    last, found = None, 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            for pk, row, reference, code in batch:
                if pk == last:  # ordered by row: a row's other reasons come right after its first
                    continue
                last, found = pk, found + 1
                yield Problem(pk, row, reference, CodErrorCode(code))
                if limit is not None and found >= limit:
                    return


def drop_problems(*, token: str, currency: str, strict: bool, courier_pk: int) -> None:
    """Leave the rows that cannot be recorded out (the merchant chose to apply the valid rows)."""
    params = [token, currency, token] + ([token] if strict else [])
    inner = problems_sql(strict=strict, courier_pk=courier_pk)
    sql = f"DELETE FROM {STAGING} WHERE id IN (SELECT id FROM ({inner}) AS p)"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def problem_message(problem: Problem) -> str:
    messages = {
        CodErrorCode.CURRENCY_MISMATCH: _("The order %(reference)s is in another currency than the remittance."),
        CodErrorCode.DUPLICATE_LINE: _("The order %(reference)s is named by an earlier line."),
        CodErrorCode.UNKNOWN_ORDER: _("No order of yours is numbered %(reference)s."),
        CodErrorCode.OTHER_COURIER_ORDER: _("The order %(reference)s is another courier's."),
    }
    return messages[problem.code] % {"reference": problem.reference}


def refuse(problem: Problem, *, field: str) -> CodError:
    return CodError(problem.code, problem_message(problem), field=field)


# --- applying ------------------------------------------------------------------------------------------------

LINE_COLUMNS = (
    "row",
    "reference",
    "order_id",
    "expected",
    "collected",
    "cod_charge",
    "shipping",
    "return_shipping",
    "other_deductions",
    "remitted",
    "collected_on",
    "status",
    "counted",
)


def insert_lines(remittance: CodRemittance, *, token: str) -> None:
    """The staged rows as the remittance's lines, each with its status and whether it counts."""
    columns = ", ".join(LINE_COLUMNS)
    decided = (
        f"SELECT s.row, s.reference, s.order_id, o.amount_to_collect AS expected, s.collected, s.cod_charge, "
        f"s.shipping, s.return_shipping, s.other_deductions, s.remitted, s.collected_on, "
        f"{status_case(remittance.courier_id)} AS status "
        f"FROM {STAGING} s LEFT JOIN {ORDERS} o ON o.id = s.order_id WHERE s.token = %s"
    )
    # the status decided once per row (its CASE probes the lines for an earlier counted one), then read twice
    sql = (
        f"INSERT INTO {LINES} (remittance_id, {columns}) "
        f"SELECT %s, {columns.replace('counted', f'status IN ({literals(rules.COUNTED)})')} FROM ({decided}) AS d"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [remittance.pk, token])


EXCEPTION_COLUMNS = (
    "courier_id, remittance_id, line_id, order_id, kind, currency, expected, actual, difference, status, outcome, "
    "note, resolved_by, created_at"
)


def insert_exceptions(remittance: CodRemittance, *, token: str) -> None:
    """One exception per line that is not MATCHED (its kind is its status), and one DEDUCTIONS per counted line
    whose deductions differ from the courier's agreed charge."""
    common = "%s, l.remittance_id, l.id, l.order_id"
    tail = f"'{CodReconciliationException.Status.OPEN.value}', '', '', '', %s"
    deducted = "(l.cod_charge + l.shipping + l.return_shipping + l.other_deductions)"
    sql = (
        f"INSERT INTO {EXCEPTIONS} ({EXCEPTION_COLUMNS}) "
        f"SELECT {common}, l.status, %s, l.expected, l.collected, l.collected - COALESCE(l.expected, 0), {tail} "
        f"FROM {LINES} l WHERE l.remittance_id = %s AND l.status <> '{LineStatus.MATCHED.value}' "
        f"UNION ALL "
        f"SELECT {common}, '{rules.ExceptionKind.DEDUCTIONS.value}', %s, s.agreed, {deducted}, {deducted} - s.agreed, "
        f"{tail} FROM {LINES} l JOIN {STAGING} s ON s.token = %s AND s.row = l.row "
        f"WHERE l.remittance_id = %s AND l.counted AND s.charge_differs"
    )
    now = timezone.now()
    params = [remittance.courier_id, remittance.currency, now, remittance.pk]
    params += [remittance.courier_id, remittance.currency, now, token, remittance.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_up(remittance: CodRemittance) -> None:
    """The remittance's sums, line count and open exceptions, from its lines, in one UPDATE."""
    sums = ", ".join(
        f"{name} = (SELECT COALESCE(SUM({column}), 0) FROM {LINES} WHERE remittance_id = %s)"
        for name, column in (("total", "collected"), *((kind, kind) for kind in rules.DEDUCTION_KINDS))
    )
    deductions = " + ".join(f"COALESCE(SUM({kind}), 0)" for kind in rules.DEDUCTION_KINDS)
    sql = (
        f"UPDATE {REMITTANCES} SET {sums}, "
        f"net = (SELECT COALESCE(SUM(collected), 0) - ({deductions}) FROM {LINES} WHERE remittance_id = %s), "
        f"line_count = (SELECT COUNT(*) FROM {LINES} WHERE remittance_id = %s), "
        f"open_exceptions = (SELECT COUNT(*) FROM {EXCEPTIONS} WHERE remittance_id = %s AND status = %s) "
        f"WHERE id = %s"
    )
    pk = remittance.pk
    params = [pk] * (1 + len(rules.DEDUCTION_KINDS)) + [pk, pk, pk, CodReconciliationException.Status.OPEN, pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    remittance.refresh_from_db()


def apply(remittance: CodRemittance, *, token: str) -> CodRemittance:
    """Turn the staged rows of ``token`` into the (just created) remittance's lines and exceptions; the caller
    holds the courier's row lock and the transaction."""
    insert_lines(remittance, token=token)
    insert_exceptions(remittance, token=token)
    clear(token=token)
    add_up(remittance)
    return remittance


def status_counts(remittance: CodRemittance) -> dict[str, int]:
    return dict(remittance.lines.order_by().values_list("status").annotate(n=Count("pk")))
