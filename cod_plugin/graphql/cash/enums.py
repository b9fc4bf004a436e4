"""The cash API's enums, generated from the domain's choices so that the values live in one place."""

from ...models import CodReconciliationException, CodRemittance
from ...rules.reconciliation import ExceptionKind, LineStatus, Outcome
from ..enums import _upper_enum

CodRemittanceStatus = _upper_enum(
    "CodRemittanceStatus",
    CodRemittance.Status.values,
    "AWAITING_DEPOSIT until finance records the bank deposit; SETTLED when it is the net; DEPOSIT_DIFFERS otherwise.",
)
CodRemittanceSource = _upper_enum("CodRemittanceSource", ["api", "file"], "How a remittance came in.")
CodRemittanceLineStatus = _upper_enum(
    "CodRemittanceLineStatus",
    LineStatus.values,
    "How a remittance line stands against its order. MATCHED, SHORT and EXCESS count as the order's remittance.",
)
CodReconciliationExceptionKind = _upper_enum(
    "CodReconciliationExceptionKind", ExceptionKind.values, "What finance must look at."
)
CodReconciliationExceptionStatus = _upper_enum(
    "CodReconciliationExceptionStatus", CodReconciliationException.Status.values, "OPEN until resolved, once."
)
CodReconciliationOutcome = _upper_enum(
    "CodReconciliationOutcome",
    Outcome.values,
    "How an exception was resolved. MATCHED_BY_HAND gives the line the order finance found for it.",
)
