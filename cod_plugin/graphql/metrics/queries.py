"""``codMetrics``: the weekly figures for who may see the monitoring (``permissions.VIEW_METRICS``)."""

from datetime import date, timedelta

import strawberry
from django.utils import timezone
from django.utils.translation import gettext as _
from strawberry.types import Info

from ... import limits
from ...error_codes import CodError, CodErrorCode
from ...flows.metrics import MetricsFilter, metrics
from ...rules import bounds
from ...rules.metrics import MAX_WEEKS, Dimension, span_error
from ..errors import top_level
from ..permissions import require
from . import types

DEFAULT_WEEKS = 12


@strawberry.input
class CodMetricsFilterInput:
    dimension: types.CodMetricsDimension = strawberry.field(default=types.CodMetricsDimension.NONE)  # type: ignore
    channel: str | None = strawberry.field(default=None, description="One channel's orders; all without.")
    currency: str | None = strawberry.field(default=None, description="One currency's orders; all without.")
    from_: date | None = strawberry.field(
        default=None, name="from", description=f"Weeks from this day's; by default {DEFAULT_WEEKS} weeks to `to`."
    )
    to: date | None = strawberry.field(default=None, description="Weeks to this day's; by default today's.")


def spec_of(given: CodMetricsFilterInput) -> MetricsFilter:
    """The flow's filter, or INVALID naming the field."""
    last = given.to or timezone.localdate()
    first = given.from_ or last - timedelta(weeks=DEFAULT_WEEKS - 1)
    problem = span_error(first, last)
    if problem == "reversed":
        raise CodError(CodErrorCode.INVALID, _("The weeks must end on or after they start."), field="filter.to")
    if problem == "too_long":
        message = _("Ask for at most %(weeks)d weeks at once.") % {"weeks": MAX_WEEKS}
        raise CodError(CodErrorCode.INVALID, message, field="filter.from")
    channel = bounds.text(given.channel, field="filter.channel", max_length=limits.CHANNEL)
    currency = bounds.text(given.currency, field="filter.currency", max_length=limits.CURRENCY).upper()
    dimension = Dimension(given.dimension.value)
    return MetricsFilter(first, last, dimension, channel=channel or None, currency=currency or None)


def cod_metrics(info: Info, filter: CodMetricsFilterInput | None = None) -> types.CodMetrics:
    require(info, "codMetrics")
    try:
        spec = spec_of(filter or CodMetricsFilterInput())
    except CodError as error:
        raise top_level(error) from error
    return types.metrics(metrics(spec))


@strawberry.type
class MetricsQuery:
    cod_metrics: types.CodMetrics = strawberry.field(
        resolver=cod_metrics,
        description="The weekly COD figures (ISO weeks in the store's time zone, by the week orders were placed), "
        "per dimension and currency, for managers.",
    )
