"""The COD overview: today's orders per status, and over the last 30 days the confirmation rate, the sign-off rate
and the refusal reasons, as bar charts drawn on the server; for who may see the cash in hand, the cash with
couriers over those days as a line chart per currency (``cash_chart``). Four queries whatever the number of
orders, and one more for the cash.

Its cost is PostgreSQL's and grows with the orders of a day, not with the table: each of the three counts reads an
index made for it and nothing else (index-only scans, ``CodOrder.Meta`` and ``CodOrderEvent.Meta``; their plans are
tested): today's orders from the index of the order of placing, which carries the status and channel; the rates
from a partial index of the moves out of "pending confirmation" or to an outcome at the door (45% of the moves),
the refusals from one of the moves to "refused" (2%); for one channel, the moves join the channel's orders, read
from the index of the channel with the id. At 100,000 orders (``make bench-admin``) that took the rates
from 45 to about 25 ms and the refusals from 37 (a scan of the whole timeline) to under 2 ms. What is left of the
rates is PostgreSQL counting each order once (distinct) among the window's 60,000 moves.

Not chosen, by measurement and by what it would cost: a summary of the moves kept by the flows (per order, the
last time it left "pending confirmation", was confirmed, reached the door, was signed off) would take the rates to
a few milliseconds, but every writer of the timeline would have to keep it (moves, imports, the data made straight
in the tables by the tests and by the bench) and a missed one would make the figures wrong without a sign.
Caching with invalidation would be exact only until the window moved on: the figures change with every move and
every minute, as moves leave the window."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin.flows import cash_in_hand
from cod_plugin.models import CodOrder, CodOrderEvent, CodPolicy
from cod_plugin.permissions import may
from cod_plugin.rules.statuses import AT_THE_DOOR, SIGNED_OFF, CodStatus

from .base import PageAdmin
from .cash_chart import charts
from .cash_hand import CASH_IN_HAND
from .labels import channel_name, channel_names
from .models import CodOverview
from .orders import REFUSAL_REASONS

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: ``width`` is its length in percent of the chart, as text (never localised)."""

    label: str
    value: int
    width: str


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"))

    @property
    def width(self) -> str:
        return f"{self.percent or 0:.1f}"


def bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """Bars scaled to the largest value."""
    largest = max((value for _label, value in counts), default=0)
    return [Bar(label, value, f"{100 * value / largest if largest else 0:.1f}") for label, value in counts]


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def orders_today(channel: str | None) -> list[tuple[str, int]]:
    """Orders placed since local midnight, per their status now: one query."""
    orders = CodOrder.objects.filter(created_at__gte=start_of_today())
    if channel:
        orders = orders.filter(channel=channel)
    counts = orders.aggregate(**{status.value: Count("status", filter=Q(status=status)) for status in CodStatus})
    return [(status.label, counts[status.value]) for status in CodStatus]


def recent_moves(channel: str | None, *, now: datetime):
    moves = CodOrderEvent.objects.filter(created_at__gte=now - timedelta(days=WINDOW_DAYS)).exclude(to_status="")
    return moves.filter(order__channel=channel) if channel else moves


def rates(channel: str | None, *, now: datetime) -> tuple[Rate, Rate]:
    """Confirmation: orders that left "pending confirmation" by being confirmed, of those that left it. Sign-off:
    orders delivered (or completed), of those that reached an outcome at the door. Counted over the orders whose
    move happened in the window: one query."""
    left_pending = Q(from_status=CodStatus.PENDING_CONFIRMATION)
    counted = recent_moves(channel, now=now).filter(left_pending | Q(to_status__in=AT_THE_DOOR))
    counts = counted.aggregate(
        confirmed=Count("order", distinct=True, filter=left_pending & Q(to_status=CodStatus.CONFIRMED)),
        left_pending=Count("order", distinct=True, filter=left_pending),
        signed_off=Count("order", distinct=True, filter=Q(to_status__in=SIGNED_OFF)),
        at_the_door=Count("order", distinct=True, filter=Q(to_status__in=AT_THE_DOOR)),
    )
    return Rate(counts["confirmed"], counts["left_pending"]), Rate(counts["signed_off"], counts["at_the_door"])


def refusal_reasons(channel: str | None, *, now: datetime) -> list[tuple[str, int]]:
    """Orders refused in the window, per reason, most frequent first: one query."""
    refused = recent_moves(channel, now=now).filter(to_status=CodStatus.REFUSED)
    rows = refused.values_list("reason").annotate(n=Count("order", distinct=True)).order_by("-n", "reason")
    labels = dict(REFUSAL_REASONS)
    return [(str(labels.get(reason, reason or gettext("No reason given"))), n) for reason, n in rows]


@admin.register(CodOverview)
class CodOverviewAdmin(PageAdmin):
    class Media:
        css = {"all": ("admin_ui/cod.css",)}

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        channels = list(CodPolicy.objects.order_by("channel").values_list("channel", flat=True))
        channel = request.GET.get("channel") if request.GET.get("channel") in channels else None
        names = channel_names()
        now = timezone.now()
        confirmation, sign_off = rates(channel, now=now)
        today = orders_today(channel)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("COD overview"),
            "media": self.media,
            "channels": [(slug, channel_name(slug, names)) for slug in channels],
            "channel": channel,
            "today": bars(today),
            "today_total": sum(value for _label, value in today),
            "today_date": timezone.localdate(),
            "window_days": WINDOW_DAYS,
            "rates": [(_("Confirmation rate"), confirmation), (_("Sign-off rate"), sign_off)],
            "refusals": bars(refusal_reasons(channel, now=now)),
            **cash_context(request.user),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/overview/overview.html", context)


def cash_context(user) -> dict:
    """The chart of cash with couriers, for who may see the cash in hand (all channels: cash is per courier)."""
    if not may(user, CASH_IN_HAND):
        return {}
    return {"cash_charts": charts(cash_in_hand.history(days=WINDOW_DAYS)), "show_cash": True}
