"""The customer's "Paid" claim and the courier's payment record, which alone completes an order."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from ..error_codes import CodError, CodErrorCode
from ..host import CustomerSnapshot
from ..models import CodOrder, CodPaymentClaim, CodPaymentRecord
from ..rules import bounds
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import lifecycle, standing

CLAIMABLE = {CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERED, CodStatus.COMPLETED}


def mark_paid(
    order_pk: int, *, customer: CustomerSnapshot, reference: str, method: str, image: bytes | None = None
) -> CodPaymentClaim:
    """Record the customer's claim once; a repeated click returns the first claim."""
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if order.customer_key != customer.profile_key:
            raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
        existing = CodPaymentClaim.objects.filter(order=order).first()
        if existing is not None:
            return existing
        if order.status not in CLAIMABLE:
            raise lifecycle.invalid(order, Event.DELIVER)
        claim = CodPaymentClaim(order=order, reference=reference, method=method)
        if image:
            claim.image.save(f"{order.order_number}-{reference}.img", ContentFile(image), save=False)
        claim.save()
        lifecycle.record(
            order, "paid_claimed", actor=customer.profile_key, data={"reference": reference, "method": method}
        )
        return claim


def record_payment(
    order: CodOrder, *, amount: Decimal, currency: str, method: str, receipt: str, source: str, actor: str
) -> CodPaymentRecord:
    """On the locked, delivered order: store the courier's record once; complete when the amount is right."""
    existing = CodPaymentRecord.objects.filter(order=order).first()
    if existing is not None:
        lifecycle.record(order, "payment_record_repeated", actor=actor, data={"receipt": receipt})
        return existing
    if currency != str(order.amount_to_collect.currency):
        raise CodError(
            CodErrorCode.CURRENCY_MISMATCH,
            _("The order is paid in %(currency)s.") % {"currency": order.amount_to_collect.currency},
            field="collectedAmount",
        )
    amount = _collected(order, amount, currency)
    payment = CodPaymentRecord.objects.create(
        order=order, amount=Money(amount, currency), method=method, receipt=receipt, source=source
    )
    data = {"amount": str(amount), "currency": currency, "method": method, "receipt": receipt}
    if amount != order.amount_to_collect.amount:
        order.amount_discrepancy = True
        order.save(update_fields=["amount_discrepancy", "updated_at"])
        lifecycle.record(order, "amount_discrepancy", actor=actor, data=data)
        return payment
    lifecycle.move(order, Event.COMPLETE, actor=actor, data=data, fields={"claim_unverified": False})
    standing.completed(order, actor=actor)
    return payment


def _collected(order: CodOrder, amount: Decimal, currency: str) -> Decimal:
    """A collected amount above zero, in the currency's minor units, and at most the amount to collect: a
    shortfall is the courier's to explain (the discrepancy flag), more than the order asks is a typing error."""
    return bounds.amount(amount, field="collectedAmount", currency=currency, maximum=order.amount_to_collect.amount)


def record_by_staff(
    order_pk: int, *, amount: Decimal, currency: str, method: str, receipt: str, actor: str
) -> CodOrder:
    """Staff enter the courier's receipt for a delivered order: the record it lacked, or the corrected one
    for a discrepancy. The order completes when the amount is the amount to collect."""
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if order.status != CodStatus.DELIVERED:
            raise lifecycle.invalid(order, Event.COMPLETE)
        existing = CodPaymentRecord.objects.filter(order=order).first()
        if existing is None:
            record_payment(
                order, amount=amount, currency=currency, method=method, receipt=receipt, source="staff", actor=actor
            )
            return order
        _correct(order, existing, amount=amount, currency=currency, receipt=receipt, actor=actor)
        return order


def _correct(
    order: CodOrder, record: CodPaymentRecord, *, amount: Decimal, currency: str, receipt: str, actor: str
) -> None:
    if currency != str(record.amount.currency):
        raise CodError(
            CodErrorCode.CURRENCY_MISMATCH,
            _("The order is paid in %(currency)s.") % {"currency": record.amount.currency},
            field="collectedAmount",
        )
    amount = _collected(order, amount, currency)
    before = str(record.amount.amount)
    record.amount, record.receipt, record.source = Money(amount, currency), receipt, "staff"
    record.save(update_fields=["amount", "amount_currency", "receipt", "source"])
    lifecycle.record(
        order,
        "payment_corrected",
        actor=actor,
        data={"before": before, "after": str(record.amount.amount), "receipt": receipt},
    )
    if record.amount.amount == order.amount_to_collect.amount:
        # The corrected receipt settles the discrepancy: the flag lasts until the order completes.
        fields = {"claim_unverified": False, "amount_discrepancy": False}
        lifecycle.move(order, Event.COMPLETE, actor=actor, fields=fields)
        standing.completed(order, actor=actor)
