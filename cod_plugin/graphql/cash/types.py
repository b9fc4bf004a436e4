"""Output types of the cash API: remittances with their lines and exceptions, cash in hand, an order's money."""

from datetime import date, datetime

import strawberry
from strawberry.relay import to_base64

from ..orders import PageInfo
from ..types import Money
from .enums import (
    CodReconciliationExceptionKind,
    CodReconciliationExceptionStatus,
    CodReconciliationOutcome,
    CodRemittanceLineStatus,
    CodRemittanceSource,
    CodRemittanceStatus,
)


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(to_base64(type_name, pk))


@strawberry.type(description="A courier, as its cash is reported.")
class CodCashCourier:
    code: str
    name: str


@strawberry.type(description="The courier's deductions by kind, and their sum.")
class CodDeductions:
    cod_charge: Money = strawberry.field(description="The COD handling charge.")
    shipping: Money
    return_shipping: Money
    other: Money
    total: Money


@strawberry.type(description="An order named by a remittance line or an exception.")
class CodCashOrder:
    id: strawberry.ID
    number: str


@strawberry.type(description="The remittance that counts for an order.")
class CodRemittanceRef:
    id: strawberry.ID
    reference: str


@strawberry.type(description="The bank deposit recorded for a remittance.")
class CodDeposit:
    amount: Money
    deposited_on: date
    bank_reference: str


@strawberry.type(description="A difference finance must look at, resolved once with an outcome and a note.")
class CodReconciliationException:
    id: strawberry.ID
    kind: CodReconciliationExceptionKind
    status: CodReconciliationExceptionStatus
    expected: Money | None = strawberry.field(
        description="What was due: the amount to collect, the agreed charge, the net."
    )
    actual: Money | None = strawberry.field(description="What the courier reported or the bank received.")
    difference: Money = strawberry.field(description="Actual less expected.")
    remittance: CodRemittanceRef | None
    line_row: int | None = strawberry.field(description="The remittance line's row, for a line's exception.")
    order: CodCashOrder | None
    outcome: CodReconciliationOutcome | None
    note: str = strawberry.field(description="Finance's note on the resolution; empty for a courier.")
    resolved_by: str = strawberry.field(description="Who resolved it; empty for a courier.")
    resolved_at: datetime | None
    created_at: datetime


@strawberry.type
class CodRemittanceLine:
    row: int
    reference: str = strawberry.field(description="The order or tracking number the courier gave.")
    order: CodCashOrder | None = strawberry.field(description="The order it matched; null when none of the viewer's.")
    status: CodRemittanceLineStatus
    counted: bool = strawberry.field(description="Whether it counts as the order's remittance.")
    expected: Money | None = strawberry.field(description="The order's amount to collect.")
    collected: Money
    deductions: CodDeductions
    remitted: Money
    collected_on: date | None


@strawberry.type
class CodRemittanceLineEdge:
    cursor: str
    node: CodRemittanceLine


@strawberry.type
class CodRemittanceLineConnection:
    edges: list[CodRemittanceLineEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CodReconciliationExceptionEdge:
    cursor: str
    node: CodReconciliationException


@strawberry.type
class CodReconciliationExceptionConnection:
    edges: list[CodReconciliationExceptionEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A courier's statement that it paid over the cash of some orders.")
class CodRemittance:
    id: strawberry.ID
    courier: CodCashCourier
    reference: str = strawberry.field(description="The courier's reference, unique per courier.")
    remitted_on: date
    currency: str
    status: CodRemittanceStatus
    source: CodRemittanceSource
    total: Money = strawberry.field(description="The cash collected: the sum of the lines' collected.")
    deductions: CodDeductions
    net: Money = strawberry.field(description="What the courier deposits: the total less the deductions.")
    line_count: int
    open_exceptions: int
    deposit: CodDeposit | None = strawberry.field(description="Null until finance records the bank deposit.")
    created_at: datetime

    @staticmethod
    def global_id(pk: int) -> strawberry.ID:
        return global_id("CodRemittance", pk)


@strawberry.type
class CodRemittanceEdge:
    cursor: str
    node: CodRemittance


@strawberry.type
class CodRemittanceConnection:
    edges: list[CodRemittanceEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="The cash a courier collected and holds in one currency, aged in days since collection.")
class CodCashBucket:
    name: str = strawberry.field(description='Days held: "0-3", "4-7", "8-14" or "15+".')
    amount: Money
    orders: int


@strawberry.type(description="The cash one courier collected and has not remitted, in one currency.")
class CodCashHeld:
    courier: CodCashCourier
    currency: str
    deadline_days: int = strawberry.field(description="The courier's days to remit cash.")
    total: Money
    orders: int
    buckets: list[CodCashBucket]
    overdue: bool
    overdue_amount: Money
    overdue_orders: int
    oldest_days: int


@strawberry.type(description="Where an order's cash is: expected, collected, remitted and deposited.")
class CodOrderMoney:
    expected: Money = strawberry.field(description="The amount to collect.")
    collected: Money | None = strawberry.field(description="The courier's payment record; null without one.")
    collected_at: datetime | None
    remitted: Money | None = strawberry.field(description="The cash the counted remittance line reports.")
    remittance: CodRemittanceRef | None
    line_status: CodRemittanceLineStatus | None
    deposited: bool = strawberry.field(description="The remittance that counts for it is settled.")
    deposited_on: date | None
    open_exceptions: int
    exceptions: list[CodReconciliationException] = strawberry.field(description="All of the order's, open first.")
