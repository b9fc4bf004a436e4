"""The exceptions queue for finance: open exceptions oldest first (filters: courier, kind, status; a remittance's
own from its page), each with its remittance, line and order and the amounts in money format; an exception's page
with the resolve form (``flows.cash.resolve``), and for a resolved one its outcome, note, who and when."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cod_plugin import formatting
from cod_plugin.error_codes import CodError
from cod_plugin.flows import cash
from cod_plugin.models import CodReconciliationException
from cod_plugin.permissions import may

from .cash_base import RESOLVE, CashAdmin
from .cash_forms import ResolveForm
from .cash_remittance_page import exception_money
from .order_filters import CourierFilter

Status = CodReconciliationException.Status
NOTE_SHOWN = 60  # characters of the note in the queue; the exception's page has it whole


class StatusFilter(admin.SimpleListFilter):
    """Open ones unless asked otherwise: the queue is what is left to do."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(Status.OPEN, _("Open")), (Status.RESOLVED, _("Resolved")), ("all", _("All"))]

    def value(self):
        return super().value() or Status.OPEN

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())


def age(exception: CodReconciliationException) -> str:
    days = (timezone.localdate() - timezone.localdate(exception.created_at)).days
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def resolution(exception: CodReconciliationException) -> str:
    """ "Written off (“lost parcel”), by ann@example.com, Dec 1, 2026"; "—" while open."""
    if exception.status != Status.RESOLVED:
        return formatting.EMPTY
    values = {
        "outcome": exception.get_outcome_display(),
        "note": Truncator(exception.note).chars(NOTE_SHOWN),
        "who": exception.resolved_by,
        "when": formatting.date(exception.resolved_at),
    }
    return gettext("%(outcome)s (“%(note)s”), by %(who)s, %(when)s") % values


@admin.register(CodReconciliationException)
class CodReconciliationExceptionAdmin(CashAdmin):
    list_display = (
        "exception",
        "courier",
        "age_shown",
        "remittance_link",
        "line_shown",
        "order_link",
        "expected_shown",
        "actual_shown",
        "difference_shown",
        "resolution_shown",
    )
    list_display_links = ("exception",)
    list_filter = (("courier", CourierFilter), "kind", StatusFilter)
    list_select_related = ("courier", "remittance", "line", "order")
    search_fields = ("=order__order_number", "=line__reference", "=remittance__reference")
    search_help_text = _("An order number, a line's tracking number or a remittance reference.")
    show_full_result_count = False
    ordering = ("created_at", "pk")
    actions = None

    @admin.display(description=_("exception"), ordering="kind")
    def exception(self, exception):
        return exception.get_kind_display()

    @admin.display(description=_("age"), ordering="created_at")
    def age_shown(self, exception):
        return age(exception)

    @admin.display(description=_("remittance"), ordering="remittance__reference")
    def remittance_link(self, exception):
        if exception.remittance_id is None:
            return formatting.EMPTY
        url = self.admin_url("cod_plugin_codremittance_change", exception.remittance_id)
        return format_html('<a href="{}">{}</a>', url, exception.remittance.reference)

    @admin.display(description=_("line"))
    def line_shown(self, exception):
        line = exception.line
        if line is None:
            return formatting.EMPTY
        return gettext("Row %(row)s: %(reference)s") % {"row": line.row, "reference": line.reference}

    @admin.display(description=_("order"), ordering="order__order_number")
    def order_link(self, exception):
        if exception.order_id is None:
            return formatting.EMPTY
        url = self.admin_url("cod_plugin_codorder_change", exception.order_id)
        return format_html('<a href="{}">{}</a>', url, exception.order.order_number)

    @admin.display(description=_("expected"), ordering="expected")
    def expected_shown(self, exception):
        return formatting.money(exception.expected, exception.currency)

    @admin.display(description=_("actual"), ordering="actual")
    def actual_shown(self, exception):
        return formatting.money(exception.actual, exception.currency)

    @admin.display(description=_("difference"), ordering="difference")
    def difference_shown(self, exception):
        return formatting.money(exception.difference, exception.currency)

    @admin.display(description=_("resolved"), ordering="resolved_at")
    def resolution_shown(self, exception):
        return resolution(exception)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Exceptions to work"), **(extra_context or {})})

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_resolve"
        view = self.admin_site.admin_view(require_POST(self.resolve_view))
        return [path("<int:pk>/resolve/", view, name=name), *super().get_urls()]

    # ---- an exception's page

    def get_object(self, request, object_id, from_field=None):
        if not str(object_id).isdigit():
            return None
        related = ("courier", "remittance", "line", "order")
        return CodReconciliationException.objects.select_related(*related).filter(pk=object_id).first()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        exception = self.get_object(request, unquote(object_id))
        if exception is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        resolvable = exception.status == Status.OPEN and may(request.user, RESOLVE)
        context = {
            "exception": exception,
            "original": exception,
            "title": gettext("%(kind)s, %(courier)s")
            % {"kind": exception.get_kind_display(), "courier": exception.courier},
            "subtitle": None,
            "age": age(exception),
            "resolution": resolution(exception),
            "form": ResolveForm(exception=exception) if resolvable else None,
            "resolve_url": self.own_url("resolve", exception.pk),
            "remittance_url": exception.remittance_id
            and self.admin_url("cod_plugin_codremittance_change", exception.remittance_id),
            "order_url": exception.order_id and self.admin_url("cod_plugin_codorder_change", exception.order_id),
            **exception_money(exception),
        }
        return self.render(request, "exception.html", context)

    # ---- resolving it

    def resolve_view(self, request, pk: int):
        self.require(request, RESOLVE)
        exception = self.get_object(request, str(pk))
        if exception is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        form = ResolveForm(request.POST, exception=exception)
        if not form.is_valid():
            messages.error(request, form.errors_text())
        else:
            self.resolve(request, exception, form.cleaned_data)
        return self.back(request, self.own_url("change", exception.pk))

    def resolve(self, request, exception: CodReconciliationException, data: dict) -> None:
        try:
            done = cash.resolve(
                exception.pk,
                outcome=data["outcome"],
                note=data["note"],
                actor=request.user.get_username(),
                order_pk=data["order_pk"],
            )
        except CodError as error:
            messages.error(request, error.message)
            return
        values = {"exception": done.get_kind_display(), "outcome": done.get_outcome_display()}
        messages.success(request, gettext("%(exception)s resolved: %(outcome)s.") % values)
