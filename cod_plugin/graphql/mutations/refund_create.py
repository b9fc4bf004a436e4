"""codRefundCreate: support refunds a COD customer, once per idempotency key, never above what is left."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import refunds
from .. import shapes, types
from ..enums import CodRefundMethod
from ..ids import decode_pk
from ..inputs import CodRefundDetailsInput, MoneyInput, text
from ..orders import order_pk
from ..permissions import require, user_of


@strawberry.type
class CodRefundCreatePayload:
    order: types.CodOrder | None
    refund: types.CodRefund | None
    errors: list[types.CodError]


@strawberry.mutation(
    description="Refund a completed order (support), for a received return or none. The same idempotencyKey "
    "again returns the refund it made. Codes include REFUND_TOO_LARGE, RETURN_NOT_REFUNDABLE, INVALID_IBAN."
)
def cod_refund_create(
    info: Info,
    order_id: strawberry.ID,
    amount: MoneyInput,
    method: CodRefundMethod,
    idempotency_key: str,
    return_id: strawberry.ID | None = None,
    details: CodRefundDetailsInput | None = None,
) -> CodRefundCreatePayload:
    require(info, "codRefundCreate")
    try:
        refund = refunds.create(
            order_pk(order_id),
            amount=amount.to_amount("amount"),
            currency=amount.code("amount"),
            method=method.value,
            details=(details or CodRefundDetailsInput()).to_details(),
            idempotency_key=text(idempotency_key, field="idempotencyKey", max_length=limits.IDEMPOTENCY_KEY),
            actor=user_of(info).get_username(),
            return_pk=decode_pk(return_id, "CodReturn", field="returnId") if return_id else None,
        )
    except CodError as error:
        return CodRefundCreatePayload(order=None, refund=None, errors=[shapes.error(error)])
    order = shapes.order_detail(refund.order_id)
    return CodRefundCreatePayload(order=order, refund=shapes.find_refund(order, refund.pk), errors=[])
