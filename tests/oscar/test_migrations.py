"""An oscar shop running ``makemigrations --check`` finds nothing to write, whatever its currency settings are."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.migration_checks import NO_CHANGES, makemigrations_check

MANAGE_PY = Path(__file__).resolve().parents[2] / "sandbox" / "oscar_shop" / "manage.py"
NO_DATABASE = {"DATABASE_URL": "sqlite://:memory:"}  # makemigrations only reads the history: touch no real database


def test_the_oscar_shop_has_no_migration_to_write(db):
    output = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=output, stderr=output)
    assert NO_CHANGES in output.getvalue()


@pytest.mark.parametrize(
    "host_settings",
    [
        pytest.param({}, id="the shop's own settings"),
        pytest.param({"CURRENCIES": ("USD", "EUR", "AED")}, id="CURRENCIES, as django-money's docs suggest"),
        pytest.param({"CURRENCY_CHOICES": [("USD", "Dollar"), ("AED", "Dirham")]}, id="names of another Babel"),
    ],
)
def test_the_oscar_shop_has_no_migration_to_write_with_a_currency_setting(host_settings, tmp_path):
    check = makemigrations_check(
        MANAGE_PY, "sandbox.oscar_shop.settings", overrides=host_settings, tmp_path=tmp_path, env=NO_DATABASE
    )
    assert check.clean, check.output
