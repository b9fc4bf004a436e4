"""codOrderUpdateStatus: a courier's or staff member's report of where the parcel is."""

import strawberry
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import delivery
from ...permissions import DELIVERED_WITH_PAYMENT
from .. import shapes, types
from ..enums import CodCollectionMethod, CodDeliveryStatus, CodRefusalReason
from ..inputs import CodWindowInput, MoneyInput, text
from ..orders import order_pk
from ..permissions import courier_of, require, user_of


@strawberry.input
class CodStatusUpdateInput:
    status: CodDeliveryStatus
    tracking_number: str = ""
    window: CodWindowInput | None = strawberry.field(default=None, description="With OUT_FOR_DELIVERY.")
    reason: CodRefusalReason | None = strawberry.field(default=None, description="With REFUSED.")
    note: str = ""
    collected_amount: MoneyInput | None = strawberry.field(default=None, description="With DELIVERED.")
    collection_method: CodCollectionMethod | None = None
    receipt: str = strawberry.field(default="", description="The courier's receipt reference.")


@strawberry.type
class CodOrderUpdateStatusPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


def _update(data: CodStatusUpdateInput) -> delivery.StatusUpdate:
    money, method = data.collected_amount, data.collection_method
    collected = money and delivery.Collected(
        amount=money.to_amount("collectedAmount"),
        currency=money.code("collectedAmount"),
        method=(method.value if method else "cash"),
        receipt=text(data.receipt, field="receipt", max_length=limits.RECEIPT),
    )
    return delivery.StatusUpdate(
        status=data.status.value,
        tracking_number=text(data.tracking_number, field="trackingNumber", max_length=limits.TRACKING_NUMBER),
        window=data.window and data.window.to_window(),
        reason=data.reason.value if data.reason else "",
        note=text(data.note, field="note", max_length=limits.NOTE),
        collected=collected,
    )


@strawberry.mutation(description="Report a delivery status (COD staff, or the order's courier).")
def cod_order_update_status(
    info: Info, order_id: strawberry.ID, input: CodStatusUpdateInput
) -> CodOrderUpdateStatusPayload:
    courier = courier_of(info)
    if courier is None:
        require(info, "codOrderUpdateStatus")
        if input.collected_amount is not None:
            require(info, DELIVERED_WITH_PAYMENT)
    try:
        update = _update(input)
        order = delivery.update_status(order_pk(order_id), update, actor=user_of(info).get_username(), courier=courier)
    except CodError as error:
        return CodOrderUpdateStatusPayload(order=None, errors=[shapes.error(error)])
    return CodOrderUpdateStatusPayload(order=shapes.order_detail(order.pk), errors=[])
