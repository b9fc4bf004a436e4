"""App config of the sandbox store."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "sandbox.store"
    label = "store"
    verbose_name = "Sandbox store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .auth import clear_own_failures

        user_logged_in.connect(clear_own_failures, dispatch_uid="sandbox.store.clear_own_failures")
