"""The risk backtest screen: for the finished orders of the last N days (one channel or all), the refusal rate per
band (with a bar chart drawn on the server) and per signal, and what refusing COD from each score would have
refused. The merchant reads it before changing the weights or the bands of the channel policy. One query."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from cod_plugin.flows import backtest
from cod_plugin.models import CodPolicy
from cod_plugin.rules.risk import BAND_NAMES, SIGNAL_NAMES

from .base import PageAdmin
from .labels import channel_name, channel_names
from .models import RiskBacktest

BACKTEST = "risk: backtest"  # the role table's entry


class BacktestForm(forms.Form):
    days = forms.IntegerField(
        label=_("Finished orders placed in the last (days)"),
        min_value=backtest.MIN_DAYS,
        max_value=backtest.MAX_DAYS,
        initial=backtest.DEFAULT_DAYS,
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, data, *, channels: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["channel"].choices = [("", _("All channels")), *channels]


def band_rows(result) -> list[dict]:
    """Each band with its rate and the bar's length (percent of the chart, as text, never localised)."""
    return [
        {"band": band, "name": BAND_NAMES[band], "rate": rate, "width": f"{rate.percent or 0:.1f}"}
        for band, rate in result.bands
    ]


def signal_rows(result) -> list[dict]:
    return [{"code": code, "name": SIGNAL_NAMES[code], "rate": rate} for code, rate in result.signals]


@admin.register(RiskBacktest)
class RiskBacktestAdmin(PageAdmin):
    entry = BACKTEST

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        names = channel_names()
        slugs = CodPolicy.objects.order_by("channel").values_list("channel", flat=True)
        channels = [(slug, channel_name(slug, names)) for slug in slugs]
        form = BacktestForm({"days": backtest.DEFAULT_DAYS, **request.GET.dict()}, channels=channels)
        result = None
        if form.is_valid():
            result = backtest.run(form.cleaned_data["days"], channel=form.cleaned_data["channel"] or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Risk backtest"),
            "media": self.media,
            "form": form,
            "result": result,
            "bands": band_rows(result) if result else [],
            "signals": signal_rows(result) if result else [],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/risk/backtest.html", context)
