"""codReturnRequestCreate: the customer asks to send goods back after paying, with a reason and photos."""

from typing import Annotated

import strawberry
from django.utils.translation import gettext as _
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import returns
from ...host import get_adapter
from .. import images, shapes, types
from ..enums import CodReturnReason
from ..errors import permission_denied
from ..inputs import CodReturnLineInput, quantities, text
from ..orders import order_pk
from ..permissions import context_of


@strawberry.type
class CodReturnRequestCreatePayload:
    order: types.CodOrder | None
    return_request: types.CodReturn | None
    errors: list[types.CodError]


def _photos(encoded: list[str]) -> list[bytes]:
    message = _("Each photo must be a PNG or JPEG of at most 2 MB.")
    return [images.decode(photo, field="photos", message=message) for photo in encoded]


@strawberry.mutation(
    description="The customer asks to return products of a completed order, within the channel's return window."
)
def cod_return_request_create(
    info: Info,
    order_id: strawberry.ID,
    lines: list[CodReturnLineInput],
    reason: CodReturnReason,
    description: str = "",
    photos: Annotated[
        list[str] | None, strawberry.argument(description="At most 5 PNG or JPEG photos, base64-encoded, 2 MB each.")
    ] = None,
) -> CodReturnRequestCreatePayload:
    customer = get_adapter().get_customer(context_of(info))
    if customer is None:
        raise permission_denied()
    try:
        created = returns.request(
            order_pk(order_id),
            customer=customer,
            lines=quantities(lines),
            reason=reason.value,
            description=text(description, field="description", max_length=limits.DESCRIPTION),
            photos=_photos(photos or []),
        )
    except CodError as error:
        return CodReturnRequestCreatePayload(order=None, return_request=None, errors=[shapes.error(error)])
    order = shapes.order_detail(created.order_id)
    return CodReturnRequestCreatePayload(order=order, return_request=shapes.find_return(order, created.pk), errors=[])
