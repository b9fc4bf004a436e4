"""App config of the COD store admin."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminUiConfig(AppConfig):
    name = "admin_ui"
    label = "cod_admin_ui"
    verbose_name = _("Cash on Delivery admin")
