"""App config: registers the system checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodPluginConfig(AppConfig):
    name = "cod_plugin"
    label = "cod_plugin"
    verbose_name = _("Cash on Delivery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401
