"""What finance's cash screens share: who may use them (the role table's "cash: …" entries, through
``permissions.may``), their pages rendered in the admin's frame, and the way back after a posted form."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cod_plugin.permissions import may

from .base import ReadOnlyAdmin

REMITTANCES = "cash: remittances, their lines and exceptions"
UPLOAD = "cash: upload a report, map its columns"
DEPOSIT = "cash: record a deposit, import a bank statement"
RESOLVE = "cash: resolve an exception"


class CashAdmin(ReadOnlyAdmin):
    """A cash screen: finance's (whoever the role table lets see remittances), read-only, its actions posted
    to routes of its own that check their own entry of the table."""

    class Media:
        css = {"all": ("admin_ui/cod.css", "admin_ui/cash.css")}

    def has_module_permission(self, request):
        return may(request.user, REMITTANCES)

    def has_view_permission(self, request, obj=None):
        return may(request.user, REMITTANCES)

    def require(self, request, entry: str) -> None:
        if not (self.has_view_permission(request) and may(request.user, entry)):
            raise PermissionDenied

    def admin_url(self, name: str, *args) -> str:
        return reverse(f"admin:{name}", args=args, current_app=self.admin_site.name)

    def own_url(self, name: str, *args) -> str:
        return self.admin_url(f"{self.opts.app_label}_{self.opts.model_name}_{name}", *args)

    def render(self, request, template: str, context: dict):
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            "has_view_permission": True,
            **context,
        }
        return TemplateResponse(request, f"admin_ui/cash/{template}", context)

    def back(self, request, default: str):
        """Where a posted form goes back to: its ``next`` when it is a page of this site, else ``default``."""
        target = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
        return HttpResponseRedirect(target if target and safe else default)
