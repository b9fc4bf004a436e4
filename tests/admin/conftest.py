"""Admin test plumbing: the demo store, and staff users signed in with exactly the permissions a test gives them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from tests.graphql.conftest import api, demo, token_for  # noqa: F401


def grant(user, *perms: str) -> None:
    """``perms`` as "app_label.codename"."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def staff_client(db):
    """``staff_client("cod_plugin.view_codorder", ...)``: a client signed in as a new staff user with those perms."""
    made = 0

    def make(*perms: str, email: str | None = None) -> Client:
        nonlocal made
        made += 1
        email = email or f"staff{made}@example.com"
        user = get_user_model().objects.create_user(email, email, "x", is_staff=True)
        grant(user, *perms)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def superuser_client(db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


MARK = "·"


@pytest.fixture
def marked_arabic(monkeypatch):
    """Every string that goes through gettext in Arabic comes out with a leading ``MARK``: text without it on an
    Arabic page was never marked for translation (whether or not the catalogue has it yet)."""
    from django.utils.translation import trans_real

    catalogue = trans_real.translation("ar")
    translate = catalogue.gettext
    monkeypatch.setattr(catalogue, "gettext", lambda message: MARK + translate(message))
    return {"HTTP_ACCEPT_LANGUAGE": "ar"}
