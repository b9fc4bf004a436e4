"""App config of the oscar integration: connects oscar's order status signal to the plugin, and oscar's analytics
of placed orders to the COD creator's bulk counting."""

from django.apps import AppConfig


class CodOscarConfig(AppConfig):
    name = "cod_plugin.contrib.oscar"
    label = "cod_oscar"

    def ready(self):
        from . import creator, signals  # noqa: F401

        creator.connect_analytics()
