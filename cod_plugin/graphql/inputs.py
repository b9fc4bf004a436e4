"""Input types shared by the order, return and refund mutations."""

from collections import Counter
from datetime import datetime
from decimal import Decimal

import strawberry

from ..flows.delivery import Window


@strawberry.input
class CodWindowInput:
    start: datetime
    end: datetime

    def to_window(self) -> Window:
        return Window(start=self.start, end=self.end)


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency: str


@strawberry.input
class CodReturnLineInput:
    sku: str
    quantity: int


def quantities(lines: list[CodReturnLineInput]) -> dict[str, int]:
    """SKU to quantity; a SKU given twice counts once with both quantities."""
    counted: Counter = Counter()
    for line in lines:
        counted[line.sku.strip()] += line.quantity
    return dict(counted)


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
        return {
            "account_holder": self.account_holder,
            "iban": self.iban,
            "provider": self.wallet_provider,
            "phone": self.phone,
        }
