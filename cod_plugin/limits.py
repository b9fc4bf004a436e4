"""The stated length of every text a caller sends, read from the column that stores it (``rules.bounds`` checks).

A text kept only inside a JSON column (a note in the timeline, a refund's account details) has no column of its
own: its length is stated here, the same for the API, the webhook and the admin.
"""

from . import models


def _column(model, name: str) -> int:
    return model._meta.get_field(name).max_length


COURIER_CODE = _column(models.Courier, "code")
EVENT_ID = _column(models.CourierEvent, "event_id")
EVENT_TYPE = _column(models.CourierEvent, "kind")
ORDER_NUMBER = _column(models.CodOrder, "order_number")
TRACKING_NUMBER = _column(models.CodOrder, "tracking_number")
REASON = _column(models.CodOrderEvent, "reason")
NOTE = _column(models.CodOrder, "refusal_note")
RECEIPT = _column(models.CodPaymentRecord, "receipt")
METHOD = _column(models.CodPaymentRecord, "method")
CURRENCY = 3
VOUCHER_REFERENCE = _column(models.CodPaymentClaim, "reference")
REFUND_REFERENCE = _column(models.CodRefund, "reference")
IDEMPOTENCY_KEY = _column(models.CodRefund, "idempotency_key")
SKU = _column(models.CodReturnLine, "sku")
DECISION_NOTE = _column(models.CodReturnRequest, "decision_note")
DESCRIPTION = 2000
CHANNEL = _column(models.CodPolicy, "channel")
LANGUAGE = _column(models.CodTerms, "language")
# The key inside a Relay global ID (a checkout's token, a row's pk).
GLOBAL_ID_KEY = _column(models.CodOrder, "checkout_ref")
# What staff search orders by: an order number or the end of a phone number.
SEARCH = 100
# Refund details, kept in the refund's JSON column.
ACCOUNT_HOLDER = 255
IBAN = 42
WALLET_PROVIDER = 100
PHONE = _column(models.CodOrder, "phone")
# A changed shipping address: what the order keeps of it has its columns; the rest goes to the store, with the
# lengths of Saleor's and the sandbox's address (a store may refuse more through ``HostError``).
COUNTRY = _column(models.CodOrder, "country")
AREA = _column(models.CodOrder, "area")
POSTAL_CODE = _column(models.CodOrder, "postal_code")
NAME = 100
CITY = 100
STREET = 255
