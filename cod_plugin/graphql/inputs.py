"""Input types shared by the order, return and refund mutations, each value checked by ``rules.bounds``."""

from collections import Counter
from datetime import datetime
from decimal import Decimal

import strawberry

from .. import limits
from ..flows.delivery import Window
from ..rules import bounds


@strawberry.input(description="An appointment window; both times with their UTC offset.")
class CodWindowInput:
    start: datetime
    end: datetime

    def to_window(self, field: str = "window") -> Window:
        start = bounds.moment(self.start, field=f"{field}.start")
        return Window(start=start, end=bounds.moment(self.end, field=f"{field}.end"))


@strawberry.input(description="An amount in a currency: the amount as a decimal string in its minor units.")
class MoneyInput:
    amount: str = strawberry.field(description='A decimal string, e.g. "12.50" (USD), "0.500" (KWD), "300" (JPY).')
    currency: str

    def code(self, field: str) -> str:
        return text(self.currency, field=field, max_length=limits.CURRENCY, required=True).upper()

    def to_amount(self, field: str) -> Decimal:
        """The amount, above zero and in whole minor units of its currency."""
        return bounds.amount(self.amount, field=field, currency=self.code(field))


@strawberry.input
class CodReturnLineInput:
    sku: str
    quantity: int


def quantities(lines: list[CodReturnLineInput]) -> dict[str, int]:
    """SKU to quantity; a SKU given twice counts once with both quantities."""
    counted: Counter = Counter()
    for line in lines:
        counted[text(line.sku, field="lines.sku", max_length=limits.SKU, required=True)] += line.quantity
    return dict(counted)


def text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """A text input, stripped, within its stated length (``rules.bounds.text``)."""
    return bounds.text(value, field=field, max_length=max_length, required=required)


@strawberry.input(
    description="The customer's account for the refund: BANK_TRANSFER takes accountHolder and iban, "
    "MOBILE_WALLET walletProvider and phone (E.164, e.g. +971501234567), STORE_CREDIT nothing."
)
class CodRefundDetailsInput:
    account_holder: str = ""
    iban: str = ""
    wallet_provider: str = ""
    phone: str = ""

    def to_details(self) -> dict[str, str]:
        holder = limits.ACCOUNT_HOLDER
        return {
            "account_holder": text(self.account_holder, field="details.accountHolder", max_length=holder),
            "iban": text(self.iban, field="details.iban", max_length=limits.IBAN),
            "provider": text(self.wallet_provider, field="details.walletProvider", max_length=limits.WALLET_PROVIDER),
            "phone": text(self.phone, field="details.phone", max_length=limits.PHONE),
        }
