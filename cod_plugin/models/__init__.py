"""The plugin's tables, by domain; every model is imported from here (``from cod_plugin.models import CodOrder``)."""

from .cash import (
    CodBankStatementLine,
    CodReconciliationException,
    CodRemittance,
    CodRemittanceFile,
    CodRemittanceLine,
    CodRemittanceStaging,
    CourierReportMapping,
)
from .couriers import Courier, CourierEvent
from .customers import CodCustomerProfile, CodProfileEvent
from .jobs import CodJob
from .notifications import Notification
from .orders import CodOrder, CodOrderEvent, CodPaymentClaim, CodPaymentRecord
from .policies import (
    CodPolicy,
    CodRegion,
    CodTerms,
    default_limit_currency,
    default_new_customer_limit,
    default_trusted_customer_limit,
)
from .returns import CodRefund, CodReturnLine, CodReturnPhoto, CodReturnRequest, RefundMethod, ReturnReason
from .risk import CodOrderDeposit, CodOrderLine, CodRiskAlert, DepositStatus

__all__ = [
    "CodBankStatementLine",
    "CodCustomerProfile",
    "CodJob",
    "CodOrder",
    "CodOrderDeposit",
    "CodOrderLine",
    "CodRiskAlert",
    "DepositStatus",
    "CodOrderEvent",
    "CodPaymentClaim",
    "CodPaymentRecord",
    "CodPolicy",
    "CodProfileEvent",
    "CodReconciliationException",
    "CodRefund",
    "CodRegion",
    "CodRemittance",
    "CodRemittanceFile",
    "CodRemittanceLine",
    "CodRemittanceStaging",
    "CodReturnLine",
    "CodReturnPhoto",
    "CodReturnRequest",
    "CodTerms",
    "Courier",
    "CourierEvent",
    "CourierReportMapping",
    "Notification",
    "RefundMethod",
    "ReturnReason",
    "default_limit_currency",
    "default_new_customer_limit",
    "default_trusted_customer_limit",
]
