"""codReturnReject: support refuses a return request, with the reason the customer reads."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import returns
from .. import shapes, types
from ..ids import decode_pk
from ..inputs import text
from ..permissions import require, user_of


@strawberry.type
class CodReturnRejectPayload:
    order: types.CodOrder | None
    return_request: types.CodReturn | None
    errors: list[types.CodError]


def _reason(reason: str) -> str:
    return text(reason, field="reason", max_length=limits.DECISION_NOTE)


@strawberry.mutation(description="Reject a requested return (support), with a reason; it can never be refunded.")
def cod_return_reject(info: Info, return_id: strawberry.ID, reason: str) -> CodReturnRejectPayload:
    require(info, "codReturnReject")
    try:
        pk, reason = decode_pk(return_id, "CodReturn", field="returnId"), _reason(reason)
        rejected = returns.reject(pk, actor=user_of(info).get_username(), reason=reason)
    except CodError as error:
        return CodReturnRejectPayload(order=None, return_request=None, errors=[shapes.error(error)])
    order = shapes.order_detail(rejected.order_id)
    return CodReturnRejectPayload(order=order, return_request=shapes.find_return(order, rejected.pk), errors=[])
