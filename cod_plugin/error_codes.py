"""Stable codes: why COD is not offered (reasons) and why a request failed (errors)."""

from enum import StrEnum


class ReasonCode(StrEnum):
    COD_DISABLED = "cod_disabled"
    CURRENCY_MISMATCH = "currency_mismatch"
    EMPTY_CART = "empty_cart"
    QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
    DIGITAL_ONLY_CART = "digital_only_cart"
    DIGITAL_PRODUCT = "digital_product"
    EXCLUDED_PRODUCT = "excluded_product"
    EXCLUDED_CATEGORY = "excluded_category"
    ITEM_PRICE_OVER_CAP = "item_price_over_cap"
    SHIPPING_ADDRESS_MISSING = "shipping_address_missing"
    REGION_NOT_COVERED = "region_not_covered"
    REMOTE_AREA = "remote_area"
    DELIVERY_METHOD_MISSING = "delivery_method_missing"
    DELIVERY_METHOD_CANNOT_COLLECT = "delivery_method_cannot_collect"
    AMOUNT_OVER_LIMIT = "amount_over_limit"
    REGION_ORDER_CAP = "region_order_cap"
    EXCHANGE_RATE_MISSING = "exchange_rate_missing"
    CUSTOMER_SUSPENDED = "customer_suspended"
    CUSTOMER_REVOKED = "customer_revoked"
    UNPAID_PENALTY = "unpaid_penalty"
    TERMS_MISSING = "terms_missing"
    AMOUNT_TOO_LARGE = "amount_too_large"
    RISK_TOO_HIGH = "risk_too_high"


class CodErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    NOT_ELIGIBLE = "not_eligible"
    TERMS_VERSION_MISMATCH = "terms_version_mismatch"
    INSUFFICIENT_STOCK = "insufficient_stock"
    INVALID_TRANSITION = "invalid_transition"
    RESCHEDULE_LIMIT = "reschedule_limit"
    LINK_EXPIRED = "link_expired"
    CURRENCY_MISMATCH = "currency_mismatch"
    STORE_REFUSED = "store_refused"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    RETURN_NOT_REFUNDABLE = "return_not_refundable"
    REFUND_TOO_LARGE = "refund_too_large"
    INVALID_IBAN = "invalid_iban"
    # Couriers' cash: remittances, their files and lines, deposits and exceptions.
    UNKNOWN_COURIER = "unknown_courier"
    UNKNOWN_ORDER = "unknown_order"
    OTHER_COURIER_ORDER = "other_courier_order"
    NEGATIVE_AMOUNT = "negative_amount"
    AMOUNT_PRECISION = "amount_precision"
    AMOUNT_TOO_LARGE = "amount_too_large"
    BAD_NUMBER = "bad_number"
    BAD_DATE = "bad_date"
    TOTAL_MISMATCH = "total_mismatch"
    NET_MISMATCH = "net_mismatch"
    DEDUCTIONS_MISMATCH = "deductions_mismatch"
    LINE_MISMATCH = "line_mismatch"
    DUPLICATE_REFERENCE = "duplicate_reference"
    DUPLICATE_LINE = "duplicate_line"
    MISSING_COLUMN = "missing_column"
    UNREADABLE_FILE = "unreadable_file"
    EMPTY_REMITTANCE = "empty_remittance"
    ALREADY_RESOLVED = "already_resolved"
    # Screening and partial COD
    AGENT_CALL_REQUIRED = "agent_call_required"
    DEPOSIT_NOT_PENDING = "deposit_not_pending"
    DEPOSIT_UNAVAILABLE = "deposit_unavailable"
    REGION_NOT_COVERED = "region_not_covered"


class CodError(Exception):
    """A failure the caller caused; entry points map it to ``{field, message, code}``."""

    def __init__(self, code: CodErrorCode, message: str, *, field: str | None = None, reasons=(), status=None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.reasons = tuple(reasons)
        self.status = status
