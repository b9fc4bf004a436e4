"""Deposits test plumbing: COD orders made directly in AWAITING_DEPOSIT, and stores that do or do not take
deposits."""

from decimal import Decimal
from itertools import count
from urllib.parse import urlsplit

from djmoney.money import Money
from strawberry.relay import to_base64

from cod_plugin.host import DepositRequest
from cod_plugin.models import CodOrder, CodPolicy
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from tests.admin.conftest import staff_client, superuser_client  # noqa: F401
from tests.graphql.conftest import api, demo, token_for  # noqa: F401
from tests.graphql.shop import new_checkout
from tests.graphql.test_checkout_complete import COMPLETE

# The default cart: 2 x TSHIRT-001 and 1 x HEADPHONES-001, 179.20 USD with shipping and the COD fee; its deposit is
# 20% of it, rounded up to the cent.
CART = {"TSHIRT-001": 2, "HEADPHONES-001": 1}
TOTAL, DEPOSIT = Decimal("179.20"), Decimal("35.84")
DEPOSIT_FIELDS = "deposit { amount { amount currency } status payUrl expiresAt paidAt refunded { amount } }"
ORDER = f"query($id: ID!) {{ codOrder(orderId: $id) {{ status amountToCollect {{ amount }} {DEPOSIT_FIELDS} }} }}"


def ask_deposits(channel="default-channel", *, above="1.00", hours=48, fixed=None) -> None:
    """Every cart of the channel above ``above`` needs a deposit: 20% of it, or exactly ``fixed``."""
    amounts = {"deposit_percent": Decimal(0), "deposit_fixed": Decimal(fixed)} if fixed is not None else {}
    CodPolicy.objects.filter(channel=channel).update(deposit_above=Decimal(above), deposit_hours=hours, **amounts)


ELIGIBILITY = """query($id: ID!) { codEligibility(checkoutId: $id) {
  isEligible amountToCollect { amount } deposit { required amount { amount currency } } } }"""


def place_with_deposit(client, token, lines=None, *, eligibility: list | None = None) -> tuple[str, CodOrder]:
    """An order placed through the API that waits for its deposit (``ask_deposits`` first); the checkout's
    eligibility just before is appended to ``eligibility`` when given."""
    checkout = new_checkout(client, "default-channel", lines or CART, token=token)
    if eligibility is not None:
        eligibility.append(client(ELIGIBILITY, {"id": checkout}, token=token)["codEligibility"])
    payload = client(COMPLETE, {"id": checkout, "terms": 1}, token=token)["codCheckoutComplete"]
    assert payload["errors"] == [], payload["errors"]
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    assert order.status == CodStatus.AWAITING_DEPOSIT
    return to_base64("CodOrder", order.pk), order


def pay_path(order: CodOrder) -> str:
    """The sandbox's pay page of the order's deposit, as a path for the test client."""
    return urlsplit(order.deposit.pay_url).path


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
