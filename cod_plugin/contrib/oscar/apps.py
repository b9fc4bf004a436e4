"""App config of the oscar integration: connects oscar's order status signal to the plugin."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodOscarConfig(AppConfig):
    name = "cod_plugin.contrib.oscar"
    label = "cod_oscar"
    verbose_name = _("Cash on Delivery for django-oscar")

    def ready(self):
        from . import signals  # noqa: F401
