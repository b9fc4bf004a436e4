"""Returns and refunds for support: the queue of returns, newest refund due date first (sortable by its dates), with
the refund's amount and state (due, overdue or refunded on a date), filters and search. The return page and its
steps are in ``return_page`` and ``return_actions``; nothing on a return is edited directly."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, F, Max, OuterRef, Q, Subquery, Value, When
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, models
from cod_plugin.permissions import HANDLE_REFUNDS

from .base import ActionAdmin, ChannelFilter
from .labels import channel_name, channel_names, customer_label
from .return_actions import ACTIONS, ReturnAction
from .return_amounts import refund_amounts
from .return_page import ReturnPage

Status = models.CodReturnRequest.Status
RefundStatus = models.CodRefund.Status
CLOSED = (Status.REJECTED, Status.REFUNDED)


def overdue(today) -> Q:
    """Open and flagged by the sweep, or past its due date (the sweep may not have run yet). A refunded or rejected
    return is never overdue."""
    return (Q(refund_overdue=True) | Q(refund_due__lt=today)) & ~Q(status__in=CLOSED)


def queue(queryset, today):
    """Returns with what the queue shows: the customer's email and phone, when the refund was paid, whether
    overdue."""
    profiles = models.CodCustomerProfile.objects.filter(customer_key=OuterRef("order__customer_key"))
    paid = models.CodRefund.objects.filter(return_request=OuterRef("pk"), status=RefundStatus.PAID)
    paid_at = paid.values("return_request").annotate(last=Max("paid_at")).values("last")
    return queryset.select_related("order").annotate(
        customer_email=Subquery(profiles.values("email")[:1]),
        customer_phone=Subquery(profiles.values("phone")[:1]),
        refunded_at=Subquery(paid_at),
        is_overdue=Case(When(overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue(timezone.localdate()))
        if self.value() == "no":
            return queryset.exclude(overdue(timezone.localdate()))
        return queryset


class OrderChannelFilter(ChannelFilter):
    """The channels by the store's names for them."""

    field = "order__channel"

    def lookups(self, request, model_admin):
        names = channel_names()
        return [(slug, channel_name(slug, names)) for slug, _slug in super().lookups(request, model_admin)]


class ReturnsChangeList(ChangeList):
    """The page's rows carry their refund amount, read for the whole page at once."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        amounts = refund_amounts(rows)
        for row in rows:
            row.refund_amount = amounts[row.pk]


@admin.register(models.CodReturnRequest)
class CodReturnRequestAdmin(ActionAdmin):
    action_permission = HANDLE_REFUNDS
    actions_by_name = ACTIONS
    list_display = (
        "return_label",
        "order_number",
        "customer",
        "reason",
        "status",
        "requested_at",
        "refund_state",
        "overdue_badge",
        "amount",
    )
    list_display_links = ("return_label",)
    list_filter = ("status", "reason", OverdueFilter, OrderChannelFilter)
    search_fields = ("=order__order_number", "order__phone")
    search_help_text = _("An order number, or a phone number or part of it.")
    show_full_result_count = False
    # by date: the newest refund due date first, then the newest requests (those not received have no due date)
    ordering = (F("refund_due").desc(nulls_last=True), "-created_at", "-pk")
    actions = None

    class Media:
        css = {"all": ("admin_ui/cod.css", "admin_ui/desk.css")}

    def get_queryset(self, request):
        return queue(super().get_queryset(request), timezone.localdate())

    def get_changelist(self, request, **kwargs):
        return ReturnsChangeList

    @admin.display(description=_("return"))
    def return_label(self, return_request):
        return gettext("Return %(number)s") % {"number": return_request.pk}

    @admin.display(description=_("order number"), ordering="order__order_number")
    def order_number(self, return_request):
        url = self.admin_url("cod_plugin_codorder_change", return_request.order_id)
        return format_html('<a href="{}">{}</a>', url, return_request.order.order_number)

    @admin.display(description=_("customer"))
    def customer(self, return_request):
        key = return_request.order.customer_key
        return customer_label(key, email=return_request.customer_email or "", phone=return_request.customer_phone or "")

    @admin.display(description=_("requested at"), ordering="created_at")
    def requested_at(self, return_request):
        return formatting.datetime(return_request.created_at)

    @admin.display(description=_("refund"), ordering=F("refund_due").asc(nulls_last=True))
    def refund_state(self, return_request):
        return refund_state(return_request)

    @admin.display(description=_("overdue"), ordering="is_overdue")
    def overdue_badge(self, return_request):
        return format_html('<span class="cod-badge">{}</span>', gettext("Overdue")) if return_request.is_overdue else ""

    @admin.display(description=_("amount"))
    def amount(self, return_request):
        return formatting.money(return_request.refund_amount, str(return_request.order.amount_to_collect.currency))

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_photo"
        view = self.admin_site.admin_view(self.photo_view)
        return [path("<path:object_id>/photos/<int:photo_pk>/", view, name=name), *super().get_urls()]

    # ---- the return page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return_request = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, return_request):
            raise PermissionDenied
        if return_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        request.current_app = self.admin_site.name
        page = ReturnPage(return_request, may_act=request.user.has_perm(HANDLE_REFUNDS), url=self.admin_url)
        context = {
            **self.admin_site.each_context(request),
            **page.context(),
            "refund_state": refund_state(return_request),
            "opts": self.opts,
            "title": gettext("Return %(number)s of order %(order)s")
            % {"number": return_request.pk, "order": return_request.order.order_number},
            "subtitle": None,
            "has_view_permission": True,
            "media": self.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/returns/change_form.html", context)

    def photo_view(self, request, object_id, photo_pk):
        """The customer's photo, served to whoever may see the return (uploads are not public)."""
        return_request = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, return_request):
            raise PermissionDenied
        photo = get_object_or_404(models.CodReturnPhoto, pk=photo_pk, return_request=return_request)
        return FileResponse(photo.image.open("rb"), filename=photo.image.name.rsplit("/", 1)[-1])

    # ---- an action

    def action_form(self, return_request, action: ReturnAction, data=None, **kwargs):
        return action.form_class(data, return_request=return_request, **kwargs)

    def run_action(self, request, return_request, action: ReturnAction, form) -> str:
        done = form.submit(actor=request.user.get_username())
        logged = form.logged()
        if logged is not None:
            self.log_change(request, return_request, f"{action.label}: {logged}" if logged else str(action.label))
        return done


def refund_state(return_request) -> str:
    """ "Refunded Dec 3, 2026" once refunded (never "due"), "Due Dec 9, 2026" while the refund waits, else "—"."""
    if return_request.status == Status.REFUNDED:
        when = return_request.refunded_at or return_request.updated_at
        return gettext("Refunded %(date)s") % {"date": formatting.date(when)}
    if return_request.status == Status.REJECTED or return_request.refund_due is None:
        return formatting.EMPTY
    return gettext("Due %(date)s") % {"date": formatting.date(return_request.refund_due)}
