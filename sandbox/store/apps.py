"""App config of the sandbox store."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "sandbox.store"
    label = "store"
    verbose_name = "Sandbox store"
    default_auto_field = "django.db.models.BigAutoField"
