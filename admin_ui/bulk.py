"""Bulk actions of the COD orders list: each starts a job over the selected orders (``flows.jobs``) and opens the
job's page, where its progress shows while a task does the work.

The actions are added to the admin site under their names and disabled there, so that no other list offers them;
``CodOrderAdmin.actions`` names them. A user the role table does not allow gets 403."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cod_plugin.flows import jobs
from cod_plugin.models import CodJob, CodOrder, Courier
from cod_plugin.permissions import may
from cod_plugin.rules.statuses import CodStatus

EXPORT = "orders: export selected (CSV)"
HAND_OVER = "orders: hand selected to a courier"


class BulkActionsMixin:
    """What a list with these actions offers: each action shows only to those the role table allows
    (Django asks ``has_<name>_permission`` for an action's ``permissions``)."""

    def changelist_view(self, request, extra_context=None):
        # An action the user is not offered is refused as its page would be, not passed over in silence.
        operation = {"export_orders_csv": EXPORT, "hand_orders_to_courier": HAND_OVER}.get(request.POST.get("action"))
        if request.method == "POST" and operation and not may(request.user, operation):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def has_cod_export_permission(self, request) -> bool:
        return may(request.user, EXPORT)

    def has_cod_hand_over_permission(self, request) -> bool:
        return may(request.user, HAND_OVER)


def job_url(job: CodJob) -> str:
    return reverse("admin:cod_plugin_codjob_change", args=[job.pk])


def _selected(queryset) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True))


@admin.action(description=_("Export selected orders (CSV)"), permissions=("cod_export",))
def export_orders_csv(modeladmin, request, queryset):
    if not may(request.user, EXPORT):
        raise PermissionDenied
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=request.user, order_pks=_selected(queryset))
    return HttpResponseRedirect(job_url(job))


class CourierChoice(forms.ModelChoiceField):
    def label_from_instance(self, courier):
        channels = ", ".join(courier.channels) or _("no channel")
        return f"{courier.name} ({channels})"


class HandOverForm(forms.Form):
    courier = CourierChoice(
        label=_("courier"),
        queryset=Courier.objects.filter(active=True).order_by("name", "pk"),
        to_field_name="code",
        empty_label=None,
    )


@admin.action(description=_("Hand selected orders to a courier"), permissions=("cod_hand_over",))
def hand_orders_to_courier(modeladmin, request, queryset):
    """First the form to choose the courier, posted back to the list with the same selection; then the job."""
    if not may(request.user, HAND_OVER):
        raise PermissionDenied
    pks = _selected(queryset)
    form = HandOverForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        courier = form.cleaned_data["courier"].code
        job = jobs.start(CodJob.Kind.ASSIGN_COURIER, user=request.user, order_pks=pks, params={"courier": courier})
        return HttpResponseRedirect(job_url(job))
    ready = CodOrder.objects.filter(pk__in=pks, status=CodStatus.CONFIRMED, tracking_number="").count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": _("Hand selected orders to a courier"),
        "form": form,
        "selected": pks,
        "selected_count": len(pks),
        "ready_count": ready,
        "action": "hand_orders_to_courier",
        "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin_ui/jobs/hand_over.html", context)


for _action in (export_orders_csv, hand_orders_to_courier):
    admin.site.add_action(_action)
    admin.site.disable_action(_action.__name__)
