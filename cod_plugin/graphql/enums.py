"""GraphQL enums, generated from the domain's enums so that the codes live in one place."""

from enum import Enum

import strawberry

from ..error_codes import CodErrorCode as DomainErrorCode
from ..error_codes import ReasonCode
from ..flows.delivery import EVENTS
from ..models import CodRefund, CodReturnRequest, RefundMethod, ReturnReason
from ..models.risk import DepositStatus
from ..rules.lifecycle import RefusalReason
from ..rules.policy import CollectionMethod
from ..rules.statuses import CodStatus
from ..rules.tiers import Tier


def _upper_enum(name: str, values, description: str):
    return strawberry.enum(Enum(name, {value.upper(): value for value in values}), description=description)


CodErrorCode = _upper_enum("CodErrorCode", [c.value for c in DomainErrorCode], "Why a COD request failed.")
CodReasonCode = _upper_enum("CodReasonCode", [c.value for c in ReasonCode], "Why COD is not offered.")
CodTier = _upper_enum("CodTier", [t.value for t in Tier], "A customer's COD permission tier.")
CodOrderStatus = _upper_enum("CodOrderStatus", CodStatus.values, "Where a COD order is in its life.")
CodCollectionMethod = _upper_enum(
    "CodCollectionMethod", CollectionMethod.ALL, "How the courier may collect the amount at the door."
)
CodDeliveryStatus = _upper_enum(
    "CodDeliveryStatus", [str(status) for status in EVENTS], "A status a courier or staff reports."
)
CodRefusalReason = _upper_enum(
    "CodRefusalReason",
    [r.value for r in RefusalReason],
    "Why the customer refused the parcel. DAMAGED, WRONG_ITEM and MISSING_ITEM are product problems (no strike); "
    "DELIVERY_DELAY is the courier's fault (no strike); the others are strikes.",
)
CodReturnReason = _upper_enum(
    "CodReturnReason",
    ReturnReason.values,
    "Why the customer sends goods back. Every reason but OTHER is a product problem (the COD fee may be refunded).",
)
CodReturnStatus = _upper_enum(
    "CodReturnStatus",
    CodReturnRequest.Status.values,
    "Where a return is: REQUESTED, then APPROVED or REJECTED; RECEIVED when the goods came back; REFUNDED when paid.",
)
CodRefundMethod = _upper_enum("CodRefundMethod", RefundMethod.values, "How the money goes back to a COD customer.")
CodOrderDepositStatus = _upper_enum(
    "CodOrderDepositStatus",
    DepositStatus.values,
    "PENDING until the store reports it paid; EXPIRED when unpaid past its deadline (or its order was cancelled); "
    "REFUNDED once any of it went back.",
)
CodRefundStatus = _upper_enum("CodRefundStatus", CodRefund.Status.values, "PENDING until the money went out.")
