"""Deposits test plumbing: COD orders made directly in AWAITING_DEPOSIT, and stores that do or do not take
deposits."""

from decimal import Decimal
from itertools import count

from djmoney.money import Money

from cod_plugin.host import DepositRequest
from cod_plugin.models import CodOrder
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter

NUMBERS = count(7001)


class PlainStore(StoreAdapter):
    """A store of its own payments that answers a payment page for every deposit it is asked."""

    asked: list = []

    def request_deposit(self, order_ref, *, amount, currency, expires_at):
        self.asked.append((order_ref, amount, currency, expires_at))
        return DepositRequest(payment_ref=f"pay-{order_ref}", pay_url=f"https://pay.example/{order_ref}")


class DecliningStore(StoreAdapter):
    """A store that has a deposit method but answers None for this order (its payment is down)."""

    def request_deposit(self, order_ref, *, amount, currency, expires_at):
        return None


def make_order(*, amount="100.00", fee="5.00", deposit="21.00", currency="USD", **fields) -> CodOrder:
    number = str(next(NUMBERS))
    total = Decimal(amount) + Decimal(fee)
    defaults = {
        "order_ref": f"ref-{number}",
        "order_number": number,
        "checkout_ref": f"checkout-{number}",
        "channel": "default-channel",
        "customer_key": f"guest:buyer{number}@example.com",
        "order_amount": Money(amount, currency),
        "fee": Money(fee, currency),
        "deposit_amount": Money(deposit, currency),
        "amount_to_collect": Money(total - Decimal(deposit), currency),
        "shipping_amount": Money("0", currency),
        "tier": "NEW",
        "terms_version": 1,
        "terms_language": "en",
        "country": "US",
        "phone": "+15555550100",
        "status": CodStatus.AWAITING_DEPOSIT,
    }
    return CodOrder.objects.create(**{**defaults, **fields})
