"""codOrderConfirmByLink: the customer confirms or cancels from the link in the confirmation message."""

from enum import Enum

import strawberry

from ...error_codes import CodError
from ...flows import confirmation
from .. import shapes, types

CodLinkDecision = strawberry.enum(
    Enum("CodLinkDecision", {decision.name: decision.value for decision in confirmation.Decision}),
    description="The customer's choice on the confirmation link.",
)


@strawberry.type
class CodOrderConfirmByLinkPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


@strawberry.mutation(
    description="Confirm or cancel a pending order with the signed token of its confirmation link (no sign-in: the "
    "token is the credential). Errors: LINK_EXPIRED, INVALID, INVALID_TRANSITION."
)
def cod_order_confirm_by_link(token: str, decision: CodLinkDecision) -> CodOrderConfirmByLinkPayload:
    try:
        order = confirmation.confirm_by_link(token, confirmation.Decision(decision.value))
    except CodError as error:
        return CodOrderConfirmByLinkPayload(order=None, errors=[shapes.error(error)])
    return CodOrderConfirmByLinkPayload(order=shapes.order_detail(order.pk), errors=[])
