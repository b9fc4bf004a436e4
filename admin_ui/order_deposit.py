"""The order page's deposit panel (partial COD): what was asked online, by when, where the customer pays it, and
what became of it. Read from the order as ``flows.orders.detail`` loads it (the deposit comes with the order)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.models.risk import DepositStatus


@dataclass(frozen=True)
class DepositPanel:
    amount: str
    status: str
    expires_at: object
    paid_at: object
    refunded: str
    kept: str
    pay_url: str
    payment_ref: str
    waiting: bool


WHAT_BECAME = {
    DepositStatus.PENDING: _("Waiting for the customer's payment"),
    DepositStatus.PAID: _("Paid online; the rest is collected at the door"),
    DepositStatus.EXPIRED: _("Not paid in time; the order was cancelled"),
    DepositStatus.REFUNDED: _("Given back to the customer, in part or in whole"),
}


def deposit_panel(order) -> DepositPanel | None:
    """None for an order placed without a deposit."""
    deposit = getattr(order, "deposit", None)
    if deposit is None:
        return None
    kept = deposit.amount.amount - deposit.refunded.amount if deposit.paid_at else None
    return DepositPanel(
        amount=formatting.money_of(deposit.amount),
        status=str(WHAT_BECAME.get(deposit.status, deposit.status)),
        expires_at=deposit.expires_at,
        paid_at=deposit.paid_at,
        refunded=formatting.money_of(deposit.refunded),
        kept=formatting.money(kept, str(deposit.amount.currency)),
        pay_url=deposit.pay_url,
        payment_ref=deposit.payment_ref,
        waiting=deposit.status == DepositStatus.PENDING,
    )
