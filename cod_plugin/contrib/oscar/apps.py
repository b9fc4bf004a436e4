"""App config of the oscar integration: connects oscar's order status signal to the plugin."""

from django.apps import AppConfig


class CodOscarConfig(AppConfig):
    name = "cod_plugin.contrib.oscar"
    label = "cod_oscar"

    def ready(self):
        from . import signals  # noqa: F401
