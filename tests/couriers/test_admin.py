"""Courier credentials in the admin: typed in, kept when left empty, never shown back beyond their last four."""

import pytest
from django.contrib.auth import get_user_model

from cod_plugin.models import Courier

from .conftest import SECRET

CHANGE = "/admin/cod_plugin/courier/{}/change/"


@pytest.fixture
def admin_client(client, courier):
    """The demo's staff superuser, signed in (the demo data takes the primary keys of pytest-django's own)."""
    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    return client


def test_the_secret_and_key_are_not_shown_back(admin_client, courier):
    Courier.objects.filter(pk=courier.pk).update(api_key="key-abcdef-123456")
    page = admin_client.get(CHANGE.format(courier.pk)).content.decode()
    listing = admin_client.get("/admin/cod_plugin/courier/").content.decode()
    for html in (page, listing):
        assert SECRET not in html and "key-abcdef-123456" not in html
    assert "…0001" in page and "…3456" in listing
    assert 'type="password"' in page


def test_an_empty_field_keeps_the_stored_secret(admin_client, courier):
    form = {"code": "fastship", "name": "FastShip Express", "active": "on", "webhook_secret": "", "api_key": ""}
    response = admin_client.post(CHANGE.format(courier.pk), {**form, "api_url": "https://api.fastship.test"})
    assert response.status_code == 302
    courier.refresh_from_db()
    assert (courier.name, courier.webhook_secret) == ("FastShip Express", SECRET)


def test_a_new_secret_must_be_long_enough(admin_client, courier):
    form = {"code": "fastship", "name": "FastShip", "active": "on", "webhook_secret": "short", "api_url": ""}
    response = admin_client.post(CHANGE.format(courier.pk), form)
    assert response.status_code == 200 and "at least 16 characters" in response.content.decode()
    courier.refresh_from_db()
    assert courier.webhook_secret == SECRET
