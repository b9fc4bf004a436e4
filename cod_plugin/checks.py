"""System checks: a host that forgot a setting or an app hears about it at startup, with the fix."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from .conf import app_settings
from .host import HostAdapter

REQUIRED_APPS = ("djmoney", "djmoney.contrib.exchange", "cod_plugin")


@register(Tags.compatibility)
def check_installed_apps(app_configs, **kwargs):
    return [
        Error(
            f"'{app}' must be in INSTALLED_APPS for the COD plugin.",
            hint=f"Add '{app}' to INSTALLED_APPS.",
            id="cod_plugin.E001",
        )
        for app in REQUIRED_APPS
        if app not in settings.INSTALLED_APPS
    ]


@register(Tags.compatibility)
def check_host_adapter(app_configs, **kwargs):
    path = app_settings.HOST_ADAPTER
    if not path:
        return [
            Error(
                "COD_HOST_ADAPTER is not set.",
                hint="Set COD_HOST_ADAPTER to the dotted path of your HostAdapter class.",
                id="cod_plugin.E002",
            )
        ]
    try:
        adapter_class = import_string(path)
    except ImportError as error:
        return [Error(f"COD_HOST_ADAPTER '{path}' cannot be imported: {error}.", id="cod_plugin.E003")]
    missing = [name for name in _protocol_methods() if not callable(getattr(adapter_class, name, None))]
    if missing:
        return [
            Error(
                f"COD_HOST_ADAPTER '{path}' lacks {', '.join(missing)}.",
                hint="Implement every method of cod_plugin.host.HostAdapter.",
                id="cod_plugin.E004",
            )
        ]
    return []


def _protocol_methods() -> list[str]:
    return sorted(name for name, value in vars(HostAdapter).items() if callable(value) and not name.startswith("_"))
