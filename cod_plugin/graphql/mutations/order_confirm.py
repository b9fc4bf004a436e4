"""codOrderConfirm: a confirmation agent records the outcome of the call to the customer."""

from enum import Enum

import strawberry
from django.utils.translation import gettext as _
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError, CodErrorCode
from ...flows import confirmation
from ...host import AddressSnapshot, OrderChanges
from ...models import CodOrderLine
from ...rules.lifecycle import ConfirmationOutcome
from .. import shapes, types
from ..inputs import text
from ..orders import order_pk
from ..permissions import require, user_of

PRODUCT_REF = CodOrderLine._meta.get_field("product_ref").max_length
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
    street_address2: str = ""
    city: str = ""
    country_area: str = ""
    postal_code: str = ""
    phone: str = ""

    def to_snapshot(self) -> AddressSnapshot:
        def line(value: str, name: str, max_length: int) -> str:
            return text(value, field=f"modification.address.{name}", max_length=max_length)

        return AddressSnapshot(
            country=line(self.country, "country", limits.COUNTRY).upper(),
            area=line(self.country_area, "countryArea", limits.AREA),
            city=line(self.city, "city", limits.CITY),
            postal_code=line(self.postal_code, "postalCode", limits.POSTAL_CODE),
            phone=line(self.phone, "phone", limits.PHONE),
            first_name=line(self.first_name, "firstName", limits.NAME),
            last_name=line(self.last_name, "lastName", limits.NAME),
            street_1=line(self.street_address1, "streetAddress1", limits.STREET),
            street_2=line(self.street_address2, "streetAddress2", limits.STREET),
        )


@strawberry.input
class CodLineQuantityInput:
    sku: str
    quantity: int = strawberry.field(description="The new quantity; 0 removes the line.")


@strawberry.input(description="A product the store offered at the call (`relatedProducts`), added to the order.")
class CodAdditionInput:
    product_ref: str = strawberry.field(description="The store's reference of the product.")
    quantity: int = strawberry.field(description="From 1 to the largest quantity of a line (COD_MAX_LINE_QUANTITY).")


@strawberry.input(description="What the customer changed on the call: the address, quantities, products added.")
class CodOrderModificationInput:
    address: CodAddressInput | None = None
    lines: list[CodLineQuantityInput] | None = None
    additions: list[CodAdditionInput] | None = None

    def to_changes(self) -> OrderChanges:
        field, length = "modification.lines.sku", limits.SKU
        lines = self.lines
        quantities = None if lines is None else {text(x.sku, field=field, max_length=length): x.quantity for x in lines}
        return OrderChanges(
            address=self.address and self.address.to_snapshot(), quantities=quantities, additions=self._additions()
        )

    def _additions(self) -> dict[str, int] | None:
        if not self.additions:
            return None
        field = "modification.additions.productRef"
        refs = [text(x.product_ref, field=field, max_length=PRODUCT_REF, required=True) for x in self.additions]
        if len(set(refs)) != len(refs):
            raise CodError(CodErrorCode.INVALID, _("Name each product to add once."), field=field)
        return {ref: addition.quantity for ref, addition in zip(refs, self.additions, strict=True)}


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
        changes = modification and modification.to_changes()
        order = confirmation.confirm_by_agent(
            order_pk(order_id),
            ConfirmationOutcome(outcome.value),
            text(note, field="note", max_length=limits.NOTE),
            actor=user_of(info).get_username(),
            changes=changes,
        )
    except CodError as error:
        return CodOrderConfirmPayload(order=None, errors=[shapes.error(error)])
    return CodOrderConfirmPayload(order=shapes.order_detail(order.pk), errors=[])
