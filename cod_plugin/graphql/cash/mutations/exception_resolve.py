"""codReconciliationExceptionResolve: finance resolves an exception once, with an outcome and a note."""

import strawberry
from strawberry.types import Info

from ....error_codes import CodError
from ....flows import cash
from ....models import CodReconciliationException
from ... import shapes as base_shapes
from ... import types as base_types
from ...ids import decode_pk
from ...orders import order_pk
from ...permissions import require, user_of
from .. import shapes, types
from ..enums import CodReconciliationOutcome


@strawberry.type
class CodReconciliationExceptionResolvePayload:
    exception: types.CodReconciliationException | None
    errors: list[base_types.CodError]


@strawberry.mutation(
    description="Resolve an open exception with an outcome and a note (finance); MATCHED_BY_HAND takes the order "
    "the line is for (an order of the same courier). Codes include ALREADY_RESOLVED, UNKNOWN_ORDER, "
    "OTHER_COURIER_ORDER."
)
def cod_reconciliation_exception_resolve(
    info: Info,
    exception_id: strawberry.ID,
    outcome: CodReconciliationOutcome,
    note: str,
    order_id: strawberry.ID | None = None,
) -> CodReconciliationExceptionResolvePayload:
    require(info, "codReconciliationExceptionResolve")
    try:
        resolved = cash.resolve(
            decode_pk(exception_id, "CodReconciliationException", field="exceptionId"),
            outcome=outcome.value,
            note=note,
            actor=user_of(info).get_username(),
            order_pk=order_pk(order_id) if order_id else None,
        )
    except CodError as error:
        return CodReconciliationExceptionResolvePayload(exception=None, errors=[base_shapes.error(error)])
    item = CodReconciliationException.objects.select_related("remittance", "line", "order").get(pk=resolved.pk)
    return CodReconciliationExceptionResolvePayload(exception=shapes.exception(item), errors=[])
