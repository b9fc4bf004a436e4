"""Oscar's dashboard leads COD staff to the plugin's screens: the "Cash on delivery" menu shows each link to the
groups allowed to open it, and ``cod_oscar_staff`` makes an oscar user staff in a COD group."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cod_plugin.contrib.oscar.dashboard import with_cod_menu

pytestmark = pytest.mark.django_db

User = get_user_model()


def dashboard_as(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_agent_sees_the_queue_and_the_orders_but_not_the_settings():
    # given
    agent = User.objects.create_user("agent", "agent@example.com", "x")
    call_command("cod_oscar_staff", "agent@example.com", "COD agents", stdout=io.StringIO())
    agent.refresh_from_db()

    # when
    page = dashboard_as(User.objects.create_superuser("boss", "boss@example.com", "x"))
    agent_can = [entry for entry in with_cod_menu([])[0]["children"] if entry["access_fn"](agent, entry["url_name"])]

    # then
    assert agent.is_staff and list(agent.groups.values_list("name", flat=True)) == ["COD agents"]
    assert [str(entry["label"]) for entry in agent_can] == ["COD orders", "Confirmation queue"]
    assert "Cash on delivery" in page
    for url_name in ("admin:cod_plugin_codorder_changelist", "admin:cod_admin_ui_confirmationqueue_changelist",
                     "admin:cod_plugin_codreturnrequest_changelist"):  # fmt: skip
        assert f'href="{reverse(url_name)}"' in page


def test_a_customer_who_is_not_staff_sees_no_cod_link():
    customer = User.objects.create_user("ann", "ann@example.com", "x")
    menu = with_cod_menu([])[0]
    assert not menu["access_fn"](customer, None)


def test_the_menu_is_added_once_and_the_staff_command_names_the_groups():
    assert len(with_cod_menu(with_cod_menu([{"label": "Dashboard", "url_name": "dashboard:index"}]))) == 2
    User.objects.create_user("ann", "ann@example.com", "x")
    with pytest.raises(CommandError, match="Not a COD group: COD bosses"):
        call_command("cod_oscar_staff", "ann@example.com", "COD bosses")
    assert not User.objects.get(email="ann@example.com").is_staff
