"""A host's ``makemigrations --check`` finds nothing to write for the plugin, whatever its currency settings are."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from djmoney.models.fields import MoneyField

from .migration_checks import NO_CHANGES, makemigrations_check

MANAGE_PY = Path(__file__).resolve().parent.parent / "sandbox" / "manage.py"
PLUGIN_APPS = ("cod_plugin", "cod_admin_ui")
NO_DATABASE = {"DATABASE_URL": "sqlite://:memory:"}  # makemigrations only reads the history: touch no real database


def money_fields():
    for app in PLUGIN_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.local_fields:
                if isinstance(field, MoneyField):
                    yield model, field


def makemigrations_dry_run() -> str:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_write():
    # when / then: no SystemExit (a change found exits 1)
    assert NO_CHANGES in makemigrations_dry_run()


@pytest.mark.parametrize(
    "host_settings",
    [
        pytest.param({"CURRENCIES": ("USD", "EUR", "AED")}, id="CURRENCIES, as django-money's docs suggest"),
        pytest.param({"CURRENCY_CHOICES": [("USD", "Dollar"), ("AED", "Dirham")]}, id="names of another Babel"),
    ],
)
def test_makemigrations_finds_nothing_with_a_host_currency_setting(host_settings, tmp_path):
    # given: a host's currency settings
    # when: every app of the sandbox (its store's money fields use the plugin's stable field too)
    check = makemigrations_check(
        MANAGE_PY, "sandbox.settings", overrides=host_settings, tmp_path=tmp_path, env=NO_DATABASE
    )
    # then
    assert check.clean, check.output


def test_makemigrations_finds_nothing_in_a_fresh_process():
    check = makemigrations_check(MANAGE_PY, "sandbox.settings", env=NO_DATABASE)
    assert check.clean, check.output


@pytest.mark.django_db
def test_other_currency_names_change_no_migration(monkeypatch):
    # given: the currency names another Babel/py-moneyed release would give (they differ between releases)
    for _, field in money_fields():
        currency = field._currency_field
        monkeypatch.setattr(currency, "choices", [(code, f"{name} (renamed)") for code, name in currency.choices])
    # when / then
    assert NO_CHANGES in makemigrations_dry_run()


def test_every_currency_field_deconstructs_without_choices():
    fields = list(money_fields())
    assert len(fields) == 11
    for model, field in fields:
        _, path, _, kwargs = field._currency_field.deconstruct()
        assert "choices" not in kwargs, f"{model.__name__}.{field.name}"
        assert path == "djmoney.models.fields.CurrencyField"
        _, path, _, kwargs = field.deconstruct()
        assert "currency_choices" not in kwargs, f"{model.__name__}.{field.name}"
        assert path == "djmoney.models.fields.MoneyField"


def test_a_currency_outside_the_list_is_still_refused():
    # the choices left the migrations, not the form fields: a money input with an unknown currency is refused
    for _, field in money_fields():
        form_field = field.formfield()
        assert form_field.clean(["1.50", "USD"]).currency.code == "USD"
        with pytest.raises(ValidationError):
            form_field.clean(["1.50", "ZZZ"])
