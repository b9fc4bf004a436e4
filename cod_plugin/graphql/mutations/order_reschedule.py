"""codOrderReschedule: the customer or the courier picks or moves the delivery appointment."""

import strawberry
from strawberry.types import Info

from ...error_codes import CodError
from ...flows import delivery
from .. import shapes, types
from ..errors import permission_denied
from ..inputs import CodWindowInput
from ..orders import order_pk
from ..permissions import courier_of, customer_key_of, staff_may, user_of


@strawberry.type
class CodOrderReschedulePayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


def _who(info: Info) -> dict:
    """Staff act on any order; a courier on its own; anyone else only as the order's customer."""
    if staff_may(info, "codOrderReschedule"):
        return {}
    courier = courier_of(info)
    if courier is not None:
        return {"courier": courier}
    customer_key = customer_key_of(info)
    if customer_key is None:
        raise permission_denied()
    return {"customer_key": customer_key}


@strawberry.mutation(description="Pick or move the delivery appointment; moves are limited per channel.")
def cod_order_reschedule(info: Info, order_id: strawberry.ID, window: CodWindowInput) -> CodOrderReschedulePayload:
    who = _who(info)
    try:
        checked = window.to_window()
        order = delivery.reschedule(order_pk(order_id), checked, actor=user_of(info).get_username(), **who)
    except CodError as error:
        return CodOrderReschedulePayload(order=None, errors=[shapes.error(error)])
    return CodOrderReschedulePayload(order=shapes.order_detail(order.pk), errors=[])
