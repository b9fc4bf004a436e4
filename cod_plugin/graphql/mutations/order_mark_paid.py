"""codOrderMarkPaid: the customer's "Paid" click with a voucher; it claims, the courier's record completes."""

import base64
import binascii

import strawberry
from django.utils.translation import gettext as _
from strawberry.types import Info

from ...error_codes import CodError, CodErrorCode
from ...flows import payment
from ...host import get_adapter
from .. import shapes, types
from ..enums import CodCollectionMethod
from ..errors import permission_denied
from ..orders import order_pk
from ..permissions import user_of

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


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
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data.startswith(IMAGE_SIGNATURES) or len(data) > MAX_IMAGE_BYTES:
        raise CodError(
            CodErrorCode.INVALID, _("The voucher image must be a PNG or JPEG of at most 2 MB."), field="voucher.image"
        )
    return data


def _reference(voucher: CodVoucherInput) -> str:
    reference = voucher.reference.strip()
    if not reference or len(reference) > 100:
        raise CodError(
            CodErrorCode.REQUIRED, _("Enter the receipt number (at most 100 characters)."), field="voucher.reference"
        )
    return reference


@strawberry.mutation(
    description="The customer's Paid click, with the courier's receipt; repeated clicks make one claim."
)
def cod_order_mark_paid(
    info: Info, order_id: strawberry.ID, voucher: CodVoucherInput, method: CodCollectionMethod
) -> CodOrderMarkPaidPayload:
    customer = get_adapter().get_customer(user_of(info))
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
