"""Shaping the cash models into the cash API's types."""

from ...flows.cash import MoneyStatus
from ...flows.cash_in_hand import CashHeld
from ...models import CodReconciliationException as ExceptionModel
from ...models import CodRemittance as RemittanceModel
from ...models import CodRemittanceLine as LineModel
from ...rules.reconciliation import BUCKETS
from ..types import CodOrder as OrderType
from ..types import Money
from . import enums, types


def deductions(item, currency: str) -> types.CodDeductions:
    """``item`` is a remittance or a line: both have the four kinds and their sum."""
    return types.CodDeductions(
        cod_charge=Money.of(item.cod_charge, currency),
        shipping=Money.of(item.shipping, currency),
        return_shipping=Money.of(item.return_shipping, currency),
        other=Money.of(item.other_deductions, currency),
        total=Money.of(item.deductions, currency),
    )


def courier(item) -> types.CodCashCourier:
    return types.CodCashCourier(code=item.code, name=item.name)


def remittance(item: RemittanceModel) -> types.CodRemittance:
    """``item`` comes with its courier."""
    currency = item.currency
    deposit = item.deposited_on and types.CodDeposit(
        amount=Money.of(item.deposited_amount, currency),
        deposited_on=item.deposited_on,
        bank_reference=item.bank_reference,
    )
    return types.CodRemittance(
        id=types.CodRemittance.global_id(item.pk),
        courier=courier(item.courier),
        reference=item.reference,
        remitted_on=item.remitted_on,
        currency=currency,
        status=enums.CodRemittanceStatus(item.status),
        source=enums.CodRemittanceSource(item.source),
        total=Money.of(item.total, currency),
        deductions=deductions(item, currency),
        net=Money.of(item.net, currency),
        line_count=item.line_count,
        open_exceptions=item.open_exceptions,
        deposit=deposit,
        created_at=item.created_at,
    )


def cash_order(order) -> types.CodCashOrder | None:
    return order and types.CodCashOrder(id=OrderType.global_id(order.pk), number=order.order_number)


def line(item: LineModel, currency: str, *, courier_pk: int | None) -> types.CodRemittanceLine:
    """``item`` comes with its order; a courier (``courier_pk``) sees only its own orders named."""
    order = item.order if item.order_id and courier_pk in (None, item.order.courier_id) else None
    return types.CodRemittanceLine(
        row=item.row,
        reference=item.reference,
        order=cash_order(order),
        status=enums.CodRemittanceLineStatus(item.status),
        counted=item.counted,
        expected=Money.of(item.expected, currency),
        collected=Money.of(item.collected, currency),
        deductions=deductions(item, currency),
        remitted=Money.of(item.remitted, currency),
        collected_on=item.collected_on,
    )


def exception(item: ExceptionModel, *, courier_pk: int | None = None) -> types.CodReconciliationException:
    """``item`` comes with its remittance, line and order. A courier (``courier_pk``) reads how its exception was
    resolved and when, not finance's note nor who wrote it: those are the shop's own."""
    currency = item.currency
    order = item.order if item.order_id and courier_pk in (None, item.order.courier_id) else None
    remittance_ref = item.remittance_id and types.CodRemittanceRef(
        id=types.CodRemittance.global_id(item.remittance_id), reference=item.remittance.reference
    )
    return types.CodReconciliationException(
        id=types.global_id("CodReconciliationException", item.pk),
        kind=enums.CodReconciliationExceptionKind(item.kind),
        status=enums.CodReconciliationExceptionStatus(item.status),
        expected=Money.of(item.expected, currency),
        actual=Money.of(item.actual, currency),
        difference=Money.of(item.difference, currency),
        remittance=remittance_ref or None,
        line_row=item.line.row if item.line_id else None,
        order=cash_order(order),
        outcome=enums.CodReconciliationOutcome(item.outcome) if item.outcome else None,
        note=item.note if courier_pk is None else "",
        resolved_by=item.resolved_by if courier_pk is None else "",
        resolved_at=item.resolved_at,
        created_at=item.created_at,
    )


def money(status: MoneyStatus) -> types.CodOrderMoney:
    currency, counted = status.currency, status.remittance
    return types.CodOrderMoney(
        expected=Money.of(status.expected, currency),
        collected=Money.of(status.collected, currency),
        collected_at=status.collected_at,
        remitted=Money.of(status.remitted, currency),
        remittance=counted
        and types.CodRemittanceRef(id=types.CodRemittance.global_id(counted.pk), reference=counted.reference),
        line_status=enums.CodRemittanceLineStatus(status.line_status) if status.line_status else None,
        deposited=status.deposited,
        deposited_on=status.deposited_on,
        open_exceptions=status.open_exceptions,
        exceptions=[exception(item) for item in status.exceptions],
    )


def cash_held(item: CashHeld) -> types.CodCashHeld:
    currency = item.currency
    return types.CodCashHeld(
        courier=types.CodCashCourier(code=item.courier_code, name=item.courier_name),
        currency=currency,
        deadline_days=item.deadline_days,
        total=Money.of(item.total, currency),
        orders=item.orders,
        buckets=[
            types.CodCashBucket(name=name, amount=Money.of(item.buckets[name], currency), orders=item.counts[name])
            for name, _, _ in BUCKETS
        ],
        overdue=item.overdue,
        overdue_amount=Money.of(item.overdue_amount, currency),
        overdue_orders=item.overdue_orders,
        oldest_days=item.oldest_days,
    )
