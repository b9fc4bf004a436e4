"""codRemittanceCreate: a courier's API (its own remittances only) or finance posts a remittance, once per
reference."""

import strawberry
from strawberry.types import Info

from ....error_codes import CodError
from ....flows import remittances
from ... import shapes as base_shapes
from ... import types as base_types
from ...permissions import courier_of, denied, require, user_of
from .. import shapes, types
from ..inputs import CodRemittanceInput, checked
from ..queries import find_courier


@strawberry.type
class CodRemittanceCreatePayload:
    remittance: types.CodRemittance | None
    created: bool = strawberry.field(description="False when the same remittance was posted before (a replay).")
    errors: list[base_types.CodError]


@strawberry.mutation(
    description="Post a courier's remittance (the courier's own account, or finance naming the courier). The same "
    "reference with the same content returns the remittance made before; with other content DUPLICATE_REFERENCE. "
    "Codes include UNKNOWN_COURIER, UNKNOWN_ORDER, OTHER_COURIER_ORDER, CURRENCY_MISMATCH, NEGATIVE_AMOUNT, "
    "AMOUNT_PRECISION, TOTAL_MISMATCH, NET_MISMATCH, DEDUCTIONS_MISMATCH, LINE_MISMATCH, DUPLICATE_LINE."
)
def cod_remittance_create(info: Info, input: CodRemittanceInput) -> CodRemittanceCreatePayload:
    own = courier_of(info)
    if own is None:
        require(info, "codRemittanceCreate")
    elif input.courier is not None and input.courier != own.code:
        raise denied()
    try:
        courier = own or find_courier(input.courier)
        given = checked(input)
        remittance, created = remittances.create(
            courier,
            remittances.Header(**given.header),
            [remittances.Line(**line) for line in given.lines],
            actor=user_of(info).get_username(),
            strict=own is not None,
            source="api",
        )
    except CodError as error:
        return CodRemittanceCreatePayload(remittance=None, created=False, errors=[base_shapes.error(error)])
    remittance.courier = courier
    return CodRemittanceCreatePayload(remittance=shapes.remittance(remittance), created=created, errors=[])
