"""One remittance with its lines and exceptions, each a page of its own (a remittance may have 100,000 lines)."""

import strawberry

from ...models import CodReconciliationException, CodRemittanceLine
from ..orders import PageInfo
from . import shapes, types
from .enums import CodReconciliationExceptionStatus
from .pages import cursor, page


def _info(items: list, more: bool, key: str) -> PageInfo:
    return PageInfo(has_next_page=more, end_cursor=cursor(getattr(items[-1], key)) if items else None)


@strawberry.type(description="A remittance with its lines and its exceptions.")
class CodRemittanceDetail(types.CodRemittance):
    pk: strawberry.Private[int] = 0
    viewer_courier_pk: strawberry.Private[int | None] = None

    @strawberry.field(description="Its lines by row, 100 at most a page.")
    def lines(self, first: int = 100, after: str | None = None) -> types.CodRemittanceLineConnection:
        found = CodRemittanceLine.objects.filter(remittance_id=self.pk).select_related("order")
        items, more, total = page(found, first=first, after=after, key="row")
        edges = [
            types.CodRemittanceLineEdge(
                cursor=cursor(item.row), node=shapes.line(item, self.currency, courier_pk=self.viewer_courier_pk)
            )
            for item in items
        ]
        return types.CodRemittanceLineConnection(edges=edges, page_info=_info(items, more, "row"), total_count=total)

    @strawberry.field(description="Its exceptions, oldest first; only the open ones with status OPEN.")
    def exceptions(
        self, first: int = 100, after: str | None = None, status: CodReconciliationExceptionStatus | None = None
    ) -> types.CodReconciliationExceptionConnection:
        found = CodReconciliationException.objects.filter(remittance_id=self.pk)
        if status is not None:
            found = found.filter(status=status.value)
        items, more, total = page(found.select_related("remittance", "line", "order"), first=first, after=after)
        edges = [
            types.CodReconciliationExceptionEdge(
                cursor=cursor(item.pk), node=shapes.exception(item, courier_pk=self.viewer_courier_pk)
            )
            for item in items
        ]
        return types.CodReconciliationExceptionConnection(
            edges=edges, page_info=_info(items, more, "pk"), total_count=total
        )


def detail(item, *, viewer_courier_pk: int | None) -> CodRemittanceDetail:
    summary = shapes.remittance(item)
    fields = {name: getattr(summary, name) for name in summary.__dataclass_fields__}
    return CodRemittanceDetail(**fields, pk=item.pk, viewer_courier_pk=viewer_courier_pk)
