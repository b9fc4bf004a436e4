"""codOrderRecordPayment: staff enter the courier's receipt for a delivered order."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import payment
from .. import shapes, types
from ..enums import CodCollectionMethod
from ..inputs import MoneyInput, text
from ..orders import order_pk
from ..permissions import require, user_of


@strawberry.type
class CodOrderRecordPaymentPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


@strawberry.mutation(description="Enter the courier's payment record (or correct it); the order completes on it.")
def cod_order_record_payment(
    info: Info, order_id: strawberry.ID, collected_amount: MoneyInput, method: CodCollectionMethod, receipt: str
) -> CodOrderRecordPaymentPayload:
    require(info, "codOrderRecordPayment")
    try:
        order = payment.record_by_staff(
            order_pk(order_id),
            amount=collected_amount.to_amount("collectedAmount"),
            currency=collected_amount.code("collectedAmount"),
            method=method.value,
            receipt=text(receipt, field="receipt", max_length=limits.RECEIPT),
            actor=user_of(info).get_username(),
        )
    except CodError as error:
        return CodOrderRecordPaymentPayload(order=None, errors=[shapes.error(error)])
    return CodOrderRecordPaymentPayload(order=shapes.order_detail(order.pk), errors=[])
