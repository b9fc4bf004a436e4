"""The oscar suite needs django-oscar; without it this test says so (skipped, which fails a CI run)."""

import pytest
from django.apps import apps
from django.conf import settings

from .settings import OSCAR_INSTALLED


def test_the_shop_runs_the_plugin_on_oscar():
    if not OSCAR_INSTALLED:
        pytest.skip("needs django-oscar: pip install django-cod-plugin[oscar]")
    assert apps.is_installed("oscar")
    assert apps.get_app_config("cod_oscar").name == "cod_plugin.contrib.oscar"
    assert settings.COD_HOST_ADAPTER == "cod_plugin.contrib.oscar.adapter.OscarAdapter"
