"""The figures a COD shop lives by, per ISO week and per channel, region, postal area, product, courier or agent:
confirmation, sign-off, refusal (and why), return and collection rates, and the money (orders' value, fees earned,
refunds paid; penalties outstanding as they stand today).

An order counts in the week it was placed (Monday 00:00 to Sunday 23:59 in the store's time zone): a week's rates
settle as its orders finish. What an order went through is read from its timeline (a ``confirmed`` or ``refused``
move), so an order refused and then returned to origin still counts as refused. Amounts stay per currency, never
added across currencies. One query for the weeks' figures whatever the number of orders and weeks (every figure a
conditional sum over the grouped orders), one for the penalties. Read-only."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncWeek
from django.utils import timezone

from .. import host, labels
from ..models import CodCustomerProfile, CodOrder, CodOrderEvent, CodOrderLine, CodRefund, CodReturnRequest
from ..models.base import AMOUNT
from ..rules.lifecycle import RefusalReason
from ..rules.metrics import Dimension, Rate, week_of, weeks_between
from ..rules.statuses import CodStatus

ZERO = Decimal(0)
AMOUNT_FIELD = DecimalField(**AMOUNT)
PENDING = (CodStatus.AWAITING_DEPOSIT, CodStatus.PENDING_CONFIRMATION)
SIGNED_OFF = (CodStatus.DELIVERED, CodStatus.COMPLETED, CodStatus.REFUNDED)  # refunded: completed first
COMPLETED = (CodStatus.COMPLETED, CodStatus.REFUNDED)
SYSTEM_ACTOR = "system"
REASONS = tuple(RefusalReason)
LABELS = {Dimension.PRODUCT: "name", Dimension.COURIER: "courier__name"}  # the names read with the figures


@dataclass(frozen=True)
class MetricsFilter:
    """Which orders: placed in the weeks from ``first``'s to ``last``'s (``rules.metrics.span_error`` checks the
    span), of one channel or all, in one currency or all, broken down by ``dimension``."""

    first: date
    last: date
    dimension: Dimension = Dimension.NONE
    channel: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class WeekFigures:
    """One week of one key (``""`` for the totals) in one currency."""

    week: date
    key: str
    label: str
    currency: str
    placed: int = 0
    left_pending: int = 0
    confirmed: int = 0
    at_door: int = 0
    signed_off: int = 0
    refused: int = 0
    refusals: dict[str, int] = field(default_factory=dict)  # by ``RefusalReason``, every reason present
    completed: int = 0
    returned: int = 0
    value: Decimal = ZERO
    to_collect: Decimal = ZERO
    collected: Decimal = ZERO
    fees: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def confirmation(self) -> Rate:
        """Confirmed, of the orders that left "pending confirmation" (confirmed or cancelled)."""
        return Rate(self.confirmed, self.left_pending)

    @property
    def sign_off(self) -> Rate:
        """Delivered or completed, of the orders that reached the door (delivered, completed or refused)."""
        return Rate(self.signed_off, self.at_door)

    @property
    def refusal(self) -> Rate:
        return Rate(self.refused, self.at_door)

    @property
    def return_rate(self) -> Rate:
        """Completed orders with a return asked (and not rejected), of the completed orders."""
        return Rate(self.returned, self.completed)

    @property
    def collection(self) -> Rate:
        """Cash the couriers recorded collecting, of the cash to collect at the door."""
        return Rate(self.collected, self.to_collect)


@dataclass(frozen=True)
class Metrics:
    weeks: list[date]
    rows: list[WeekFigures]  # by week, then key, then currency
    penalties: dict[str, Decimal]  # outstanding today, per currency (customers' standing has no week)


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def metrics(spec: MetricsFilter) -> Metrics:
    """The figures of ``spec``'s weeks and the penalties outstanding: two queries (three by channel: the store
    names its channels)."""
    weeks = weeks_between(spec.first, spec.last)
    return Metrics(weeks=weeks, rows=week_figures(spec), penalties=penalties_outstanding())


def week_figures(spec: MetricsFilter) -> list[WeekFigures]:
    """Every week of every key that had orders (a week without any has no row): one query."""
    weeks = weeks_between(spec.first, spec.last)
    rows = [_figures(row) for row in _grouped(spec, weeks)]
    return _labelled(rows, spec.dimension)


def penalties_outstanding() -> dict[str, Decimal]:
    """The penalties customers owe today, per currency: one query."""
    owed = CodCustomerProfile.objects.filter(outstanding_penalty__gt=0).values_list("outstanding_penalty_currency")
    return dict(owed.annotate(total=Sum("outstanding_penalty")).order_by("outstanding_penalty_currency"))


# --- the one query ------------------------------------------------------------------------------------------------


def orders_in(spec: MetricsFilter, weeks: list[date]):
    """The rows to group, each an order once: orders, or for products each order's first line of each product
    (an order with two lines of one product counts once for it). Returns the rows and the path to their order."""
    if spec.dimension == Dimension.PRODUCT:
        first_line = CodOrderLine.objects.filter(order=OuterRef("order"), product_ref=OuterRef("product_ref"))
        rows, to_order = CodOrderLine.objects.filter(pk=Subquery(first_line.order_by("pk").values("pk")[:1])), "order__"
    else:
        rows, to_order = CodOrder.objects.all(), ""
    start, end = midnight(weeks[0]), midnight(weeks[-1] + timedelta(weeks=1))
    rows = rows.filter(**{f"{to_order}created_at__gte": start, f"{to_order}created_at__lt": end})
    if spec.channel:
        rows = rows.filter(**{f"{to_order}channel": spec.channel})
    if spec.currency:
        rows = rows.filter(**{f"{to_order}order_amount_currency": spec.currency})
    return rows, to_order


def _key(dimension: Dimension, p: str):
    """The key of a row for ``dimension`` and the filter that leaves out rows without one."""
    match dimension:
        case Dimension.NONE:
            return Value(""), Q()
        case Dimension.CHANNEL:
            return F(f"{p}channel"), Q()
        case Dimension.REGION:
            area = Concat(f"{p}country", Value("/"), f"{p}area", output_field=CharField())
            return Case(When(**{f"{p}area": ""}, then=F(f"{p}country")), default=area), Q()
        case Dimension.POSTAL_AREA:
            postal = Concat(f"{p}country", Value("/"), f"{p}postal_code", output_field=CharField())
            return postal, ~Q(**{f"{p}postal_code": ""})
        case Dimension.PRODUCT:
            return F("product_ref"), Q()
        case Dimension.COURIER:
            return F(f"{p}courier__code"), Q(**{f"{p}courier__isnull": False})
        case Dimension.AGENT:
            return Subquery(agents(p).values("actor")[:1]), Q(key__isnull=False)
    raise ValueError(dimension)


def agents(p: str = ""):
    """The staff who confirmed each order (``p``: the path from the grouped rows to their order): the actor of its
    ``confirmed`` move, unless the customer (by the link) or the system did."""
    confirmed = CodOrderEvent.objects.filter(order=OuterRef(_order_pk(p)), to_status=CodStatus.CONFIRMED)
    by_staff = confirmed.exclude(actor=OuterRef(f"{p}customer_key")).exclude(actor__in=(SYSTEM_ACTOR, ""))
    return by_staff.order_by("pk")


def _order_pk(p: str) -> str:
    return "order" if p else "pk"


def _moved_to(status: CodStatus, order_pk: str):
    return Exists(CodOrderEvent.objects.filter(order=OuterRef(order_pk), to_status=status))


def _sum(amount: str, condition: Q | None = None):
    value = Sum(amount, filter=condition, output_field=AMOUNT_FIELD)
    return Coalesce(value, Value(ZERO), output_field=AMOUNT_FIELD)


def _grouped(spec: MetricsFilter, weeks: list[date]):
    """The figures of each week, key and currency: one query."""
    rows, p = orders_in(spec, weeks)
    key, has_key = _key(spec.dimension, p)
    rows = _with_history(rows, p).annotate(key=key).filter(has_key)
    signed_off, completed = Q(**{f"{p}status__in": SIGNED_OFF}), Q(**{f"{p}status__in": COMPLETED})
    at_door, refused = signed_off | Q(was_refused=True), Q(was_refused=True)
    reasons = {
        f"reason_{reason}": Count("pk", filter=refused & Q(**{f"{p}refusal_reason__in": _stored(reason)}))
        for reason in REASONS
    }
    label = Max(LABELS[spec.dimension]) if spec.dimension in LABELS else Value("")
    return (
        rows.values("week", "key", "currency")
        .annotate(
            label=label,
            placed=Count("pk"),
            left_pending=Count("pk", filter=~Q(**{f"{p}status__in": PENDING})),
            confirmed=Count("pk", filter=Q(was_confirmed=True)),
            at_door=Count("pk", filter=at_door),
            signed_off=Count("pk", filter=signed_off),
            refused=Count("pk", filter=refused),
            completed=Count("pk", filter=completed),
            returned=Count("pk", filter=completed & Q(has_return=True)),
            value=_sum(f"{p}order_amount"),
            to_collect=_sum(f"{p}amount_to_collect", at_door),
            collected=_sum(f"{p}payment__amount", at_door),
            fees=_sum(f"{p}fee", completed),
            refunds=_sum("refunded"),
            **reasons,
        )
        .order_by("week", "key", "currency")
    )


def _with_history(rows, p: str):
    """Each row's week and currency, and what its order went through: confirmed, refused, a return asked (and not
    rejected), the refunds paid."""
    order_pk = _order_pk(p)
    paid = CodRefund.objects.filter(order=OuterRef(order_pk), status=CodRefund.Status.PAID)
    refunded = paid.order_by().values("order").annotate(total=Sum("amount")).values("total")
    returns = CodReturnRequest.objects.filter(order=OuterRef(order_pk))
    return rows.annotate(
        week=TruncWeek(f"{p}created_at", tzinfo=timezone.get_default_timezone()),
        currency=F(f"{p}order_amount_currency"),
        was_confirmed=_moved_to(CodStatus.CONFIRMED, order_pk),
        was_refused=_moved_to(CodStatus.REFUSED, order_pk),
        has_return=Exists(returns.exclude(status=CodReturnRequest.Status.REJECTED)),
        refunded=Coalesce(Subquery(refunded, output_field=AMOUNT_FIELD), Value(ZERO), output_field=AMOUNT_FIELD),
    )


def _stored(reason: RefusalReason) -> list[str]:
    """A refusal recorded without a reason counts as "no reason"."""
    return [reason, ""] if reason == RefusalReason.NO_REASON else [reason]


def _figures(row: dict) -> WeekFigures:
    week = row["week"]
    week = timezone.localtime(week, timezone.get_default_timezone()).date() if isinstance(week, datetime) else week
    return WeekFigures(
        week=week_of(week),
        key=row["key"] or "",
        label=row["label"] or "",
        currency=row["currency"],
        refusals={reason.value: row[f"reason_{reason}"] for reason in REASONS},
        **{name: row[name] for name in COUNTED},
    )


COUNTED = (
    "placed",
    "left_pending",
    "confirmed",
    "at_door",
    "signed_off",
    "refused",
    "completed",
    "returned",
    "value",
    "to_collect",
    "collected",
    "fees",
    "refunds",
)


def _labelled(rows: list[WeekFigures], dimension: Dimension) -> list[WeekFigures]:
    """Names for the keys that the query does not read: channels from the store, regions in the active language,
    agents as recorded."""
    names = host.channel_names({row.key for row in rows}) if dimension == Dimension.CHANNEL and rows else {}
    return [_with_label(row, dimension, names) for row in rows]


def _with_label(row: WeekFigures, dimension: Dimension, names: dict[str, str]) -> WeekFigures:
    if row.label:
        return row
    country, _slash, rest = row.key.partition("/")
    match dimension:
        case Dimension.CHANNEL:
            label = names.get(row.key) or row.key
        case Dimension.REGION:
            label = labels.region(country, rest)
        case Dimension.POSTAL_AREA:
            label = f"{labels.country(country)} {rest}"
        case _:
            label = row.key
    return replace(row, label=label)


def key_filter(dimension: Dimension, key: str) -> Q:
    """The orders of one key of ``dimension``, as ``_key`` writes it (``KW`` or ``KW/Capital``, ``KW/13001``)."""
    country, _slash, rest = key.partition("/")
    match dimension:
        case Dimension.CHANNEL:
            return Q(channel=key)
        case Dimension.REGION:
            return Q(country=country, area=rest)
        case Dimension.POSTAL_AREA:
            return Q(country=country, postal_code=rest)
        case Dimension.PRODUCT:
            return Q(pk__in=CodOrderLine.objects.filter(product_ref=key).values("order"))
        case Dimension.COURIER:
            return Q(courier__code=key)
        case Dimension.AGENT:
            return Q(Exists(agents().filter(actor=key)))
    return Q()


def placed_in(week: date) -> Q:
    """Orders placed in the ISO week starting on ``week``."""
    return Q(created_at__gte=midnight(week), created_at__lt=midnight(week + timedelta(weeks=1)))


def refused() -> Exists:
    """The order was refused at the door (whatever happened to it after)."""
    return _moved_to(CodStatus.REFUSED, "pk")
