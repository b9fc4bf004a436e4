"""Refunds to COD customers: made once per idempotency key, never above what is left, paid with a reference.

A COD customer has no card on file: the money goes back by bank transfer (a checked IBAN), to a mobile wallet
(an E.164 number) or as store credit. Every step locks the order's row and writes a timeline event on it:
refund_created, then refund (the first paid refund: COMPLETED → REFUNDED) or refund_paid (a later one), and
refund_overdue from the sweep. The details are kept in full on the refund only; events and the API show at most
their last four characters.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .. import limits
from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder, CodPaymentRecord, CodPolicy, CodRefund, CodReturnRequest, RefundMethod
from ..money import display
from ..rules import bounds
from ..rules import refunds as rules
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import lifecycle, order_deposits, standing, store_sync
from .returns import lock_return

ReturnStatus = CodReturnRequest.Status
REFUNDABLE_ORDERS = frozenset({CodStatus.COMPLETED, CodStatus.REFUNDED})
REFUNDABLE_RETURNS = frozenset({ReturnStatus.RECEIVED, ReturnStatus.REFUNDED})
MAX_KEY = CodRefund._meta.get_field("idempotency_key").max_length
MAX_REFERENCE = CodRefund._meta.get_field("reference").max_length


# ---- creating a refund


def create(
    order_pk: int,
    *,
    amount: Decimal,
    currency: str,
    method: str,
    details: Mapping[str, str],
    idempotency_key: str,
    actor: str,
    return_pk: int | None = None,
) -> CodRefund:
    """A pending refund of ``amount`` on a completed (or already refunded) order, for a received return or none.

    The same ``idempotency_key`` again returns the refund it made (a double submit). ``details`` by ``method``
    (a ``RefundMethod`` value): bank_transfer ``iban`` and ``account_holder``; mobile_wallet ``provider`` and
    ``phone``; store_credit nothing."""
    key = _key(idempotency_key)
    try:
        with transaction.atomic():
            order = lifecycle.lock(order_pk)
            existing = CodRefund.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return _same_order(existing, order)
            return _create(order, Decimal(amount), currency, method, details, key, actor, return_pk)
    except IntegrityError:  # the key was committed meanwhile by a request about another order
        existing = CodRefund.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_order(existing, CodOrder(pk=order_pk))


def _create(
    order: CodOrder,
    amount: Decimal,
    currency: str,
    method: str,
    details: Mapping[str, str],
    key: str,
    actor: str,
    return_pk: int | None,
) -> CodRefund:
    _require_amount(order, amount, currency)
    if order.status not in REFUNDABLE_ORDERS:
        raise lifecycle.invalid(order, Event.REFUND)
    return_request = _refundable_return(order, return_pk)
    left = left_to_refund(order)
    if amount > left:
        message = _("At most %(left)s is left to refund on this order.") % {"left": display(left, currency)}
        raise CodError(CodErrorCode.REFUND_TOO_LARGE, message, field="amount")
    checked = check_details(method, details, country=order.country)
    with_fee = fee_is_refunded(order, standing.policy_for(order), return_request)
    refund = CodRefund.objects.create(
        order=order,
        return_request=return_request,
        amount=Money(amount, currency),
        includes_fee=with_fee,
        method=method,
        details=checked,
        idempotency_key=key,
        created_by=actor,
    )
    lifecycle.record(order, "refund_created", actor=actor, data=_event_data(refund))
    return refund


def _key(idempotency_key: str) -> str:
    return bounds.text(idempotency_key, field="idempotencyKey", max_length=MAX_KEY, required=True)


def _same_order(refund: CodRefund, order: CodOrder) -> CodRefund:
    if refund.order_id != order.pk:
        message = _("This idempotency key was already used for a refund of another order.")
        raise CodError(CodErrorCode.INVALID, message, field="idempotencyKey")
    return refund


def _require_amount(order: CodOrder, amount: Decimal, currency: str) -> None:
    order_currency = str(order.amount_to_collect.currency)
    if currency != order_currency:
        message = _("The order is paid in %(currency)s.") % {"currency": order_currency}
        raise CodError(CodErrorCode.CURRENCY_MISMATCH, message, field="amount")
    if not amount.is_finite() or amount <= 0 or not rules.in_minor_units(amount, currency):
        message = _("Enter an amount above zero in whole %(currency)s minor units.") % {"currency": currency}
        raise CodError(CodErrorCode.INVALID, message, field="amount")


def _refundable_return(order: CodOrder, return_pk: int | None) -> CodReturnRequest | None:
    if return_pk is None:
        return None
    return_request = CodReturnRequest.objects.filter(pk=return_pk, order=order).first()
    if return_request is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Return not found."), field="returnId")
    if return_request.status not in REFUNDABLE_RETURNS:
        message = _("A return that is %(status)s cannot be refunded; its goods must be received first.") % {
            "status": return_request.get_status_display()
        }
        raise CodError(CodErrorCode.RETURN_NOT_REFUNDABLE, message, field="returnId")
    return return_request


def left_to_refund(order: CodOrder) -> Decimal:
    """What the customer paid on the order (the cash collected, plus the deposit paid online before it) less every
    refund made so far, pending or paid."""
    currency = str(order.amount_to_collect.currency)
    made = CodRefund.objects.filter(order=order).values_list("amount", flat=True)
    return rules.remaining(_collected(order) + order_deposits.paid(order), made, currency)


def _collected(order: CodOrder) -> Decimal:
    collected = CodPaymentRecord.objects.filter(order=order).values_list("amount", flat=True).first()
    return collected or Decimal(0)


def _beyond_cash(order: CodOrder, *, actor: str) -> None:
    """Refunds come from the cash collected first; once the paid ones take more than it, the rest goes back from
    the deposit through the store's payment (``order_deposits.refund_beyond_cash``)."""
    if not order_deposits.has_deposit(order):
        return
    paid = CodRefund.objects.filter(order=order, status=CodRefund.Status.PAID).values_list("amount", flat=True)
    total = sum(paid, Decimal(0))
    order_deposits.refund_beyond_cash(order, paid_refunds=total, collected=_collected(order), actor=actor)


def fee_is_refunded(order: CodOrder, policy: CodPolicy, return_request: CodReturnRequest | None) -> bool:
    """The channel's fee setting for the return's reason; the fee goes back once per order at most."""
    reason = return_request.reason if return_request else None
    if not rules.refunds_fee(policy.refund_fee, reason):
        return False
    return not CodRefund.objects.filter(order=order, includes_fee=True).exists()


# ---- the customer's refund details


def check_details(method: str, details: Mapping[str, str], *, country: str = "") -> dict:
    """The details a method needs, checked and normalised (IBAN compact, phone E.164); nothing else is kept."""
    if method not in RefundMethod.values:
        raise CodError(CodErrorCode.INVALID, _("Choose a refund method."), field="method")
    return DETAILS[method](details, country)


# Each detail: its field in the API and its stated length; longer is refused, never cut.
DETAIL_FIELDS = {
    "account_holder": ("details.accountHolder", limits.ACCOUNT_HOLDER),
    "iban": ("details.iban", limits.IBAN),
    "provider": ("details.walletProvider", limits.WALLET_PROVIDER),
    "phone": ("details.phone", limits.PHONE),
}


def _text(details: Mapping[str, str], name: str) -> str:
    field, max_length = DETAIL_FIELDS[name]
    return bounds.text(details.get(name), field=field, max_length=max_length)


def _bank_transfer(details: Mapping[str, str], country: str) -> dict:
    holder = _text(details, "account_holder")
    if not holder:
        raise CodError(CodErrorCode.REQUIRED, _("Enter the account holder's name."), field="details.accountHolder")
    try:
        iban = IBAN(_text(details, "iban"))
    except SchwiftyException as error:
        raise CodError(CodErrorCode.INVALID_IBAN, _("Enter a valid IBAN."), field="details.iban") from error
    return {"iban": iban.compact, "account_holder": holder}


def _mobile_wallet(details: Mapping[str, str], country: str) -> dict:
    provider = _text(details, "provider")
    if not provider:
        raise CodError(CodErrorCode.REQUIRED, _("Enter the wallet provider."), field="details.walletProvider")
    try:
        number = phonenumbers.parse(_text(details, "phone"), country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Enter the wallet's phone number with its country code, e.g. +971501234567.")
        raise CodError(CodErrorCode.INVALID, message, field="details.phone")
    return {
        "provider": provider,
        "phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    }


def _store_credit(details: Mapping[str, str], country: str) -> dict:
    return {}


DETAILS = {
    RefundMethod.BANK_TRANSFER: _bank_transfer,
    RefundMethod.MOBILE_WALLET: _mobile_wallet,
    RefundMethod.STORE_CREDIT: _store_credit,
}


def account_last4(refund: CodRefund) -> str:
    """The end of the IBAN or wallet number, all that is ever shown back."""
    account = refund.details.get("iban") or refund.details.get("phone") or ""
    return account[-4:]


def _event_data(refund: CodRefund) -> dict:
    data = {
        "refund_id": refund.pk,
        "amount": str(refund.amount.amount),
        "currency": str(refund.amount.currency),
        "method": refund.method,
        "includes_fee": refund.includes_fee,
    }
    if refund.return_request_id:
        data["return_id"] = refund.return_request_id
    if account_last4(refund):
        data["account_last4"] = account_last4(refund)
    return data


# ---- paying it


def mark_paid(refund_pk: int, *, reference: str, actor: str) -> CodRefund:
    """The money went out with ``reference`` (a transfer number). The same reference again returns the refund.

    The first paid refund moves the order COMPLETED → REFUNDED; a return whose refund is paid becomes REFUNDED,
    and its overdue flag (and the order's, when no other return is overdue) is cleared."""
    reference = _reference(reference)
    with transaction.atomic():
        order, refund = _lock_refund(refund_pk)
        if refund.status == CodRefund.Status.PAID:
            if refund.reference == reference:
                return refund
            message = _("This refund was already paid with reference %(reference)s.") % {"reference": refund.reference}
            raise CodError(CodErrorCode.INVALID, message, field="reference")
        refund.status, refund.reference = CodRefund.Status.PAID, reference
        refund.paid_by, refund.paid_at = actor, timezone.now()
        refund.save(update_fields=["status", "reference", "paid_by", "paid_at"])
        _settle_return(refund)
        _beyond_cash(order, actor=actor)
        _paid_on_order(order, refund, actor=actor)
        return refund


def _reference(reference: str) -> str:
    return bounds.text(reference, field="reference", max_length=MAX_REFERENCE, required=True)


def _lock_refund(refund_pk: int) -> tuple[CodOrder, CodRefund]:
    order_pk = CodRefund.objects.filter(pk=refund_pk).values_list("order_id", flat=True).first()
    if order_pk is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Refund not found."), field="refundId")
    order = lifecycle.lock(order_pk)
    return order, CodRefund.objects.get(pk=refund_pk)


def _settle_return(refund: CodRefund) -> None:
    return_request = refund.return_request
    if return_request is None:
        return
    if return_request.status == ReturnStatus.RECEIVED:
        return_request.status = ReturnStatus.REFUNDED
    return_request.refund_overdue = False
    return_request.save(update_fields=["status", "refund_overdue", "updated_at"])


def _paid_on_order(order: CodOrder, refund: CodRefund, *, actor: str) -> None:
    data = {**_event_data(refund), "reference": refund.reference}
    overdue = CodReturnRequest.objects.filter(order=order, refund_overdue=True).exists()
    if order.status == CodStatus.COMPLETED:
        lifecycle.move(
            order, Event.REFUND, actor=actor, reason="refund_paid", data=data, fields={"refund_overdue": overdue}
        )
        return
    if order.refund_overdue != overdue:
        order.refund_overdue = overdue
        order.save(update_fields=["refund_overdue", "updated_at"])
    lifecycle.record(order, "refund_paid", actor=actor, data=data)
    store_sync.refund_paid(order, amount=refund.amount.amount, currency=str(refund.amount.currency))


# ---- what a received return calls for


@dataclass(frozen=True)
class Suggestion:
    amount: Decimal
    includes_fee: bool
    left: Decimal
    already: Decimal = Decimal(0)


def suggest(return_pk: int) -> Suggestion:
    """The refund a received return calls for (goods back, plus the fee when it is refunded), less the refunds
    already made for it, capped at what is left; for the screen that makes the refund. Reads only.
    ``includes_fee``: the fee is part of what the return calls for (it may be in one of its refunds already)."""
    return_request = CodReturnRequest.objects.select_related("order").get(pk=return_pk)
    order = return_request.order
    currency = str(order.amount_to_collect.currency)
    made = list(return_request.refunds.values_list("amount", "includes_fee"))
    already = sum((amount for amount, _ in made), Decimal(0))
    with_fee = any(fee for _, fee in made) or fee_is_refunded(order, standing.policy_for(order), return_request)
    left = left_to_refund(order)
    lines = [rules.ReceivedLine(line.unit_price, line.received_quantity or 0) for line in return_request.lines.all()]
    amount = rules.suggested_refund(
        lines, fee=order.fee.amount, with_fee=with_fee, left=left, currency=currency, already=already
    )
    return Suggestion(amount=amount, includes_fee=with_fee, left=left, already=already)


# ---- the overdue sweep


def flag_overdue_refunds(*, now: datetime | None = None) -> int:
    """Periodic: returns whose goods came back and whose refund is not paid past its due date (local date) are
    flagged, with the order, each once."""
    today = timezone.localdate(now or timezone.now())
    late = CodReturnRequest.objects.filter(status=ReturnStatus.RECEIVED, refund_overdue=False, refund_due__lt=today)
    return sum(_flag_overdue(pk, today) for pk in list(late.order_by("pk").values_list("pk", flat=True)))


def _flag_overdue(return_pk: int, today: date) -> bool:
    with transaction.atomic():
        order, return_request = lock_return(return_pk)
        if return_request.status != ReturnStatus.RECEIVED or return_request.refund_overdue:
            return False  # refunded or flagged by someone else since it was read
        return_request.refund_overdue = True
        return_request.save(update_fields=["refund_overdue", "updated_at"])
        order.refund_overdue = True
        order.save(update_fields=["refund_overdue", "updated_at"])
        data = {"return_id": return_request.pk, "due": return_request.refund_due.isoformat()}
        lifecycle.record(order, "refund_overdue", actor="system", data=data)
        return True
