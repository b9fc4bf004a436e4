"""Reading COD orders with what their page shows, in a fixed number of queries however many there are."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from ..models import CodOrder, CodPolicy, CodRefund, CodReturnLine, CodReturnRequest, Courier
from ..rules.statuses import CodStatus

# Only a paid order can have returns and refunds (the flows see to it).
AFTER_SALES = frozenset({CodStatus.COMPLETED, CodStatus.REFUNDED})


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    channel: str | None = None
    flagged: bool | None = None
    search: str = ""
    courier_id: int | None = None
    customer_key: str | None = None
    channels: tuple[str, ...] | None = None  # a courier's: only the channels it serves


FLAGS = Q(confirmation_overdue=True) | Q(claim_unverified=True) | Q(amount_discrepancy=True) | Q(refund_overdue=True)


def _with_timeline() -> QuerySet[CodOrder]:
    return CodOrder.objects.select_related("claim", "payment", "courier", "deposit").prefetch_related("events")


def _after_sales(*, read: bool = True) -> tuple[Prefetch, Prefetch]:
    """Returns (with their lines) and refunds; with ``read`` False, known to be none without asking."""
    returns, refunds = CodReturnRequest.objects.order_by("pk"), CodRefund.objects.order_by("pk")
    if not read:
        returns, refunds = returns.none(), refunds.none()
    lines = Prefetch("lines", queryset=CodReturnLine.objects.order_by("pk"))
    return Prefetch("returns", queryset=returns.prefetch_related(lines)), Prefetch("refunds", queryset=refunds)


def with_details() -> QuerySet[CodOrder]:
    """Orders with their courier, claim, payment, deposit, timeline, returns (with their lines) and refunds: five
    queries for any number of orders."""
    return _with_timeline().prefetch_related(*_after_sales())


def detail(order_pk: int) -> CodOrder | None:
    """One order as ``with_details`` reads it; an order not yet paid has no returns or refunds to read, which
    spares placing and confirming an order two queries."""
    order = _with_timeline().filter(pk=order_pk).first()
    if order is not None:
        prefetch_related_objects([order], *_after_sales(read=order.status in AFTER_SALES))
    return order


def filtered(spec: OrderFilter) -> QuerySet[CodOrder]:
    orders = with_details().order_by("-pk")
    exact = {
        "status": spec.status,
        "channel": spec.channel,
        "courier_id": spec.courier_id,
        "customer_key": spec.customer_key,
    }
    orders = orders.filter(**{name: value for name, value in exact.items() if value is not None})
    if spec.channels is not None:
        orders = orders.filter(channel__in=spec.channels)
    if spec.flagged is not None:
        orders = orders.filter(FLAGS) if spec.flagged else orders.exclude(FLAGS)
    if spec.search:
        orders = orders.filter(Q(order_number=spec.search) | Q(phone__endswith=spec.search.lstrip("+")))
    return orders


def max_reschedules(channels: set[str]) -> dict[str, int]:
    """Each channel's appointment-change allowance; channels without a policy get the default."""
    allowed = dict(CodPolicy.objects.filter(channel__in=channels).values_list("channel", "max_reschedules"))
    default = CodPolicy._meta.get_field("max_reschedules").default
    return {channel: allowed.get(channel, default) for channel in channels}


def courier_of(user) -> Courier | None:
    """The active courier whose API account ``user`` is, if any."""
    if not user.is_authenticated:
        return None
    return Courier.objects.filter(user=user, active=True).first()
