"""Remittances, their lines and exceptions written straight to the tables, as the import would leave them: for the
flows that work on them (money status, resolving, deposits) and the API that shows them."""

from datetime import date
from decimal import Decimal

from cod_plugin.models import CodReconciliationException, CodRemittance, CodRemittanceLine
from cod_plugin.rules import reconciliation as rules


def remittance(courier, *, reference="R-1", currency="USD", lines=(), net=None, **fields) -> CodRemittance:
    """A remittance of ``courier`` with ``lines``: (order or None, collected, status), each line's exception raised
    as the import raises it (one per line whose status is not MATCHED)."""
    total = sum((Decimal(collected) for _, collected, _ in lines), Decimal(0))
    made = CodRemittance.objects.create(
        courier=courier,
        reference=reference,
        remitted_on=fields.pop("remitted_on", date(2026, 11, 30)),
        currency=currency,
        total=total,
        net=total if net is None else Decimal(net),
        source="api",
        fingerprint=reference,
        line_count=len(lines),
        **fields,
    )
    for row, (order, collected, status) in enumerate(lines, start=1):
        add_line(made, row=row, order=order, collected=collected, status=status)
    return made


def add_line(remittance: CodRemittance, *, row: int, order, collected, status: str, reference: str = ""):
    line = CodRemittanceLine.objects.create(
        remittance=remittance,
        row=row,
        reference=reference or (order.order_number if order else f"NO-SUCH-{row}"),
        order=order,
        expected=order.amount_to_collect.amount if order else None,
        collected=Decimal(collected),
        remitted=Decimal(collected),
        status=status,
        counted=status in rules.COUNTED,
    )
    kind = rules.exception_kind(status)
    if kind is not None:
        CodReconciliationException.objects.create(
            courier_id=remittance.courier_id,
            remittance=remittance,
            line=line,
            order=order,
            kind=kind,
            currency=remittance.currency,
            expected=line.expected,
            actual=line.collected,
            difference=line.collected - (line.expected or 0),
        )
        CodRemittance.objects.filter(pk=remittance.pk).update(open_exceptions=remittance.open_exceptions + 1)
        remittance.open_exceptions += 1
    return line
