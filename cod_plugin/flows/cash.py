"""Finance's work on couriers' cash after a remittance is in: an order's money status, resolving the exceptions,
and confirming deposits (``deposits``: recorded by hand, or from the bank statement's lines).

Two finance staff may work the same queue at once: resolving takes the exception's row lock (and, matching by
hand, the order's), recording a deposit the remittance's, so a second writer waits and then sees the first one's
result (``ALREADY_RESOLVED``, a settled remittance) instead of applying twice."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import (
    CodOrder,
    CodPaymentRecord,
    CodReconciliationException,
    CodRemittance,
    CodRemittanceLine,
    Courier,
)
from ..rules import bounds
from ..rules import reconciliation as rules
from . import lifecycle
from .deposits import StatementResult, StatementRow, import_statement, parse_statement, record_deposit
from .remittance_lines import schedule_of

__all__ = [
    "MoneyStatus",
    "StatementResult",
    "StatementRow",
    "import_statement",
    "money_status",
    "money_statuses",
    "parse_statement",
    "record_deposit",
    "resolve",
]

Status = CodRemittance.Status
OPEN = CodReconciliationException.Status.OPEN


@dataclass(frozen=True)
class MoneyStatus:
    currency: str
    expected: Decimal
    collected: Decimal | None
    collected_at: datetime | None
    remitted: Decimal | None
    remittance: CodRemittance | None
    line_status: str | None
    deposited: bool
    deposited_on: date | None
    exceptions: list[CodReconciliationException]

    @property
    def open_exceptions(self) -> int:
        return sum(1 for item in self.exceptions if item.status == OPEN)


def money_status(order: CodOrder) -> MoneyStatus:
    """Where the order's cash is, in three queries (its payment record, its remittance lines, its exceptions)."""
    return money_statuses([order])[order.pk]


def money_statuses(orders: Iterable[CodOrder]) -> dict[int, MoneyStatus]:
    """``money_status`` of many orders in the same three queries."""
    orders = {order.pk: order for order in orders}
    payments = _payments(orders.values())
    lines = _lines(orders)
    exceptions: dict[int, list] = {pk: [] for pk in orders}
    related = CodReconciliationException.objects.select_related("remittance", "line", "order")
    for item in _open_first(related.filter(order_id__in=orders)):
        exceptions[item.order_id].append(item)
    return {pk: _status(order, payments.get(pk), lines.get(pk), exceptions[pk]) for pk, order in orders.items()}


def _payments(orders) -> dict:
    return {payment.order_id: payment for payment in CodPaymentRecord.objects.filter(order__in=list(orders))}


def _lines(orders: dict) -> dict[int, CodRemittanceLine]:
    """Per order, the line that counts for it, else the latest line naming it."""
    found: dict[int, CodRemittanceLine] = {}
    lines = CodRemittanceLine.objects.filter(order_id__in=orders).select_related("remittance").order_by("pk")
    for line in lines:
        if not (line.order_id in found and found[line.order_id].counted):
            found[line.order_id] = line
    return found


def _open_first(exceptions):
    first = Case(When(status=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return exceptions.order_by(first, "-created_at", "-pk")


def _status(order: CodOrder, payment, line: CodRemittanceLine | None, exceptions: list) -> MoneyStatus:
    remittance = line.remittance if line is not None and line.counted else None
    settled = remittance is not None and remittance.status == Status.SETTLED
    return MoneyStatus(
        currency=str(order.amount_to_collect.currency),
        expected=order.amount_to_collect.amount,
        collected=payment.amount.amount if payment else None,
        collected_at=payment.created_at if payment else None,
        remitted=line.collected if remittance else None,
        remittance=remittance,
        line_status=line.status if line else None,
        deposited=settled,
        deposited_on=remittance.deposited_on if settled else None,
        exceptions=exceptions,
    )


# --- exceptions ---------------------------------------------------------------------------------------------------

NOTE = CodReconciliationException._meta.get_field("note").max_length


def resolve(
    exception_pk: int, *, outcome: str, note: str, actor: str, order_pk: int | None = None
) -> CodReconciliationException:
    """Resolve an open exception once, with an outcome and a note; MATCHED_BY_HAND gives its line the order."""
    if outcome not in rules.Outcome.values:
        raise CodError(CodErrorCode.INVALID, _("Choose one of the outcomes."), field="outcome")
    note = bounds.text(note, field="note", max_length=NOTE, required=True)
    with transaction.atomic():
        exception = CodReconciliationException.objects.select_for_update().filter(pk=exception_pk).first()
        if exception is None:
            raise CodError(CodErrorCode.NOT_FOUND, _("Exception not found."), field="exceptionId")
        if exception.status != OPEN:
            message = _("This exception was already resolved by %(actor)s.") % {"actor": exception.resolved_by}
            raise CodError(CodErrorCode.ALREADY_RESOLVED, message, field="exceptionId")
        if outcome == rules.Outcome.MATCHED_BY_HAND:
            _match_by_hand(exception, order_pk, actor=actor)
        exception.status, exception.outcome, exception.note = CodReconciliationException.Status.RESOLVED, outcome, note
        exception.resolved_by, exception.resolved_at = actor, timezone.now()
        exception.save(update_fields=["status", "outcome", "note", "resolved_by", "resolved_at", "order"])
        _count_open(exception.remittance_id, -1)
        if exception.order_id:
            data = {"exception": exception.pk, "kind": exception.kind, "outcome": outcome, "note": note}
            lifecycle.record(exception.order, "cash_exception_resolved", actor=actor, data=data)
        return exception


def _count_open(remittance_pk: int | None, change: int) -> None:
    if remittance_pk is not None and change:
        CodRemittance.objects.filter(pk=remittance_pk).update(open_exceptions=F("open_exceptions") + change)


def _match_by_hand(exception: CodReconciliationException, order_pk: int | None, *, actor: str) -> None:
    """Give the exception's line the order finance found for it, decide the line again and count it."""
    if exception.line_id is None:
        message = _("Only an exception about a remittance line can be matched to an order.")
        raise CodError(CodErrorCode.INVALID, message, field="outcome")
    if order_pk is None:
        raise CodError(CodErrorCode.REQUIRED, _("Choose the order the line is for."), field="orderId")
    # The courier's row first, as the import takes it: a remittance being recorded and this line then count the
    # order one after the other (one counted line per order).
    Courier.objects.select_for_update().filter(pk=exception.courier_id).first()
    order = CodOrder.objects.select_for_update().filter(pk=order_pk).first()
    if order is None:
        raise CodError(CodErrorCode.UNKNOWN_ORDER, _("Order not found."), field="orderId")
    if order.courier_id != exception.courier_id:
        message = _("Order %(number)s is not this courier's.") % {"number": order.order_number}
        raise CodError(CodErrorCode.OTHER_COURIER_ORDER, message, field="orderId")
    line = CodRemittanceLine.objects.select_for_update().select_related("remittance").get(pk=exception.line_id)
    currency = line.remittance.currency
    if str(order.amount_to_collect.currency) != currency:
        message = _("Order %(number)s is paid in %(currency)s.")
        message %= {"number": order.order_number, "currency": order.amount_to_collect.currency}
        raise CodError(CodErrorCode.CURRENCY_MISMATCH, message, field="orderId")
    _decide_again(line, order)
    exception.order = order
    _raise_for(line, order, actor=actor)


def _decide_again(line: CodRemittanceLine, order: CodOrder) -> None:
    others = CodRemittanceLine.objects.filter(order=order, counted=True).exclude(pk=line.pk)
    facts = rules.OrderFacts(
        courier_id=order.courier_id,
        status=order.status,
        expected=order.amount_to_collect.amount,
        already_remitted=others.exists(),
    )
    status = rules.line_status(facts, courier_id=line.remittance.courier_id, collected=line.collected)
    line.order, line.expected, line.status = order, order.amount_to_collect.amount, status
    line.counted = status in rules.COUNTED
    line.save(update_fields=["order", "expected", "status", "counted"])


def _raise_for(line: CodRemittanceLine, order: CodOrder, *, actor: str) -> None:
    """The differences the line shows now that it names its order: its status's, and deductions not agreed."""
    remittance = line.remittance
    raised = []
    kind = rules.exception_kind(line.status)
    if kind is not None:
        raised.append(_exception(line, order, kind, expected=line.expected, actual=line.collected))
    schedule = schedule_of(remittance.courier)
    differ = rules.charges_differ(
        schedule, currency=remittance.currency, collected=line.collected, deducted=line.deductions
    )
    if line.counted and differ:
        agreed = rules.agreed_charge(schedule, line.collected)
        raised.append(_exception(line, order, rules.ExceptionKind.DEDUCTIONS, expected=agreed, actual=line.deductions))
    CodReconciliationException.objects.bulk_create(raised)
    _count_open(remittance.pk, len(raised))


def _exception(line, order, kind, *, expected: Decimal | None, actual: Decimal | None) -> CodReconciliationException:
    remittance = line.remittance
    difference = (actual or 0) - (expected or 0)
    return CodReconciliationException(
        courier_id=remittance.courier_id,
        remittance=remittance,
        line=line,
        order=order,
        kind=kind,
        currency=remittance.currency,
        expected=expected,
        actual=actual,
        difference=difference,
    )
