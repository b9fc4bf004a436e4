"""A host with a missing or wrong setting hears it from Django's system checks, with the fix."""

from django.core.checks import run_checks
from django.test import override_settings


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
