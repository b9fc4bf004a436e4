"""codReturnApprove: support accepts a return request; the customer may send the goods back."""

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
class CodReturnApprovePayload:
    order: types.CodOrder | None
    return_request: types.CodReturn | None
    errors: list[types.CodError]


def _note(note: str) -> str:
    return text(note, field="note", max_length=limits.DECISION_NOTE)


@strawberry.mutation(description="Approve a requested return (support); approving twice changes nothing.")
def cod_return_approve(info: Info, return_id: strawberry.ID, note: str = "") -> CodReturnApprovePayload:
    require(info, "codReturnApprove")
    try:
        approved = returns.approve(
            decode_pk(return_id, "CodReturn", field="returnId"), actor=user_of(info).get_username(), note=_note(note)
        )
    except CodError as error:
        return CodReturnApprovePayload(order=None, return_request=None, errors=[shapes.error(error)])
    order = shapes.order_detail(approved.order_id)
    return CodReturnApprovePayload(order=order, return_request=shapes.find_return(order, approved.pk), errors=[])
