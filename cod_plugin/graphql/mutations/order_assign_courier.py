"""codOrderAssignCourier: dispatch hands an order to a courier that serves its channel, before the parcel leaves."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import shipping
from .. import shapes, types
from ..inputs import text
from ..orders import order_pk
from ..permissions import require, user_of


@strawberry.type
class CodOrderAssignCourierPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


@strawberry.mutation(
    description="Hand the order to a courier (by its code) that serves the order's channel; a confirmed order is "
    "booked with a courier that has a booking API."
)
def cod_order_assign_courier(info: Info, order_id: strawberry.ID, courier: str) -> CodOrderAssignCourierPayload:
    require(info, "codOrderAssignCourier")
    try:
        pk, code = order_pk(order_id), text(courier, field="courier", max_length=limits.COURIER_CODE, required=True)
        order = shipping.assign(pk, code, actor=user_of(info).get_username())
    except CodError as error:
        return CodOrderAssignCourierPayload(order=None, errors=[shapes.error(error)])
    return CodOrderAssignCourierPayload(order=shapes.order_detail(order.pk), errors=[])
