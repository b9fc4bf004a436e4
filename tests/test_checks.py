"""A host with a missing or wrong setting hears it from Django's system checks, with the fix."""

import os
import subprocess
import sys

import pytest
from celery import Celery, _state
from django.core.checks import run_checks
from django.test import override_settings


def check_messages():
    return {message.id: message for message in run_checks()}


def check_ids():
    return {message.id: message.msg for message in run_checks()}


def test_the_sandbox_configuration_passes():
    assert not [i for i in check_ids() if i.startswith("cod_plugin.")]


@override_settings(COD_HOST_ADAPTER="")
def test_missing_adapter_setting():
    assert "COD_HOST_ADAPTER is not set" in check_ids()["cod_plugin.E002"]


@override_settings(COD_HOST_ADAPTER="sandbox.store.nowhere.Adapter")
def test_adapter_that_cannot_be_imported():
    assert "sandbox.store.nowhere.Adapter" in check_ids()["cod_plugin.E003"]


@override_settings(COD_HOST_ADAPTER="builtins.object")
def test_adapter_that_lacks_methods():
    assert "create_order" in check_ids()["cod_plugin.E004"]


# COD_TASKS and the Celery app the tasks would be sent through


@pytest.fixture
def celery_app():
    """Make an app the current Celery app of this thread, as a store's Celery module would; restored after."""
    previous = _state._tls.current_app

    def use(app: Celery) -> Celery:
        _state._set_current_app(app)
        return app

    yield use
    _state._set_current_app(previous)


def test_a_store_with_a_celery_app_and_a_broker_passes(celery_app):
    celery_app(Celery("store", broker="redis://127.0.0.1:6379/0", set_as_current=False))
    assert not [i for i in check_ids() if i.startswith("cod_plugin.")]


def test_a_store_without_a_celery_app_is_told_what_is_missing(celery_app):
    # given: the app Celery makes up when the store created none
    celery_app(Celery("default", fixups=[], set_as_current=False))
    # when
    warning = check_messages()["cod_plugin.W001"]
    # then
    assert "no Celery app is set up" in warning.msg
    assert "sandbox/celery.py" in warning.hint and 'COD_TASKS = "inline"' in warning.hint


def test_a_celery_app_without_a_broker_is_told_it_sends_to_the_default(celery_app, monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    celery_app(Celery("store", set_as_current=False))
    assert "amqp://guest@localhost//" in check_ids()["cod_plugin.W002"]


def test_an_eager_celery_app_passes(celery_app):
    app = celery_app(Celery("default", fixups=[], set_as_current=False))
    app.conf.task_always_eager = True
    assert not [i for i in check_ids() if i.startswith("cod_plugin.")]


@override_settings(COD_TASKS="inline")
def test_inline_tasks_need_no_celery_app(celery_app):
    celery_app(Celery("default", fixups=[], set_as_current=False))
    assert not [i for i in check_ids() if i.startswith("cod_plugin.")]


@override_settings(COD_TASKS="worker")
def test_an_unknown_tasks_mode():
    assert "'worker'" in check_ids()["cod_plugin.E005"]


STORE_WITHOUT_CELERY = """
SECRET_KEY = "x"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "djmoney", "djmoney.contrib.exchange",
                  "cod_plugin"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
COD_HOST_ADAPTER = "cod_plugin.host.HostAdapter"
"""
RUN_CHECKS = (
    "import django; django.setup(); from django.core.checks import run_checks; print([m.id for m in run_checks()])"
)


def test_a_real_store_without_celery_hears_it(tmp_path):
    # given: a store's settings and no Celery module anywhere (a process of its own: this one has the sandbox's app)
    (tmp_path / "store_settings.py").write_text(STORE_WITHOUT_CELERY)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "store_settings", "PYTHONPATH": str(tmp_path)}
    env.pop("CELERY_BROKER_URL", None)
    # when
    done = subprocess.run([sys.executable, "-c", RUN_CHECKS], env=env, capture_output=True, text=True, timeout=120)
    # then
    assert "cod_plugin.W001" in done.stdout, done.stdout + done.stderr
