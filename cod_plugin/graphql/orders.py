"""Queries over COD orders: one order for whoever may see it, and the staff's filtered list."""

import base64
import binascii

import strawberry
from strawberry.types import Info

from .. import limits
from ..error_codes import CodError
from ..flows import orders
from ..rules import bounds
from . import shapes, types
from .enums import CodOrderStatus
from .errors import top_level
from .ids import decode_pk
from .pages import page_size
from .permissions import can_see, courier_of, require


@strawberry.input
class CodOrderFilterInput:
    status: CodOrderStatus | None = None
    channel: str | None = None
    flagged: bool | None = strawberry.field(default=None, description="Overdue, disputed or discrepant.")
    search: str = strawberry.field(default="", description="An order number or a phone number.")

    def texts(self) -> tuple[str | None, str]:
        """The channel and the search, within their lengths (``rules.bounds``): a top-level error otherwise."""
        try:
            channel = self.channel and bounds.text(self.channel, field="filter.channel", max_length=limits.CHANNEL)
            return channel, bounds.text(self.search, field="filter.search", max_length=limits.SEARCH)
        except CodError as error:
            raise top_level(error) from error


@strawberry.type
class CodOrderEdge:
    cursor: str
    node: types.CodOrder


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class CodOrderConnection:
    edges: list[CodOrderEdge]
    page_info: PageInfo
    total_count: int


def order_pk(order_id: str) -> int:
    return decode_pk(order_id, "CodOrder", field="orderId")


def _cursor(pk: int) -> str:
    return base64.b64encode(f"cursor:{pk}".encode()).decode()


def _after(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("cursor:"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def cod_order(info: Info, order_id: strawberry.ID) -> types.CodOrder | None:
    try:
        order = orders.detail(order_pk(order_id))
    except CodError as error:
        raise top_level(error) from error
    return shapes.orders([order])[0] if order and can_see(info, order) else None


def cod_orders(
    info: Info, filter: CodOrderFilterInput | None = None, first: int = 20, after: str | None = None
) -> CodOrderConnection:
    courier = courier_of(info)
    if courier is None:
        require(info, "codOrders")
    spec = filter or CodOrderFilterInput()
    channel, search = spec.texts()
    found = orders.filtered(
        orders.OrderFilter(
            status=spec.status.value if spec.status else None,
            channel=channel,
            flagged=spec.flagged,
            search=search,
            courier_id=courier.pk if courier else None,
            channels=tuple(courier.channels) if courier else None,
        )
    )
    total = found.count()
    after_pk = _after(after)
    if after_pk is not None:
        found = found.filter(pk__lt=after_pk)
    first = page_size(first)
    page = list(found[: first + 1])
    nodes = shapes.orders(page[:first])
    edges = [CodOrderEdge(cursor=_cursor(item.pk), node=node) for node, item in zip(nodes, page, strict=False)]
    return CodOrderConnection(
        edges=edges,
        total_count=total,
        page_info=PageInfo(has_next_page=len(page) > first, end_cursor=edges[-1].cursor if edges else None),
    )
