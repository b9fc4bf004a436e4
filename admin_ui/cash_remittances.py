"""Remittances for finance: the list (by courier, status and period; newest first, sortable by its dates), a
remittance's page (``cash_remittance_page``) with its deposit and bank statement forms, and the upload of a
courier's report (``cash_upload``). Nothing on a remittance is edited in place: each form runs one flow."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cod_plugin import formatting
from cod_plugin.error_codes import CodError
from cod_plugin.flows import cash
from cod_plugin.models import CodRemittance
from cod_plugin.permissions import may

from .cash_base import DEPOSIT, RESOLVE, UPLOAD, CashAdmin
from .cash_forms import DepositForm, StatementForm
from .cash_remittance_page import RemittancePage
from .cash_upload import UploadViews
from .order_filters import CourierFilter

Status = CodRemittance.Status


@admin.register(CodRemittance)
class CodRemittanceAdmin(UploadViews, CashAdmin):
    list_display = (
        "reference",
        "remitted",
        "courier",
        "total_shown",
        "deductions_shown",
        "net_shown",
        "line_count",
        "exceptions_shown",
        "status",
        "recorded",
    )
    list_display_links = ("reference",)
    list_filter = (("courier", CourierFilter), "status", ("remitted_on", admin.DateFieldListFilter))
    list_select_related = ("courier",)
    search_fields = ("=reference",)
    search_help_text = _("The courier's remittance reference.")
    show_full_result_count = False
    ordering = ("-remitted_on", "-pk")
    actions = None
    change_list_template = "admin_ui/cash/remittances.html"

    @admin.display(description=_("remitted on"), ordering="remitted_on")
    def remitted(self, remittance):
        return formatting.date(remittance.remitted_on)

    @admin.display(description=_("total"), ordering="total")
    def total_shown(self, remittance):
        return formatting.money(remittance.total, remittance.currency)

    @admin.display(description=_("deductions"))
    def deductions_shown(self, remittance):
        return formatting.money(remittance.deductions, remittance.currency)

    @admin.display(description=_("net"), ordering="net")
    def net_shown(self, remittance):
        return formatting.money(remittance.net, remittance.currency)

    @admin.display(description=_("open exceptions"), ordering="open_exceptions")
    def exceptions_shown(self, remittance):
        if not remittance.open_exceptions:
            return "0"
        url = self.admin_url("cod_plugin_codreconciliationexception_changelist") + f"?remittance={remittance.pk}"
        return format_html('<a class="cod-badge" href="{}">{}</a>', url, remittance.open_exceptions)

    @admin.display(description=_("recorded at"), ordering="created_at")
    def recorded(self, remittance):
        return formatting.datetime(remittance.created_at)

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": _("Remittances"),
            "may_upload": may(request.user, UPLOAD),
            "upload_url": self.own_url("upload"),
        }
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:pk>/deposit/", wrap(require_POST(self.deposit_view)), name=f"{prefix}_deposit"),
            path("<int:pk>/statement/", wrap(require_POST(self.statement_view)), name=f"{prefix}_statement"),
            *self.upload_urls(),
            *super().get_urls(),
        ]

    # ---- the remittance's page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        remittance = self.get_object(request, unquote(object_id))
        if remittance is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        page = RemittancePage(
            remittance,
            page=request.GET.get("page"),
            may_deposit=may(request.user, DEPOSIT),
            may_resolve=may(request.user, RESOLVE),
            url=self.admin_url,
        )
        title = gettext("Remittance %(reference)s of %(courier)s") % {
            "reference": remittance.reference,
            "courier": remittance.courier,
        }
        return self.render(request, "remittance.html", {**page.context(), "title": title, "subtitle": None})

    def get_object(self, request, object_id, from_field=None):
        return (
            CodRemittance.objects.select_related("courier").filter(pk=object_id).first()
            if object_id.isdigit()
            else None
        )

    # ---- its forms

    def posted(self, request, pk: int, entry: str) -> CodRemittance | None:
        """The remittance a form was posted for, once the user may use ``entry``."""
        self.require(request, entry)
        return CodRemittance.objects.filter(pk=pk).first()

    def deposit_view(self, request, pk: int):
        remittance = self.posted(request, pk, DEPOSIT)
        if remittance is None:
            return HttpResponseRedirect(self.own_url("changelist"))
        form = DepositForm(request.POST, remittance=remittance)
        if not form.is_valid():
            messages.error(request, form.errors_text())
        else:
            self.record_deposit(request, remittance, form.cleaned_data)
        return HttpResponseRedirect(self.own_url("change", remittance.pk))

    def record_deposit(self, request, remittance: CodRemittance, data: dict) -> None:
        try:
            done = cash.record_deposit(
                remittance.pk,
                amount=data["amount"],
                deposited_on=data["deposited_on"],
                bank_reference=data["bank_reference"],
                actor=request.user.get_username(),
            )
        except CodError as error:
            messages.error(request, error.message)
            return
        values = {
            "amount": formatting.money(data["amount"], done.currency),
            "net": formatting.money(done.net, done.currency),
        }
        if done.status == Status.SETTLED:
            messages.success(request, gettext("The deposit of %(amount)s matches the net: settled.") % values)
        else:
            text = gettext("The deposit of %(amount)s is not the net %(net)s: an exception is raised.") % values
            messages.warning(request, text)

    def statement_view(self, request, pk: int):
        remittance = self.posted(request, pk, DEPOSIT)
        if remittance is None:
            return HttpResponseRedirect(self.own_url("changelist"))
        form = StatementForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, form.errors_text())
        else:
            self.import_statement(request, form.cleaned_data["statement"].read())
        return HttpResponseRedirect(self.own_url("change", remittance.pk))

    def import_statement(self, request, data: bytes) -> None:
        try:
            result = cash.import_statement(cash.parse_statement(data), actor=request.user.get_username())
        except CodError as error:
            messages.error(request, statement_error(error))
            return
        text = gettext(
            "Bank statement imported: %(matched)s settled a remittance, %(differing)s differ from its net "
            "(an exception each), %(unmatched)s match no remittance awaiting its deposit, %(duplicates)s were "
            "imported before."
        )
        values = {key: getattr(result, key) for key in ("matched", "differing", "unmatched", "duplicates")}
        messages.success(request, text % values)


def statement_error(error: CodError) -> str:
    """The flow's message, with the statement's row when it names one ("rows.3.amount")."""
    parts = (error.field or "").split(".")
    if len(parts) >= 2 and parts[0] == "rows" and parts[1].isdigit():
        return gettext("Row %(row)s: %(message)s") % {"row": parts[1], "message": error.message}
    return error.message
