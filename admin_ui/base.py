"""What the COD screens share: records that change only through flows, and actions posted as small forms."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cod_plugin.error_codes import CodError
from cod_plugin.models import CodPolicy
from cod_plugin.permissions import may


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only flows write: the admin reads them, and nothing is added, edited or deleted in place."""

    class Media:
        css = {"all": ("admin_ui/cod.css",)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PageAdmin(ReadOnlyAdmin):
    """A proxy model whose changelist is one page of figures (the overview, the monitoring, the backtest): the
    proxy has no other page. With ``entry`` set, the role table's entry decides who sees it."""

    entry: str = ""

    def has_view_permission(self, request, obj=None):
        return may(request.user, self.entry) if self.entry else super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return may(request.user, self.entry) if self.entry else super().has_module_permission(request)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]


class ActionAdmin(ReadOnlyAdmin):
    """A record's page with action forms: each posts to ``<pk>/<action_route>/<name>/``, which runs one flow and
    goes back to the page.

    ``action_permission`` is needed (with the view permission) for any action; ``actions_by_name`` maps a name to
    an action; ``action_form`` binds its form (which has ``errors_text()``); ``run_action`` calls the flow with
    the valid form and returns the success message (empty: none), or raises ``CodError``."""

    action_permission: str = ""
    action_route: str = "action"
    actions_by_name: dict = {}

    def get_urls(self):
        view = self.admin_site.admin_view(self.action_view)
        route = f"<path:object_id>/{self.action_route}/<slug:action>/"
        return [path(route, view, name=self._action_url_name()), *super().get_urls()]

    def _action_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{self.action_route}"

    def admin_url(self, name: str, *args) -> str:
        return reverse(f"admin:{name}", args=args, current_app=self.admin_site.name)

    def change_url(self, object_id) -> str:
        return self.admin_url(f"{self.opts.app_label}_{self.opts.model_name}_change", object_id)

    def action_url(self, object_id, action_name: str) -> str:
        return self.admin_url(self._action_url_name(), object_id, action_name)

    def action_view(self, request, object_id, action):
        """POST only: run one action's flow, say how it went, and go back to the record's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if not (self.has_view_permission(request, obj) and request.user.has_perm(self.action_permission)):
            raise PermissionDenied
        if obj is None or action not in self.actions_by_name:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        self._run(request, obj, self.actions_by_name[action])
        return HttpResponseRedirect(self.change_url(obj.pk))

    def _run(self, request, obj, action) -> None:
        form = self.action_form(obj, action, request.POST)
        if not form.is_valid():
            messages.error(request, form.errors_text())
            return
        try:
            done = self.run_action(request, obj, action, form)
        except CodError as error:
            messages.error(request, error.message)
            return
        if done:
            messages.success(request, done)

    def action_form(self, obj, action, data=None, **kwargs):
        raise NotImplementedError

    def run_action(self, request, obj, action, form) -> str:
        raise NotImplementedError


class ChannelFilter(admin.SimpleListFilter):
    """The channels that have a COD policy: a small table, not a DISTINCT over every order. ``field`` is the
    filtered rows' way to their order's channel."""

    title = _("channel")
    parameter_name = "channel"
    field = "channel"

    def lookups(self, request, model_admin):
        channels = CodPolicy.objects.order_by("channel").values_list("channel", flat=True)
        return [(channel, channel) for channel in channels]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset
