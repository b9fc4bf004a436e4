"""The cash queries: remittances (a courier sees only its own), one remittance, and the cash couriers hold."""

from datetime import date

import strawberry
from django.utils.translation import gettext as _
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError, CodErrorCode
from ...flows import cash_in_hand
from ...models import CodRemittance, Courier
from ...rules import bounds
from ..errors import top_level
from ..ids import decode_pk
from ..orders import PageInfo
from ..permissions import courier_of, denied, require
from . import shapes, types
from .detail import CodRemittanceDetail, detail
from .enums import CodRemittanceStatus
from .pages import cursor, page


@strawberry.input
class CodRemittanceFilterInput:
    courier: str | None = strawberry.field(default=None, description="A courier's code.")
    status: CodRemittanceStatus | None = None
    remitted_from: date | None = strawberry.field(default=None, description="Remitted on this day or later.")
    remitted_to: date | None = strawberry.field(default=None, description="Remitted on this day or earlier.")


def find_courier(code: str | None, *, field: str = "courier") -> Courier:
    """The courier of ``code``; UNKNOWN_COURIER when there is none."""
    code = bounds.text(code, field=field, max_length=limits.COURIER_CODE, required=True)
    courier = Courier.objects.filter(code=code).first()
    if courier is None:
        message = _("No courier has the code %(code)s.") % {"code": code}
        raise CodError(CodErrorCode.UNKNOWN_COURIER, message, field=field)
    return courier


def cash_courier(info: Info, operation: str, code: str | None, *, field: str = "courier") -> Courier | None:
    """Whose cash the caller asks about: a courier's account only its own (another's code is a missing
    permission); finance any courier's, or every courier's without a code."""
    own = courier_of(info)
    if own is not None:
        if code is not None and code != own.code:
            raise denied()
        return own
    require(info, operation)
    return None if code is None else find_courier(code, field=field)


def cod_remittances(
    info: Info, filter: CodRemittanceFilterInput | None = None, first: int = 20, after: str | None = None
) -> types.CodRemittanceConnection:
    spec = filter or CodRemittanceFilterInput()
    try:
        courier = cash_courier(info, "codRemittances", spec.courier, field="filter.courier")
    except CodError as error:
        raise top_level(error) from error
    found = CodRemittance.objects.select_related("courier")
    if courier is not None:
        found = found.filter(courier=courier)
    if spec.status is not None:
        found = found.filter(status=spec.status.value)
    if spec.remitted_from is not None:
        found = found.filter(remitted_on__gte=spec.remitted_from)
    if spec.remitted_to is not None:
        found = found.filter(remitted_on__lte=spec.remitted_to)
    items, more, total = page(found, first=first, after=after, descending=True)
    edges = [types.CodRemittanceEdge(cursor=cursor(item.pk), node=shapes.remittance(item)) for item in items]
    end = edges[-1].cursor if edges else None
    return types.CodRemittanceConnection(
        edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=end), total_count=total
    )


def cod_remittance(info: Info, id: strawberry.ID) -> CodRemittanceDetail | None:
    own = courier_of(info)
    if own is None:
        require(info, "codRemittance")
    try:
        pk = decode_pk(id, "CodRemittance", field="id")
    except CodError as error:
        raise top_level(error) from error
    item = CodRemittance.objects.select_related("courier").filter(pk=pk).first()
    if item is None or (own is not None and item.courier_id != own.pk):
        return None
    return detail(item, viewer_courier_pk=own.pk if own else None)


def cod_cash_in_hand(info: Info, courier: str | None = None) -> list[types.CodCashHeld]:
    try:
        whose = cash_courier(info, "codCashInHand", courier)
    except CodError as error:
        raise top_level(error) from error
    held = cash_in_hand.cash_in_hand(courier_pk=whose.pk if whose else None)
    return [shapes.cash_held(item) for item in held]


@strawberry.type
class CashQuery:
    cod_remittances: types.CodRemittanceConnection = strawberry.field(
        resolver=cod_remittances,
        description="Couriers' remittances, newest first: all for finance, its own for a courier.",
    )
    cod_remittance: CodRemittanceDetail | None = strawberry.field(
        resolver=cod_remittance,
        description="One remittance with its lines and exceptions; null when it is not the courier's own.",
    )
    cod_cash_in_hand: list[types.CodCashHeld] = strawberry.field(
        resolver=cod_cash_in_hand,
        description="The cash each courier collected and has not remitted, aged: every courier's for finance, "
        "its own for a courier.",
    )
