"""Partial COD: the part of an order paid online before it goes on (the deposit), asked of the store's own payment.

A deposit is asked at placing (``open_deposit``), in the placing transaction: the store's payment is created
through the port (``request_deposit``), the deposit recorded as pending with its deadline, and the customer's
message with the amount and the pay link queued. The store reports the payment (``deposit_paid``) or the deadline
passes (``deposit_expired``, the sweep ``expire_deposits``)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ..error_codes import CodError, CodErrorCode
from ..host import BaseHostAdapter, get_adapter
from ..models import CodOrder
from ..models.risk import CodOrderDeposit, DepositStatus
from ..money import display
from . import lifecycle, notifications, store


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
        "deadline": timezone.localtime(deposit.expires_at).strftime("%Y-%m-%d %H:%M"),
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
