"""Every language of the store is complete: every string the plugin and its admin show has an Arabic, a French and an
Indonesian translation, and the compiled catalogues are the ones the translations say."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
APPS = ("cod_plugin", "admin_ui")
LANGUAGES = ("ar", "fr", "id")
CATALOGUES = [pytest.param(app, language, id=f"{app}-{language}") for app in APPS for language in LANGUAGES]


def catalogue(app: str, suffix: str, language: str):
    path = REPO / app / "locale" / language / "LC_MESSAGES" / f"django.{suffix}"
    with open(path, "rb") as handle:
        return read_po(handle) if suffix == "po" else read_mo(handle)


def plain(value):
    """A plural message's forms come as a tuple from one reader and a list from the other."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_every_language_of_the_store_has_its_catalogues():
    from django.conf import settings

    assert [code for code, _ in settings.LANGUAGES if code != "en"] == list(LANGUAGES)


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_every_message_is_translated(app, language):
    po = catalogue(app, "po", language)
    missing = [m.id for m in po if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))]
    assert missing == [], f"{len(missing)} untranslated or fuzzy {language} messages in {app}: {missing[:10]}"


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_compiled_catalogue_matches_the_translations(app, language):
    po, mo = catalogue(app, "po", language), catalogue(app, "mo", language)
    translated = {plain(m.id): plain(m.string) for m in po if m.id}
    compiled = {plain(m.id): plain(m.string) for m in mo if m.id}
    assert compiled == translated, "run `make messages` to compile the .mo files"


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_catalogue_has_every_string_of_the_source(app, language, tmp_path):
    """Extract the strings afresh into a copy of the app: nothing the source marks is missing from the catalogue.

    ``-P``: the app's own ``forms.py`` and ``settings.py`` must not shadow Django's modules of those names."""
    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext: apt-get install -y gettext")
    copy = tmp_path / app
    shutil.copytree(REPO / app, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    command = [sys.executable, "-P", "-m", "django", "makemessages", "-l", language, "--no-location", "-v", "0"]
    subprocess.run(command, cwd=copy, check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    with open(copy / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    known = {m.id for m in catalogue(app, "po", language) if m.id}
    assert sorted(map(str, extracted - known)) == []
