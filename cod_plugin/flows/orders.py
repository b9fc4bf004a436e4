"""Reading COD orders with what their page shows, in a fixed number of queries however many there are."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from ..models import CodOrder, CodPolicy, CodRefund, CodReturnLine, CodReturnRequest, Courier


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    channel: str | None = None
    flagged: bool | None = None
    search: str = ""
    courier_id: int | None = None
    customer_key: str | None = None


FLAGS = Q(confirmation_overdue=True) | Q(claim_unverified=True) | Q(amount_discrepancy=True) | Q(refund_overdue=True)


def with_details() -> QuerySet[CodOrder]:
    """Orders with their claim, payment, timeline, returns (with their lines) and refunds: five queries for any
    number of orders."""
    lines = Prefetch("lines", queryset=CodReturnLine.objects.order_by("pk"))
    returns = CodReturnRequest.objects.order_by("pk").prefetch_related(lines)
    return CodOrder.objects.select_related("claim", "payment").prefetch_related(
        "events",
        Prefetch("returns", queryset=returns),
        Prefetch("refunds", queryset=CodRefund.objects.order_by("pk")),
    )


def detail(order_pk: int) -> CodOrder | None:
    return with_details().filter(pk=order_pk).first()


def filtered(spec: OrderFilter) -> QuerySet[CodOrder]:
    orders = with_details().order_by("-pk")
    exact = {
        "status": spec.status,
        "channel": spec.channel,
        "courier_id": spec.courier_id,
        "customer_key": spec.customer_key,
    }
    orders = orders.filter(**{name: value for name, value in exact.items() if value is not None})
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
