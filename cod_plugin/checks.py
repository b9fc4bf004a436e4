"""System checks: a host that forgot a setting or an app hears about it at startup, with the fix."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import CELERY, INLINE, app_settings
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


TASKS_HINT = (
    "Create a Celery app that reads the Django settings and set its broker (Celery's 'First steps with Django'; "
    "the sandbox's is sandbox/celery.py, imported in sandbox/__init__.py), and run a worker; or, for a store "
    'without a worker, set COD_TASKS = "inline" and run `manage.py cod_sweep` from cron.'
)


@register(Tags.compatibility)
def check_tasks(app_configs, **kwargs):
    """Confirmation messages, courier bookings and jobs are tasks: sent to a broker nobody set up, they wait forever
    without an error anywhere, so a store hears it here."""
    mode = app_settings.TASKS
    if mode not in (CELERY, INLINE):
        return [Error(f"COD_TASKS is {mode!r}.", hint='Set COD_TASKS to "celery" or "inline".', id="cod_plugin.E005")]
    if mode == INLINE:
        return []
    return _celery_app_problems()


def _celery_app_problems():
    from celery import current_app

    app = current_app._get_current_object()
    if app.conf.task_always_eager:
        return []
    if _is_celery_fallback(app):
        message = (
            'COD_TASKS is "celery", but no Celery app is set up: the plugin\'s tasks (confirmation messages among '
            "them) would go to Celery's default broker, amqp://guest@localhost//, where no worker reads them."
        )
        return [Warning(message, hint=TASKS_HINT, id="cod_plugin.W001")]
    if not app.conf.broker_url:
        message = (
            f'COD_TASKS is "celery", but the Celery app {app.main!r} has no broker_url: the plugin\'s tasks would '
            "go to Celery's default amqp://guest@localhost//."
        )
        return [Warning(message, hint=TASKS_HINT, id="cod_plugin.W002")]
    return []


def _is_celery_fallback(app) -> bool:
    """Whether ``app`` is the one Celery makes up when the process created none (named "default", no fix-ups)."""
    return app.main == "default" and not app.set_as_current and not app.fixups
