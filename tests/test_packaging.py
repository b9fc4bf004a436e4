"""The wheel a store installs carries both apps, their templates and their migrations."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# What setuptools says when a data directory looks like a package it was not told of; hundreds of lines a build.
SETUPTOOLS_DATA_WARNINGS = re.compile(r"Package would be ignored|is absent from the `packages`|as data is deprecated")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """The wheel built as a store's pip builds it, and everything the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v", "-w", str(out)]
    command.append(str(ROOT))
    run = subprocess.run(command, check=True, capture_output=True, text=True)
    (wheel,) = out.glob("django_cod_plugin-*.whl")
    return set(zipfile.ZipFile(wheel).namelist()), run.stdout + run.stderr


@pytest.fixture(scope="module")
def wheel_names(build):
    return build[0]


def test_building_the_wheel_prints_no_package_data_warning(build):
    _names, printed = build
    assert "Building wheel" in printed or "Created wheel" in printed  # the backend's own output is in there
    assert SETUPTOOLS_DATA_WARNINGS.findall(printed) == []


def test_wheel_has_templates_static_files_catalogues_and_migrations_of_both_apps(wheel_names):
    expected = {
        "cod_plugin/templates/cod_plugin/graphiql.html",
        "cod_plugin/templates/cod_plugin/confirm.html",
        "cod_plugin/static/cod_plugin/favicon.svg",
        "cod_plugin/static/cod_plugin/graphiql/graphiql-3.8.3/graphiql.min.js",
        "cod_plugin/static/cod_plugin/graphiql/graphiql-3.8.3/LICENSE",
        "cod_plugin/static/cod_plugin/graphiql/react-dom-18.2.0/react-dom.production.min.js",
        "cod_plugin/locale/ar/LC_MESSAGES/django.mo",
        "admin_ui/locale/ar/LC_MESSAGES/django.mo",
        "admin_ui/static/admin_ui/cod.css",
        "admin_ui/templates/admin_ui/queue/queue.html",
        "admin_ui/migrations/0001_screens.py",
    }
    assert sorted(expected - wheel_names) == []
    sources = [
        str(path.relative_to(ROOT))
        for app in ("cod_plugin", "admin_ui")
        for folder in ("templates", "static", "locale")
        for path in (ROOT / app / folder).rglob("*")
        if path.is_file() and path.suffix != ".pyc"
    ]
    assert [name for name in sources if name not in wheel_names] == []


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
