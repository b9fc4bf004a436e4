"""Partial COD: the part of an order paid online before it goes on (the deposit), asked of the store's own payment.

A deposit is asked at placing (``open_deposit``), in the placing transaction: the store's payment is created
through the port (``request_deposit``), the deposit recorded as pending with its deadline, and the customer's
message with the amount and the pay link queued. The order waits in AWAITING_DEPOSIT until the store reports the
payment (``deposit_paid``: then the confirmation message goes out) or the deadline passes (``deposit_expired``, the
sweep ``expire_deposits``: the order is cancelled, nothing is owed).

What a paid deposit becomes later (money rules; every step a timeline event on the order):

- cancelled (by anyone, at any stage) or returned to origin undelivered: the whole paid deposit goes back through
  the port (``refund_deposit``);
- refused at the door without fault: the whole deposit goes back; refused with a strike: the deposit covers the
  penalty first (``cover_penalty``), the rest goes back;
- completed and refunded: a refund is paid from the cash collected first; what it takes beyond the cash comes
  from the deposit, back through the port, when the refund is paid (``refund_beyond_cash``).

A payment reported for a deposit that is no longer pending (expired, or its order cancelled) is refused with
DEPOSIT_NOT_PENDING, and the money is given back at once through ``refund_deposit``: the customer paid for an order
that will not go on."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from .. import formatting
from ..error_codes import CodError, CodErrorCode
from ..host import BaseHostAdapter, get_adapter
from ..models import CodOrder
from ..models.risk import CodOrderDeposit, DepositStatus
from ..money import display, quantum, round_money
from ..rules import bounds
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import lifecycle, notifications, store

MAX_PAYMENT_REF = CodOrderDeposit._meta.get_field("payment_ref").max_length
BATCH = 500


def takes_deposits() -> bool:
    """Whether the store takes deposits: its adapter has its own ``request_deposit`` (the default takes none)."""
    own = getattr(type(get_adapter()), "request_deposit", None)
    return own is not None and own is not BaseHostAdapter.request_deposit


def open_deposit(order: CodOrder, *, amount: Decimal, hours: int) -> CodOrderDeposit:
    """In the placing transaction: ask the store to take ``amount`` online within ``hours``; record the pending
    deposit and queue the customer's message with the amount and the pay link. A store that answers None takes no
    deposit: DEPOSIT_UNAVAILABLE, and the whole placing rolls back."""
    currency = str(order.amount_to_collect.currency)
    expires_at = timezone.now() + timedelta(hours=hours)
    asked = store.call(
        get_adapter().request_deposit, order.order_ref, amount=amount, currency=currency, expires_at=expires_at
    )
    if asked is None:
        raise CodError(
            CodErrorCode.DEPOSIT_UNAVAILABLE,
            _("This store cannot take a deposit online, so Cash on Delivery is not available for this order."),
            field="checkoutId",
        )
    deposit = CodOrderDeposit.objects.create(
        order=order,
        amount=Money(amount, currency),
        status=DepositStatus.PENDING,
        payment_ref=asked.payment_ref,
        pay_url=asked.pay_url,
        expires_at=expires_at,
        refunded=Money(0, currency),
    )
    lifecycle.record(
        order,
        "deposit_requested",
        actor="system",
        data={"amount": str(amount), "payment_ref": asked.payment_ref, "expires_at": expires_at.isoformat()},
    )
    notifications.queue(order, "deposit_request", lambda: _request_text(order, deposit))
    return deposit


def _request_text(order: CodOrder, deposit: CodOrderDeposit) -> str:
    """The customer's message, in their language: what to pay now, by when, where, and what is left for the door."""
    currency = str(deposit.amount.currency)
    values = {
        "number": order.order_number,
        "deposit": display(deposit.amount.amount, currency),
        "rest": display(order.amount_to_collect.amount, currency),
        "deadline": formatting.datetime(deposit.expires_at),
        "link": deposit.pay_url,
    }
    if deposit.pay_url:
        return (
            _(
                "Order %(number)s: please pay a deposit of %(deposit)s before %(deadline)s: %(link)s. "
                "The rest, %(rest)s, is paid at the door."
            )
            % values
        )
    return (
        _(
            "Order %(number)s: please pay a deposit of %(deposit)s before %(deadline)s. "
            "The rest, %(rest)s, is paid at the door."
        )
        % values
    )


# ---- the store's reports


def deposit_paid(order_ref: str, *, payment_ref: str = "") -> CodOrder:
    """The store took the deposit: the order goes on to its confirmation (AWAITING_DEPOSIT -> PENDING_CONFIRMATION)
    and the confirmation message goes out. The same report again changes nothing.

    DEPOSIT_NOT_PENDING when the order has no deposit, or when its deposit expired or its order was cancelled
    before the payment came: that payment is given back through ``refund_deposit`` (the same late report again
    gives nothing back twice)."""
    payment_ref = bounds.text(payment_ref, field="paymentRef", max_length=MAX_PAYMENT_REF)
    with transaction.atomic():
        order, deposit = _lock(order_ref)
        if deposit.paid_at is None:
            if deposit.status == DepositStatus.PENDING and order.status == CodStatus.AWAITING_DEPOSIT:
                _paid(order, deposit, payment_ref)
                return order
            _paid_late(order, deposit, payment_ref)
        elif deposit.status != DepositStatus.EXPIRED:
            return order  # the same report again
    raise CodError(
        CodErrorCode.DEPOSIT_NOT_PENDING,
        _("This order no longer waits for its deposit; the payment is given back."),
        field="orderId",
    )


def _paid(order: CodOrder, deposit: CodOrderDeposit, payment_ref: str) -> None:
    deposit.status, deposit.paid_at = DepositStatus.PAID, timezone.now()
    deposit.payment_ref = payment_ref or deposit.payment_ref
    deposit.save(update_fields=["status", "paid_at", "payment_ref"])
    data = {"amount": str(deposit.amount.amount), "payment_ref": deposit.payment_ref}
    # the store reported it: nothing to tell it back
    lifecycle.move(order, Event.DEPOSIT_PAID, actor="store", reason="deposit_paid", data=data, tell_store=False)
    from . import confirmation  # confirmation imports the flows that import this module

    confirmation.order_placed(order)


def _paid_late(order: CodOrder, deposit: CodOrderDeposit, payment_ref: str) -> None:
    """A payment that came after the deposit stopped waiting for it: recorded, then given back whole; the deposit
    stays EXPIRED (paid_at and refunded set), which is how the same late report is known again."""
    deposit.paid_at = timezone.now()
    deposit.payment_ref = payment_ref or deposit.payment_ref
    deposit.save(update_fields=["paid_at", "payment_ref"])
    data = {"amount": str(deposit.amount.amount), "payment_ref": deposit.payment_ref}
    lifecycle.record(order, "deposit_paid_late", actor="store", reason="deposit_not_pending", data=data)
    _give_back(order, deposit, deposit.amount.amount, reason="deposit_paid_late", status=DepositStatus.EXPIRED)


def deposit_expired(order_ref: str) -> CodOrder:
    """The store's payment for the deposit expired: the order is cancelled (reason ``deposit_expired``) and its
    store order with it; nothing is owed. An order already cancelled is returned as it is. DEPOSIT_NOT_PENDING when
    the deposit was paid (the order went on)."""
    with transaction.atomic():
        order, deposit = _lock(order_ref)
        if deposit.paid_at is not None and deposit.status != DepositStatus.EXPIRED:  # paid in time: it went on
            raise CodError(
                CodErrorCode.DEPOSIT_NOT_PENDING, _("This order's deposit was already paid."), field="orderId"
            )
        if order.status == CodStatus.AWAITING_DEPOSIT:
            _expire(order, actor="store")
        return order


def expire_deposits(*, now=None) -> int:
    """Periodic: cancel the orders whose deposit is still unpaid past its deadline (at the deadline itself it may
    still be paid); each under its own row lock, skipping orders another change holds (the next run takes them)."""
    now, expired = now or timezone.now(), 0
    with transaction.atomic():
        due = (
            CodOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=CodStatus.AWAITING_DEPOSIT,
                deposit__status=DepositStatus.PENDING,
                deposit__expires_at__lt=now,
            )
            .order_by("pk")[:BATCH]
        )
        for order in due:
            _expire(order, actor="system")
            expired += 1
    return expired


def _expire(order: CodOrder, *, actor: str) -> None:
    """Cancel the waiting order; ``order_ended`` (called by the move) marks its deposit expired."""
    lifecycle.move(order, Event.CANCEL, actor=actor, reason="deposit_expired")


def _lock(order_ref: str) -> tuple[CodOrder, CodOrderDeposit]:
    order = CodOrder.objects.select_for_update().filter(order_ref=str(order_ref)).first()
    if order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    deposit = CodOrderDeposit.objects.filter(order=order).first()
    if deposit is None:
        raise CodError(CodErrorCode.DEPOSIT_NOT_PENDING, _("This order has no deposit."), field="orderId")
    return order, deposit


# ---- what a paid deposit becomes


def has_deposit(order: CodOrder) -> bool:
    """Whether the order was placed with a deposit (read from the order itself: no query for the others)."""
    return bool(order.deposit_amount and order.deposit_amount.amount)


def paid(order: CodOrder) -> Decimal:
    """The deposit the order went on with (0 when none, or when it was paid too late and given back)."""
    if not has_deposit(order):
        return Decimal(0)
    return paid_of(CodOrderDeposit.objects.filter(order=order).first())


def paid_of(deposit: CodOrderDeposit | None) -> Decimal:
    """``paid`` of a deposit already read (the pages read it with the order)."""
    if deposit is None or deposit.paid_at is None or deposit.status == DepositStatus.EXPIRED:
        return Decimal(0)
    return deposit.amount.amount


def _held(deposit: CodOrderDeposit) -> Decimal:
    if deposit.paid_at is None:
        return Decimal(0)
    return deposit.amount.amount - deposit.refunded.amount


def order_ended(order: CodOrder, event: Event, from_status: str) -> None:
    """Called by every cancel and return to origin (``lifecycle.move``): a deposit still waiting will not be taken
    (EXPIRED); what is still held of a paid one goes back through the port: the goods never reached the customer.
    A return after a refusal or a cancel changes nothing (that settled the deposit: a strike's penalty kept)."""
    if not has_deposit(order):
        return
    if event is Event.RETURN_TO_ORIGIN and from_status != CodStatus.DELIVERY_FAILED:
        return
    deposit = CodOrderDeposit.objects.filter(order=order).first()
    if deposit is None:
        return
    if deposit.status == DepositStatus.PENDING:
        deposit.status = DepositStatus.EXPIRED
        deposit.save(update_fields=["status"])
        lifecycle.record(order, "deposit_expired", actor="system", data={"amount": str(deposit.amount.amount)})
        return
    reason = "order_cancelled" if event is Event.CANCEL else "returned_to_origin"
    _give_back(order, deposit, _held(deposit), reason=reason)


def cover_penalty(order: CodOrder, penalty: Decimal, *, strike: bool) -> Decimal:
    """At a refusal: the paid deposit pays the ``penalty`` first (with a strike; none without fault) and the rest
    goes back through the port. Returns what the deposit covered, for the penalty outstanding to be reduced by it."""
    if not has_deposit(order):
        return Decimal(0)
    deposit = CodOrderDeposit.objects.filter(order=order).first()
    left = _held(deposit) if deposit is not None else Decimal(0)
    if not left:
        return Decimal(0)
    currency = str(deposit.amount.currency)
    covered = round_money(min(left, penalty), currency) if strike else Decimal(0)
    if covered:
        data = {"amount": str(covered), "currency": currency}
        lifecycle.record(order, "deposit_kept", actor="system", reason="penalty", data=data)
    _give_back(order, deposit, left - covered, reason="refused_at_the_door", kept=covered)
    return covered


def refund_beyond_cash(order: CodOrder, *, paid_refunds: Decimal, collected: Decimal, actor: str) -> Decimal:
    """When a refund is paid: the refunds paid so far (``paid_refunds``, this one included) come from the cash
    ``collected`` first; what they take beyond it comes from the deposit, given back through the port now.
    Returns the part of this refund that went back that way."""
    if not has_deposit(order):
        return Decimal(0)
    deposit = CodOrderDeposit.objects.filter(order=order).first()
    if deposit is None or deposit.paid_at is None:
        return Decimal(0)
    beyond = max(paid_refunds - collected, Decimal(0))
    part = min(beyond - deposit.refunded.amount, _held(deposit))
    if part <= 0:
        return Decimal(0)
    _give_back(order, deposit, part, reason="refund_beyond_cash", actor=actor)
    return part


def _give_back(
    order: CodOrder,
    deposit: CodOrderDeposit,
    amount: Decimal,
    *,
    reason: str,
    actor: str = "system",
    kept: Decimal | None = None,
    status: str = DepositStatus.REFUNDED,
) -> None:
    """``amount`` of the paid deposit back through the store's payment (``refund_deposit``); the deposit is
    REFUNDED once anything of it went back (``status``). Nothing is called for nothing."""
    if amount <= 0:
        return
    currency = str(deposit.amount.currency)
    store.call(get_adapter().refund_deposit, order.order_ref, amount=amount, currency=currency)
    deposit.refunded = Money(deposit.refunded.amount + amount, currency)
    deposit.status = status
    deposit.save(update_fields=["refunded", "status"])
    data = {"amount": str(amount.quantize(quantum(currency))), "currency": currency}
    if kept:
        data["kept"] = str(kept)
    lifecycle.record(order, "deposit_refunded", actor=actor, reason=reason, data=data)
