"""codReturnReceive: the goods of an approved return came back, wholly or in part; the refund's due date is set."""

import strawberry
from strawberry.types import Info

from ...error_codes import CodError
from ...flows import returns
from .. import shapes, types
from ..ids import decode_pk
from ..inputs import CodReturnLineInput, quantities
from ..permissions import require, user_of


@strawberry.type
class CodReturnReceivePayload:
    order: types.CodOrder | None
    return_request: types.CodReturn | None
    errors: list[types.CodError]


@strawberry.mutation(
    description="Record what came back of an approved return (support): a product left out came back 0, "
    "not all may be 0. The refund is due the channel's business days later."
)
def cod_return_receive(
    info: Info, return_id: strawberry.ID, lines: list[CodReturnLineInput]
) -> CodReturnReceivePayload:
    require(info, "codReturnReceive")
    try:
        received = returns.receive(
            decode_pk(return_id, "CodReturn", field="returnId"),
            received=quantities(lines),
            actor=user_of(info).get_username(),
        )
    except CodError as error:
        return CodReturnReceivePayload(order=None, return_request=None, errors=[shapes.error(error)])
    order = shapes.order_detail(received.order_id)
    return CodReturnReceivePayload(order=order, return_request=shapes.find_return(order, received.pk), errors=[])
