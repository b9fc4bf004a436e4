"""Input types shared by the order mutations."""

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
