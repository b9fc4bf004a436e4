"""The monitoring screen: for the weeks asked (12 by default, at most 53), the trends of the sign-off, refusal,
confirmation and collection rates, a line per key of the dimension (the five with the most orders), each chart
with its numbers as a table; and the latest week's figures of every key, sortable by refusal rate.

One currency at a time (amounts are never added across currencies): the one asked, else the one with the most
orders. The figures in two queries whatever the number of orders and weeks, and one for the open alerts."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.flows.metrics import MetricsFilter, WeekFigures, metrics
from cod_plugin.models import CodPolicy, CodRiskAlert
from cod_plugin.permissions import may
from cod_plugin.rules.metrics import MAX_WEEKS, Dimension, top_keys, week_of

from .base import PageAdmin
from .labels import channel_name, channel_names
from .models import CodMonitoring
from .monitoring_chart import percent_text, trend

FIGURES = "monitoring: figures and trends"
ALERTS = "monitoring: alerts"
DEFAULT_WEEKS = 12
TOP_KEYS = 5
DIMENSIONS = {
    Dimension.NONE: _("All orders"),
    Dimension.CHANNEL: _("Channel"),
    Dimension.REGION: _("Region"),
    Dimension.POSTAL_AREA: _("Postal area"),
    Dimension.PRODUCT: _("Product"),
    Dimension.COURIER: _("Courier"),
    Dimension.AGENT: _("Agent"),
}
RATES = (
    ("sign_off", _("Sign-off rate"), lambda figures: figures.sign_off),
    ("refusal", _("Refusal rate"), lambda figures: figures.refusal),
    ("confirmation", _("Confirmation rate"), lambda figures: figures.confirmation),
    ("collection", _("Collection success"), lambda figures: figures.collection),
)
SORTS = {"placed", "-placed", "refusal", "-refusal"}


class MonitoringForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    dimension = forms.ChoiceField(label=_("By"), required=False, choices=list(DIMENSIONS.items()))
    weeks = forms.IntegerField(label=_("Weeks"), required=False, min_value=1, max_value=MAX_WEEKS)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    sort = forms.ChoiceField(required=False, choices=[(sort, sort) for sort in sorted(SORTS)])

    def __init__(self, *args, channels: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("All channels")), *channels]
        self.fields["weeks"].widget.attrs.update({"min": 1, "max": MAX_WEEKS})

    def spec(self, today: date) -> MetricsFilter:
        weeks = self.cleaned_data.get("weeks") or DEFAULT_WEEKS
        first = week_of(today) - timedelta(weeks=weeks - 1)
        dimension = Dimension(self.cleaned_data.get("dimension") or Dimension.NONE)
        return MetricsFilter(first=first, last=today, dimension=dimension, channel=self.cleaned_data.get("channel"))


@dataclass(frozen=True)
class KeyRow:
    """One key's figures of the latest week, as the table shows them."""

    figures: WeekFigures

    def __getattr__(self, name):
        return getattr(self.figures, name)

    def rate(self, name: str) -> str:
        return percent_text(getattr(self.figures, name))

    @property
    def rates(self) -> list[str]:
        return [self.rate(name) for name in ("confirmation", "sign_off", "refusal", "return_rate", "collection")]

    @property
    def money(self) -> list[str]:
        currency = self.figures.currency
        return [formatting.money(getattr(self.figures, name), currency) for name in ("value", "fees", "refunds")]


def pick_currency(rows: list[WeekFigures], asked: str) -> tuple[str, list[str]]:
    """The currency shown (the one asked when it has orders, else the one with the most) and those there are."""
    placed: dict[str, int] = {}
    for row in rows:
        placed[row.currency] = placed.get(row.currency, 0) + row.placed
    currencies = sorted(placed)
    if asked.upper() in placed:
        return asked.upper(), currencies
    return (top_keys(placed, 1) or [""])[0], currencies


def sorted_rows(rows: list[WeekFigures], sort: str) -> list[KeyRow]:
    """By orders placed (most first), or by refusal rate: a key without a rate comes last either way."""
    if sort in ("refusal", "-refusal"):
        rated = sorted((row for row in rows if row.refusal.percent is not None), key=lambda row: row.refusal.percent)
        rated = rated[::-1] if sort == "-refusal" else rated
        return [KeyRow(row) for row in rated + [row for row in rows if row.refusal.percent is None]]
    sign = 1 if sort == "placed" else -1
    ordered = sorted(rows, key=lambda row: (sign * row.placed, row.key))
    return [KeyRow(row) for row in ordered]


def figures_context(spec: MetricsFilter, *, currency: str, sort: str) -> dict:
    result = metrics(spec)
    shown, currencies = pick_currency(result.rows, currency)
    rows = [row for row in result.rows if row.currency == shown]
    by_key: dict[str, dict[date, WeekFigures]] = {}
    placed: dict[str, int] = {}
    for row in rows:
        by_key.setdefault(row.key, {})[row.week] = row
        placed[row.key] = placed.get(row.key, 0) + row.placed
    labels = {row.key: row.label or str(DIMENSIONS[Dimension.NONE]) for row in rows}
    series = {key: [by_key[key].get(week) for week in result.weeks] for key in top_keys(placed, TOP_KEYS)}
    latest = max((row.week for row in rows), default=None)
    return {
        "weeks": result.weeks,
        "currency": shown,
        "currencies": currencies,
        "charts": [trend(slug, title, result.weeks, series, labels, rate) for slug, title, rate in RATES]
        if rows
        else [],
        "latest_week": latest,
        "latest": sorted_rows([row for row in rows if row.week == latest], sort),
        "penalties": [formatting.money(amount, code) for code, amount in result.penalties.items()],
    }


@admin.register(CodMonitoring)
class CodMonitoringAdmin(PageAdmin):
    class Media:
        css = {"all": ("admin_ui/cod.css", "admin_ui/cash_hand.css", "admin_ui/monitoring.css")}

    entry = FIGURES

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        names = channel_names()
        channels = [
            (slug, channel_name(slug, names))
            for slug in CodPolicy.objects.order_by("channel").values_list("channel", flat=True)
        ]
        data = request.GET.copy()
        data.setdefault("weeks", str(DEFAULT_WEEKS))
        form = MonitoringForm(data, channels=channels)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("COD monitoring"),
            "media": self.media,
            "form": form,
            "dimension_name": "",
            "sort": "",
            **self._alerts(request),
        }
        if not form.is_valid():
            return TemplateResponse(request, "admin_ui/monitoring/monitoring.html", context)
        spec = form.spec(timezone.localdate())
        sort = form.cleaned_data.get("sort") or "-placed"
        context |= figures_context(spec, currency=form.cleaned_data.get("currency") or "", sort=sort)
        context |= {"dimension_name": DIMENSIONS[spec.dimension], "by_key": spec.dimension != Dimension.NONE}
        context |= {"sort": sort, "query": _query_without_sort(request)}
        return TemplateResponse(request, "admin_ui/monitoring/monitoring.html", {**context, **(extra_context or {})})

    def _alerts(self, request) -> dict:
        if not may(request.user, ALERTS):
            return {}
        open_alerts = CodRiskAlert.objects.filter(acknowledged_at__isnull=True).count()
        return {"open_alerts": open_alerts, "alerts_url": reverse("admin:cod_plugin_codriskalert_changelist")}


def _query_without_sort(request) -> str:
    query = request.GET.copy()
    query.pop("sort", None)
    return query.urlencode()
