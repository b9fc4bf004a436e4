"""codCheckoutComplete: place a COD order from a checkout, once."""

import strawberry
from strawberry.types import Info

from ...error_codes import CodError
from ...flows.checkout import complete_checkout
from .. import shapes, types
from ..ids import decode
from ..language import speaking
from ..permissions import context_of


@strawberry.type
class CodCheckoutCompletePayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


@strawberry.mutation(description="Place a COD order; the checkout's current eligibility and terms are checked.")
def cod_checkout_complete(
    info: Info, checkout_id: strawberry.ID, accepted_terms_version: int, language_code: str | None = None
) -> CodCheckoutCompletePayload:
    try:
        with speaking(language_code):
            token = decode(checkout_id, "Checkout", field="checkoutId")
            order = complete_checkout(
                token,
                context=context_of(info),
                accepted_terms_version=accepted_terms_version,
                language=language_code,
            )
    except CodError as error:
        return CodCheckoutCompletePayload(order=None, errors=[shapes.error(error)])
    return CodCheckoutCompletePayload(order=shapes.order_detail(order.pk), errors=[])
