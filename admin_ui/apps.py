"""App config of the COD store admin: after every ``migrate`` the COD staff groups are brought up to date."""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _apply_groups(sender, *, using, apps=global_apps, **kwargs):
    """``apps`` is the migrated state, absent when the signal comes from ``flush``."""
    from .groups import apply_groups

    apply_groups(using=using, apps=apps)


class AdminUiConfig(AppConfig):
    name = "admin_ui"
    label = "cod_admin_ui"
    verbose_name = _("Cash on Delivery admin")

    def ready(self):
        post_migrate.connect(_apply_groups, sender=self, dispatch_uid="cod_admin_ui.groups")
