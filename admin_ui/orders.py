"""COD orders: the list with its filters and flags (rows in ``order_rows``), the order page (``order_page``) and its
actions (``order_actions``), which go through the same flows as the API."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, labels, models
from cod_plugin.flows import orders
from cod_plugin.permissions import may

from .base import ReadOnlyAdmin
from .bulk import BulkActionsMixin
from .order_actions import REFUSAL_REASONS, PaymentForm, StatusForm, WindowForm, run_action
from .order_courier import AssignCourierForm
from .order_filters import ChannelNameFilter, CourierFilter, FlaggedFilter, RegionFilter, raised_flags
from .order_money import MONEY_STATUS, MoneyPanel
from .order_page import OrderPage, window_text
from .order_rows import OrderRows

__all__ = ["CodOrderAdmin", "REFUSAL_REASONS"]


@admin.register(models.CodOrder)
class CodOrderAdmin(BulkActionsMixin, ReadOnlyAdmin):
    # The cells are written by ``OrderRows``, one per name here, in this order; these give the headers and sorting.
    # The phone shows under the order number: one column fewer, so that the list fits a laptop's window.
    list_display = (
        "order_number",
        "channel_name",
        "status",
        "region",
        "courier",
        "to_collect",
        "flags",
        "appointment",
        "created",
    )
    list_filter = ("status", ChannelNameFilter, RegionFilter, ("courier", CourierFilter), FlaggedFilter)
    list_select_related = ("courier",)
    search_fields = ("order_number", "phone")
    search_help_text = _("An order number, or the last digits of a phone number.")
    show_full_result_count = False
    ordering = ("-pk",)
    actions = ("export_orders_csv", "hand_orders_to_courier")  # admin_ui/bulk.py
    change_list_template = "admin_ui/orders/change_list.html"

    class Media:
        css = {"all": ("admin_ui/cod.css", "admin_ui/orders.css")}

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        OrderRows(changelist, request).attach()
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The API's search (``flows.orders``): the exact order number, or the end of the phone number."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = orders.filtered(orders.OrderFilter(search=term)).values("pk")
        return queryset.filter(pk__in=found), False

    # The columns' cells (``OrderRows`` writes them), with their headers and sorting.

    @admin.display(description=_("channel"), ordering="channel")
    def channel_name(self, order, names: dict[str, str] | None = None):
        """The store's name of the channel; ``names`` are the ones read for the whole page."""
        return (names or {}).get(order.channel, order.channel)

    @admin.display(description=_("region"), ordering="country")
    def region(self, order):
        return labels.region(order.country, order.area)

    @admin.display(description=_("amount to collect"), ordering="amount_to_collect")
    def to_collect(self, order):
        return formatting.money_of(order.amount_to_collect)

    @admin.display(description=_("flags"))
    def flags(self, order):
        return format_html_join(" ", '<span class="cod-badge">{}</span>', [(flag,) for flag in raised_flags(order)])

    @admin.display(description=_("appointment"), ordering="appointment_start")
    def appointment(self, order):
        return window_text(order.appointment_start, order.appointment_end)

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, order):
        return formatting.datetime(order.created_at)

    # --- the order page and its actions ----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/status/", wrap(self.status_view), name="cod_plugin_codorder_status"),
            path("<int:pk>/reschedule/", wrap(self.reschedule_view), name="cod_plugin_codorder_reschedule"),
            path("<int:pk>/payment/", wrap(self.payment_view), name="cod_plugin_codorder_payment"),
            path("<int:pk>/courier/", wrap(self.courier_view), name="cod_plugin_codorder_courier"),
            path("<int:pk>/voucher/", wrap(self.voucher_view), name="cod_plugin_codorder_voucher"),
            path("<int:pk>/money/", wrap(self.money_view), name="cod_plugin_codorder_money"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = orders.detail(int(object_id)) if str(object_id).isdigit() else None
        if order is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **OrderPage(order, may=lambda operation: may(request.user, operation)).context(),
            "opts": self.opts,
            "title": gettext("COD order %(number)s") % {"number": order.order_number},
            "subtitle": None,
            "has_view_permission": True,
            "media": self.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/orders/detail.html", context)

    def voucher_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(models.CodPaymentClaim, order_id=pk)
        if not claim.image:
            raise Http404
        return FileResponse(claim.image.open("rb"), filename=claim.image.name.rsplit("/", 1)[-1])

    def money_view(self, request, pk):
        """The money panel alone, for who may see an order's money."""
        if not may(request.user, MONEY_STATUS):
            raise PermissionDenied
        order = get_object_or_404(models.CodOrder, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "order": order,
            "money": MoneyPanel(order),
            "title": gettext("Money status of COD order %(number)s") % {"number": order.order_number},
            "media": self.media,
        }
        return TemplateResponse(request, "admin_ui/cash/money_page.html", context)

    def status_view(self, request, pk):
        return run_action(request, pk, StatusForm)

    def reschedule_view(self, request, pk):
        return run_action(request, pk, WindowForm)

    def payment_view(self, request, pk):
        return run_action(request, pk, PaymentForm)

    def courier_view(self, request, pk):
        return run_action(request, pk, AssignCourierForm)
