"""The GraphQL explorer works on a machine without internet: every script, stylesheet and icon comes from here."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings

from tests.browser.conftest import browser, page  # noqa: F401  (the Chromium fixtures)

EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


class _Links(HTMLParser):
    """The URLs a page makes the browser load: scripts, stylesheets, icons, images."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def loaded_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def graphiql(db):
    with override_settings(COD_GRAPHQL_INTROSPECTION=True):
        yield Client().get("/graphql/", HTTP_ACCEPT="text/html")


def test_graphiql_page_loads_nothing_from_another_host(graphiql):
    html = graphiql.content.decode()
    urls = loaded_urls(html)
    assert graphiql.status_code == 200 and len(urls) >= 8, urls
    assert [url for url in urls if EXTERNAL.match(url)] == []
    assert "unpkg.com" not in html and "cdn" not in html.lower()


def test_every_asset_of_the_graphiql_page_is_served_as_runserver_serves_static(graphiql):
    # given the page's scripts, stylesheets and icon
    paths = [url.removeprefix(settings.STATIC_URL) for url in loaded_urls(graphiql.content.decode())]
    assert {"cod_plugin/favicon.svg", "cod_plugin/graphiql/graphiql-3.8.3/graphiql.min.js"} <= set(paths)
    # when each is asked for as runserver (DEBUG) asks the static files app, then each is there with its content
    with override_settings(DEBUG=True):
        for path in paths:
            response = serve(RequestFactory().get(settings.STATIC_URL + path), path)
            assert response.status_code == 200, path
            assert b"".join(response.streaming_content), path


def test_each_vendored_script_keeps_its_licence_beside_it():
    for package in ("react-18.2.0", "react-dom-18.2.0", "js-cookie-3.0.5", "graphiql-3.8.3", "plugin-explorer-1.0.2"):
        licence = finders.find(f"cod_plugin/graphiql/{package}/LICENSE")
        assert licence, package
        with open(licence, encoding="utf-8") as file:
            assert "Permission is hereby granted, free of charge" in file.read(), package


def test_collectstatic_with_hashed_names_takes_graphiql_and_the_page_points_at_the_collected_files(db, tmp_path):
    # given a deployment's static files: collected, with hashed names (the strictest of Django's storages)
    hashed = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": hashed}
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages, DEBUG=False, COD_GRAPHQL_INTROSPECTION=True):
        call_command("collectstatic", interactive=False, verbosity=0)
        # when the explorer is asked for
        html = Client().get("/graphql/", HTTP_ACCEPT="text/html").content.decode()
    # then every file it names is among those collected
    paths = [url.removeprefix(settings.STATIC_URL) for url in loaded_urls(html)]
    assert any(re.match(r"cod_plugin/graphiql/graphiql-3\.8\.3/graphiql\.min\.[0-9a-f]{12}\.js$", p) for p in paths)
    assert [path for path in paths if not (tmp_path / path).is_file()] == []


@pytest.mark.browser
def test_graphiql_shows_its_editor_with_the_network_cut_off(page, live_server, settings):  # noqa: F811
    # given a browser that may reach this server and nothing else
    settings.COD_GRAPHQL_INTROSPECTION = True
    refused: list[str] = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    page.route("**/*", only_this_server)
    # when the explorer is opened
    page.goto(f"{live_server.url}/graphql/")
    # then GraphiQL draws its editor, reads the schema, and asked no other host for anything
    page.locator(".graphiql-query-editor .CodeMirror").first.wait_for(state="visible")
    page.get_by_role("button", name=re.compile("Show Documentation Explorer", re.IGNORECASE)).click()
    page.get_by_text("Query", exact=True).first.wait_for(state="visible")
    assert refused == []
