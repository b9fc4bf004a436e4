"""codRefundMarkPaid: the refund went out, with its payment reference; the first one makes the order REFUNDED."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import refunds
from .. import shapes, types
from ..ids import decode_pk
from ..inputs import text
from ..permissions import require, user_of


@strawberry.type
class CodRefundMarkPaidPayload:
    order: types.CodOrder | None
    refund: types.CodRefund | None
    errors: list[types.CodError]


@strawberry.mutation(
    description="Mark a refund paid with its reference (support); the same reference again changes nothing."
)
def cod_refund_mark_paid(info: Info, refund_id: strawberry.ID, reference: str) -> CodRefundMarkPaidPayload:
    require(info, "codRefundMarkPaid")
    try:
        refund = refunds.mark_paid(
            decode_pk(refund_id, "CodRefund", field="refundId"),
            reference=text(reference, field="reference", max_length=limits.REFUND_REFERENCE),
            actor=user_of(info).get_username(),
        )
    except CodError as error:
        return CodRefundMarkPaidPayload(order=None, refund=None, errors=[shapes.error(error)])
    order = shapes.order_detail(refund.order_id)
    return CodRefundMarkPaidPayload(order=order, refund=shapes.find_refund(order, refund.pk), errors=[])
