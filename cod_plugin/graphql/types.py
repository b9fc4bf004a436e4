"""Output types of the plugin's GraphQL API."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry.scalars
from strawberry.relay import to_base64
from strawberry.types import Info

from ..money import round_money
from .enums import (
    CodCollectionMethod,
    CodErrorCode,
    CodOrderStatus,
    CodReasonCode,
    CodRefundMethod,
    CodRefundStatus,
    CodReturnReason,
    CodReturnStatus,
    CodTier,
)

if TYPE_CHECKING:
    from .cash.types import CodOrderMoney
    from .deposits import CodOrderDeposit
    from .risk.types import CodEligibilityDeposit, CodRisk


@strawberry.type(description="An amount in a currency; the amount is a decimal string in the currency's minor units.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Decimal | None, currency: str) -> "Money | None":
        return None if amount is None else cls(amount=round_money(amount, currency), currency=currency)


@strawberry.type
class CodReason:
    code: CodReasonCode
    message: str
    skus: list[str] = strawberry.field(description="The cart lines the reason is about, when it is about lines.")


@strawberry.type
class CodError:
    field: str | None
    message: str
    code: CodErrorCode
    reasons: list[CodReason] = strawberry.field(description="With NOT_ELIGIBLE: every reason why.")


@strawberry.type
class CodTerms:
    version: int
    language: str
    text: str


@strawberry.type
class CodTierLimit:
    tier: CodTier
    limit: Money


@strawberry.type
class CodSettings:
    channel: str
    enabled: bool
    currency: str
    fee_description: str
    fee_percent: Decimal
    fee_fixed: Money
    fee_minimum: Money | None
    fee_maximum: Money | None
    fee_waiver_above: Money | None
    limits: list[CodTierLimit]
    max_delivery_days: int
    collection_methods: list[CodCollectionMethod]
    terms: CodTerms | None


@strawberry.type
class CodEligibility:
    is_eligible: bool
    reasons: list[CodReason]
    order_amount: Money = strawberry.field(description="Goods plus shipping, before the COD fee.")
    fee: Money = strawberry.field(description="The COD fee, its own line on the order.")
    amount_to_collect: Money = strawberry.field(description="What the courier collects: order amount plus fee.")
    limit: Money = strawberry.field(description="The customer's COD order limit, in the limit currency.")
    tier: CodTier
    terms: CodTerms | None
    collection_methods: list[CodCollectionMethod]
    deposit: Annotated["CodEligibilityDeposit", strawberry.lazy("cod_plugin.graphql.risk.types")] = strawberry.field(
        description="Partial COD: a part to pay online before the order goes on (the screening's DEPOSIT action, or "
        "an amount above the channel's deposit threshold)."
    )


@strawberry.type
class CodAppointment:
    start: datetime
    end: datetime


@strawberry.type(description="One line of the order's timeline.")
class CodTimelineEvent:
    kind: str
    from_status: CodOrderStatus | None
    to_status: CodOrderStatus | None
    actor: str
    reason: str
    data: strawberry.scalars.JSON
    created_at: datetime


@strawberry.type(description="The customer's Paid click with its voucher.")
class CodPaymentClaim:
    reference: str
    method: str
    has_image: bool
    created_at: datetime


@strawberry.type(description="The courier's record of the cash collected.")
class CodPaymentRecord:
    amount: Money
    method: str
    receipt: str
    source: str
    created_at: datetime


@strawberry.type
class CodRefusal:
    reason: str
    note: str


@strawberry.type
class CodOrderFlags:
    confirmation_overdue: bool
    claim_unverified: bool
    amount_discrepancy: bool
    refund_overdue: bool = strawberry.field(description="A return's refund is not paid by its due date.")


@strawberry.type(description="One product of a return: what was asked back and what came back.")
class CodReturnLine:
    sku: str
    name: str
    quantity: int
    received_quantity: int | None = strawberry.field(description="Null until the goods are received.")


@strawberry.type(description="The customer's request to send goods back after paying, and where it is.")
class CodReturn:
    id: strawberry.ID
    status: CodReturnStatus
    reason: CodReturnReason
    description: str
    lines: list[CodReturnLine]
    decision_note: str = strawberry.field(description="Support's note on approval, or the reason of a rejection.")
    received_at: datetime | None
    refund_due: date | None = strawberry.field(
        description="The day the refund is due: the channel's business days after the goods came back."
    )
    refund_overdue: bool
    created_at: datetime

    @staticmethod
    def global_id(pk: int) -> strawberry.ID:
        return strawberry.ID(to_base64("CodReturn", pk))


@strawberry.type(description="Money given back to the customer; the account is shown by its last 4 characters only.")
class CodRefund:
    id: strawberry.ID
    amount: Money
    method: CodRefundMethod
    status: CodRefundStatus
    reference: str = strawberry.field(description="The payment reference (a transfer number) once paid.")
    includes_fee: bool = strawberry.field(description="Whether the COD fee is given back with it.")
    account_last4: str | None = strawberry.field(description="The last 4 characters of the IBAN or wallet number.")
    return_id: strawberry.ID | None
    created_at: datetime
    paid_at: datetime | None

    @staticmethod
    def global_id(pk: int) -> strawberry.ID:
        return strawberry.ID(to_base64("CodRefund", pk))


@strawberry.type(description="The delivery company carrying the order.")
class CodCourier:
    name: str


@strawberry.type
class CodOrder:
    id: strawberry.ID
    order_id: str = strawberry.field(description="The store's order reference.")
    number: str
    channel: str
    status: CodOrderStatus
    order_amount: Money
    fee: Money
    amount_to_collect: Money
    terms_version: int
    collection_methods: list[CodCollectionMethod]
    created_at: datetime
    tracking_number: str
    courier: CodCourier | None = strawberry.field(description="Null until the order is handed to a courier.")
    appointment: CodAppointment | None
    reschedules_left: int
    confirmation_attempts: int
    timeline: list[CodTimelineEvent]
    claim: CodPaymentClaim | None
    payment: CodPaymentRecord | None
    refusal: CodRefusal | None
    flags: CodOrderFlags
    returns: list[CodReturn]
    refunds: list[CodRefund]
    refunded_amount: Money = strawberry.field(description="What paid refunds gave back.")
    refundable_amount: Money | None = strawberry.field(
        description="What was collected (with the deposit paid online) less every refund made, pending or paid; "
        "null before anything is collected."
    )
    pk: strawberry.Private[int] = 0
    money_batch: strawberry.Private[object] = None  # graphql.cash.money.MoneyBatch of the orders shaped together
    risk_stored: strawberry.Private[object] = None  # the order row, whose stored screening ``risk`` reads
    deposit_shape: strawberry.Private[object] = None  # graphql.deposits.CodOrderDeposit, read with the order

    @strawberry.field(
        description="The part paid online before the order goes on (partial COD), for the customer and staff; null "
        "when none (and for a courier)."
    )
    def deposit(
        self, info: Info
    ) -> Annotated["CodOrderDeposit", strawberry.lazy("cod_plugin.graphql.deposits")] | None:
        from .deposits import visible

        return visible(info, self.deposit_shape)

    risk_stored: strawberry.Private[object] = None  # the order row, whose stored screening ``risk`` reads

    @strawberry.field(
        description="Where the order's cash is: collected, remitted, deposited, its exceptions. Finance only (null "
        "for anyone else)."
    )
    def money(self, info: Info) -> Annotated["CodOrderMoney", strawberry.lazy("cod_plugin.graphql.cash.types")] | None:
        from .cash.money import order_money  # the cash package builds on this module's types

        return order_money(self, info)

    @strawberry.field(
        description="The screening: score, band, action and each signal in words. Staff who read orders only (null "
        "for customers and couriers)."
    )
    def risk(self, info: Info) -> Annotated["CodRisk", strawberry.lazy("cod_plugin.graphql.risk.types")] | None:
        from .risk.shapes import order_risk  # the risk package builds on this module's types

        return order_risk(self, info)

    @staticmethod
    def global_id(pk: int) -> strawberry.ID:
        return strawberry.ID(to_base64("CodOrder", pk))


@strawberry.type
class CodProfile:
    tier: CodTier
    limit: Money
    completed_orders: int
    strikes: int
    suspended_until: datetime | None
    revoked: bool
    outstanding_penalty: Money | None
