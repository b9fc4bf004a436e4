"""Finance's view of the cash couriers hold: the cash in hand page (per courier and currency, aged, against the
courier's deadline, overdue flagged) and the export of a period's reconciliation as CSV for the accountant.

Both are pages of the couriers' admin (``couriers/cash-in-hand/``, ``couriers/cash-export/``): cash is the
couriers', and their list is where finance finds them (the links show to who may use them). Each checks its own
entry of the role table and answers 403 to anyone else."""

import csv
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.flows import cash_in_hand
from cod_plugin.models import Courier
from cod_plugin.permissions import may
from cod_plugin.rules.reconciliation import BUCKETS

CASH_IN_HAND = "cash: cash in hand"
EXPORT = "cash: export a period (CSV)"
BUCKET_LABELS = {
    "0-3": _("0–3 days"),
    "4-7": _("4–7 days"),
    "8-14": _("8–14 days"),
    "15+": _("over 14 days"),
}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The period must end on or after its first day."), code="reversed")
        if start and end and (end - start).days + 1 > cash_in_hand.MAX_PERIOD_DAYS:
            message = _("Export at most %(days)d days at once.")
            raise ValidationError(message, code="too_long", params={"days": cash_in_hand.MAX_PERIOD_DAYS})
        return cleaned


class Echo:
    """A file that hands back what is written to it: ``csv.writer`` then yields each row's text."""

    def write(self, value: str) -> str:
        return value


def stream_csv(rows, *, language: str):
    """The rows as CSV text, in ``language`` however late the server reads them; a byte order mark first, so
    that spreadsheets read UTF-8 (Arabic names, currency signs)."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    with translation.override(language):
        for row in rows:
            yield writer.writerow(row)


class CashHandPages:
    """The two pages, for the couriers' ``ModelAdmin``: add ``cash_urls()`` before its own URLs."""

    def cash_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("cash-in-hand/", wrap(self.cash_in_hand_view), name="cod_plugin_courier_cash_in_hand"),
            path("cash-export/", wrap(self.cash_export_view), name="cod_plugin_courier_cash_export"),
        ]

    def cash_links(self, request) -> list[tuple[str, str]]:
        """The links the couriers' list shows to who may follow them."""
        links = [
            (CASH_IN_HAND, "admin:cod_plugin_courier_cash_in_hand", _("Cash in hand")),
            (EXPORT, "admin:cod_plugin_courier_cash_export", _("Export a period (CSV)")),
        ]
        return [(reverse(name), label) for entry, name, label in links if may(request.user, entry)]

    def _page(self, request, template: str, title, context: dict):
        request.current_app = self.admin_site.name
        page = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            **context,
        }
        return TemplateResponse(request, f"admin_ui/cash/{template}", page)

    def cash_in_hand_view(self, request):
        if not may(request.user, CASH_IN_HAND):
            raise PermissionDenied
        couriers = list(Courier.objects.order_by("name").values_list("pk", "name"))
        chosen = request.GET.get("courier", "")
        courier_pk = int(chosen) if chosen.isdigit() and int(chosen) in dict(couriers) else None
        today = timezone.localdate()
        rows = cash_in_hand.cash_in_hand(courier_pk=courier_pk, today=today)
        context = {
            "rows": [HeldRow(held) for held in rows],
            "buckets": [BUCKET_LABELS[name] for name, _first, _last in BUCKETS],
            "couriers": couriers,
            "courier_pk": courier_pk,
            "today": today,
            "may_export": may(request.user, EXPORT),
        }
        return self._page(request, "hand.html", _("Cash in hand"), context)

    def cash_export_view(self, request):
        if not may(request.user, EXPORT):
            raise PermissionDenied
        form = PeriodForm(request.GET) if request.GET else PeriodForm(initial=_last_month())
        if not form.is_valid():
            context = {"form": form, "max_days": cash_in_hand.MAX_PERIOD_DAYS}
            return self._page(request, "export.html", _("Export a period (CSV)"), context)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = cash_in_hand.reconciliation_rows(start, end)
        language = translation.get_language() or ""
        response = StreamingHttpResponse(stream_csv(rows, language=language), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cod-reconciliation-{start}-{end}.csv"'
        return response


def _last_month() -> dict:
    today = timezone.localdate()
    first = today.replace(day=1)
    return {"start": (first - timedelta(days=1)).replace(day=1), "end": first - timedelta(days=1)}


class HeldRow:
    """One row of the page: a courier's cash in one currency, its amounts formatted."""

    def __init__(self, held: cash_in_hand.CashHeld):
        self.held = held
        self.total = self.money(held.total)
        self.buckets = [(self.money(held.buckets[name]), held.counts[name]) for name, _first, _last in BUCKETS]
        self.overdue_amount = self.money(held.overdue_amount)

    def money(self, amount) -> str:
        return formatting.money(amount, self.held.currency)
