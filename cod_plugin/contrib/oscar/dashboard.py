"""The "Cash on delivery" menu of oscar's dashboard: links into the plugin's screens in the Django admin (orders,
the agents' confirmation queue, returns and refunds, settings), each shown only to staff whose COD group allows it.

In the shop's settings, after ``from oscar.defaults import *``::

    from cod_plugin.contrib.oscar.dashboard import with_cod_menu

    OSCAR_DASHBOARD_NAVIGATION = with_cod_menu(OSCAR_DASHBOARD_NAVIGATION)

Safe to import from settings: it loads no model. Oscar staff get the COD groups with ``manage.py cod_oscar_staff``.
"""

from django.utils.translation import gettext_lazy as _

# Each link: its label, the admin URL name, and the permission that lets a member of a COD group see it.
LINKS = (
    (_("COD orders"), "admin:cod_plugin_codorder_changelist", "cod_plugin.view_codorder"),
    (_("Confirmation queue"), "admin:cod_admin_ui_confirmationqueue_changelist", "cod_admin_ui.view_confirmationqueue"),
    (_("Returns and refunds"), "admin:cod_plugin_codreturnrequest_changelist", "cod_plugin.view_codreturnrequest"),
    (_("COD settings"), "admin:cod_plugin_codpolicy_changelist", "cod_plugin.view_codpolicy"),
    (_("COD overview"), "admin:cod_admin_ui_codoverview_changelist", "cod_admin_ui.view_codoverview"),
)


class PermissionRequired:
    """Oscar's ``access_fn`` for a link outside the dashboard apps: staff holding one permission."""

    def __init__(self, permission: str):
        self.permission = permission

    def __call__(self, user, url_name, url_args=None, url_kwargs=None) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(self.permission))


def any_link(user, url_name, url_args=None, url_kwargs=None) -> bool:
    """The heading shows when the user may follow at least one of its links."""
    return any(PermissionRequired(permission)(user, url_name) for _label, _url, permission in LINKS)


def cod_menu() -> dict:
    return {
        "label": _("Cash on delivery"),
        "cod_menu": True,  # oscar reads only the keys it knows; this one finds the menu again without translating
        "icon": "fas fa-money-bill",
        "access_fn": any_link,
        "children": [
            {"label": label, "url_name": url_name, "access_fn": PermissionRequired(permission)}
            for label, url_name, permission in LINKS
        ],
    }


def with_cod_menu(navigation: list) -> list:
    """Oscar's navigation with the COD menu added at the end (once, however often it is applied)."""
    kept = [entry for entry in navigation if not entry.get("cod_menu")]
    return [*kept, cod_menu()]
