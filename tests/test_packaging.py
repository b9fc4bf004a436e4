"""The wheel a store installs carries both apps, their templates and their migrations."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (wheel,) = out.glob("django_cod_plugin-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_wheel_has_both_apps_with_migrations_mapped_into_the_packages(wheel_names):
    assert "cod_plugin/migrations/0001_initial.py" in wheel_names
    assert "admin_ui/migrations/__init__.py" in wheel_names
    assert "cod_plugin/templates/cod_plugin/terms.html" in wheel_names
    assert "admin_ui/admin.py" in wheel_names
    assert "cod_plugin/locale/ar/LC_MESSAGES/django.mo" in wheel_names


def test_wheel_carries_no_sandbox_or_tests(wheel_names):
    assert not [name for name in wheel_names if name.startswith(("sandbox/", "tests/", "migrations/", "bench/"))]


def test_every_package_of_the_source_tree_is_in_the_wheel(wheel_names):
    sources = sorted(
        str(init.relative_to(ROOT)) for app in ("cod_plugin", "admin_ui") for init in (ROOT / app).rglob("__init__.py")
    )
    assert [name for name in sources if name not in wheel_names] == []
