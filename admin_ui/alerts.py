"""The alerts screen: the monitoring's alerts, open ones first, each with its figures, a link to the orders behind
it and, for who may, an "Acknowledge" button that records who saw it and when. Alerts are raised by the daily
task only (``flows/alerts.py``): nothing here adds, edits or deletes one."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cod_plugin import labels
from cod_plugin.conf import app_settings
from cod_plugin.flows import alerts
from cod_plugin.models import CodRiskAlert
from cod_plugin.permissions import may

from .base import ReadOnlyAdmin

ALERTS = "monitoring: alerts"
ACKNOWLEDGE = "monitoring: acknowledge an alert"
FIGURES = "monitoring: figures and trends"
ORDERS_PAGE = 100


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("acknowledged", _("Acknowledged"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(acknowledged_at__isnull=True)
        if self.value() == "acknowledged":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset


class SubjectFilter(admin.SimpleListFilter):
    title = _("subject")
    parameter_name = "of"

    def lookups(self, request, model_admin):
        return [(name, alerts.dimension_name(name)) for name in alerts.SUBJECTS]

    def queryset(self, request, queryset):
        return queryset.filter(dimension=self.value()) if self.value() else queryset


@admin.register(CodRiskAlert)
class CodRiskAlertAdmin(ReadOnlyAdmin):
    list_display = ("subject", "kind", "week", "figures", "orders_link", "sent_at", "acknowledgement")
    list_filter = (OpenFilter, "kind", SubjectFilter)
    list_display_links = None
    change_list_template = "admin_ui/alerts/change_list.html"
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return may(request.user, ALERTS)

    def has_module_permission(self, request):
        return may(request.user, ALERTS)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(F("acknowledged_at").asc(nulls_first=True), "-week", "-pk")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/acknowledge/", wrap(self.acknowledge_view), name="cod_plugin_codriskalert_acknowledge"),
            path("<int:pk>/orders/", wrap(self.orders_view), name="cod_plugin_codriskalert_orders"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": _("COD alerts"),
            "refusal_percent": app_settings.ALERT_REFUSAL_PERCENT,
            "min_orders": app_settings.ALERT_MIN_ORDERS,
            "monitoring_url": reverse("admin:cod_admin_ui_codmonitoring_changelist")
            if may(request.user, FIGURES)
            else "",
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_list_display(self, request):
        """Who may acknowledge sees a button in the open alerts' rows."""
        shown = super().get_list_display(request)
        return (*shown, "acknowledge_button") if may(request.user, ACKNOWLEDGE) else shown

    @admin.display(description=_("subject"))
    def subject(self, alert):
        return format_html("{}<br><small>{}</small>", alert.label or alert.key, alerts.dimension_name(alert.dimension))

    @admin.display(description=_("figures"))
    def figures(self, alert):
        return alerts.describe(alert)

    @admin.display(description=_("orders"))
    def orders_link(self, alert):
        url = reverse("admin:cod_plugin_codriskalert_orders", args=[alert.pk])
        return format_html('<a href="{}">{}</a>', url, _("The refused orders"))

    @admin.display(description=_("acknowledged"))
    def acknowledgement(self, alert):
        if alert.acknowledged_at:
            return format_html("{}<br><small>{}</small>", alert.acknowledged_by, alert.acknowledged_at)
        return _("Open")

    @admin.display(description="")
    def acknowledge_button(self, alert):
        """Posts the page's own form (``#cod-acknowledge``, with the CSRF token) to this alert's address."""
        if alert.acknowledged_at:
            return ""
        url = reverse("admin:cod_plugin_codriskalert_acknowledge", args=[alert.pk])
        return format_html(
            '<button type="submit" form="cod-acknowledge" formaction="{}" class="button">{}</button>',
            url,
            _("Acknowledge"),
        )

    def acknowledge_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may(request.user, ACKNOWLEDGE):
            raise PermissionDenied
        alert = get_object_or_404(CodRiskAlert, pk=pk)
        if alerts.acknowledge(alert.pk, actor=request.user.get_username()):
            messages.success(request, _("The alert is acknowledged."))
        else:
            messages.info(request, _("The alert was acknowledged already."))
        return HttpResponseRedirect(reverse("admin:cod_plugin_codriskalert_changelist"))

    def orders_view(self, request, pk):
        """The refused orders behind the alert, newest first, ``ORDERS_PAGE`` a page, each linked to its page."""
        if not may(request.user, ALERTS) or not may(request.user, "orders: list and order page"):
            raise PermissionDenied
        alert = get_object_or_404(CodRiskAlert, pk=pk)
        found = alerts.matching_orders(alert).order_by("-created_at", "-pk")
        page = Paginator(found, ORDERS_PAGE).get_page(request.GET.get("page"))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The refused orders behind an alert"),
            "alert": alert,
            "description": alerts.describe(alert),
            "page": page,
            "orders": [
                (
                    order,
                    labels.status(order.status),
                    labels.reason(order.refusal_reason) if order.refusal_reason else "",
                )
                for order in page.object_list
            ],
        }
        return TemplateResponse(request, "admin_ui/alerts/orders.html", context)
