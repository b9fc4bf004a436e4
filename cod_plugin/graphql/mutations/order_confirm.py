"""codOrderConfirm: a confirmation agent records the outcome of the call to the customer."""

from enum import Enum

import strawberry
from strawberry.types import Info

from ...error_codes import CodError
from ...flows import confirmation
from ...host import AddressSnapshot, OrderChanges
from ...rules.lifecycle import ConfirmationOutcome
from .. import shapes, types
from ..orders import order_pk
from ..permissions import require, user_of

CodConfirmationOutcome = strawberry.enum(
    Enum("CodConfirmationOutcome", {outcome.name: outcome.value for outcome in ConfirmationOutcome}),
    description="How a confirmation call ended. MODIFIED changes the order, then confirms it; NO_ANSWER calls "
    "again later and cancels after the channel's last attempt.",
)


@strawberry.input(description="The full new shipping address.")
class CodAddressInput:
    country: str
    first_name: str = ""
    last_name: str = ""
    street_address1: str = ""
    city: str = ""
    country_area: str = ""
    postal_code: str = ""
    phone: str = ""

    def to_snapshot(self) -> AddressSnapshot:
        return AddressSnapshot(
            country=self.country.strip().upper(),
            area=self.country_area.strip(),
            city=self.city.strip(),
            postal_code=self.postal_code.strip(),
            phone=self.phone.strip(),
            first_name=self.first_name.strip(),
            last_name=self.last_name.strip(),
            street=self.street_address1.strip(),
        )


@strawberry.input
class CodLineQuantityInput:
    sku: str
    quantity: int = strawberry.field(description="The new quantity; 0 removes the line.")


@strawberry.input(description="What the customer changed on the call: the address, quantities, or both.")
class CodOrderModificationInput:
    address: CodAddressInput | None = None
    lines: list[CodLineQuantityInput] | None = None

    def to_changes(self) -> OrderChanges:
        quantities = None if self.lines is None else {line.sku.strip(): line.quantity for line in self.lines}
        return OrderChanges(address=self.address and self.address.to_snapshot(), quantities=quantities)


@strawberry.type
class CodOrderConfirmPayload:
    order: types.CodOrder | None
    errors: list[types.CodError]


@strawberry.mutation(description="Record a confirmation call's outcome (COD staff); MODIFIED takes `modification`.")
def cod_order_confirm(
    info: Info,
    order_id: strawberry.ID,
    outcome: CodConfirmationOutcome,
    note: str | None = None,
    modification: CodOrderModificationInput | None = None,
) -> CodOrderConfirmPayload:
    require(info, "codOrderConfirm")
    try:
        order = confirmation.confirm_by_agent(
            order_pk(order_id),
            ConfirmationOutcome(outcome.value),
            note or "",
            actor=user_of(info).get_username(),
            changes=modification and modification.to_changes(),
        )
    except CodError as error:
        return CodOrderConfirmPayload(order=None, errors=[shapes.error(error)])
    return CodOrderConfirmPayload(order=shapes.order_detail(order.pk), errors=[])
