"""codOrderMarkPaid: the customer's "Paid" click with a voucher; it claims, the courier's record completes."""

import strawberry
from django.utils.translation import gettext as _
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError
from ...flows import payment
from ...host import get_adapter
from .. import images, shapes, types
from ..enums import CodCollectionMethod
from ..errors import permission_denied
from ..inputs import text
from ..orders import order_pk
from ..permissions import context_of


@strawberry.input
class CodVoucherInput:
    reference: str = strawberry.field(description="The receipt number the courier gave.")
    image: str | None = strawberry.field(default=None, description="A PNG or JPEG photo, base64-encoded.")


@strawberry.type
class CodOrderMarkPaidPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


def _image(encoded: str | None) -> bytes | None:
    if not encoded:
        return None
    return images.decode(
        encoded, field="voucher.image", message=_("The voucher image must be a PNG or JPEG of at most 2 MB.")
    )


def _reference(voucher: CodVoucherInput) -> str:
    return text(voucher.reference, field="voucher.reference", max_length=limits.VOUCHER_REFERENCE, required=True)


@strawberry.mutation(
    description="The customer's Paid click, with the courier's receipt; repeated clicks make one claim."
)
def cod_order_mark_paid(
    info: Info, order_id: strawberry.ID, voucher: CodVoucherInput, method: CodCollectionMethod
) -> CodOrderMarkPaidPayload:
    customer = get_adapter().get_customer(context_of(info))
    if customer is None:
        raise permission_denied()
    try:
        claim = payment.mark_paid(
            order_pk(order_id),
            customer=customer,
            reference=_reference(voucher),
            method=method.value,
            image=_image(voucher.image),
        )
    except CodError as error:
        return CodOrderMarkPaidPayload(order=None, errors=[shapes.error(error)])
    return CodOrderMarkPaidPayload(order=shapes.order_detail(claim.order_id), errors=[])
