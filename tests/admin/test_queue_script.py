"""The call script speaks as a person (the agent's name, or the store's team), and the queue shows languages,
channels, dates and amounts as people read them, in one format per language."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone, translation

from cod_plugin import formatting
from cod_plugin.models import CodOrder
from tests.lifecycle.helpers import place

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"


def signed_in(email: str, **names: str) -> Client:
    user = get_user_model().objects.get(email=email)
    if names:
        get_user_model().objects.filter(pk=user.pk).update(**names)
    client = Client()
    client.force_login(user)
    return client


def greeting(client: Client) -> str:
    html = client.get(QUEUE).content.decode()
    script = re.search(r'<div class="module" id="call-script">\s*<h2>.*?</h2>.*?<ol[^>]*>\s*<li>(.*?)</li>', html, re.S)
    return script.group(1)


@pytest.fixture
def waiting(api, demo) -> CodOrder:
    return place(api, None)[1]


@override_settings(COD_STORE_NAME="Sandbox Shop")
@pytest.mark.parametrize(
    ("names", "said"),
    [
        ({"first_name": "Sami", "last_name": ""}, "Hello, this is Sami from Sandbox Shop."),
        ({"first_name": "Sami", "last_name": "Haddad"}, "Hello, this is Sami Haddad from Sandbox Shop."),
        ({"first_name": "", "last_name": ""}, "Hello, this is the team of Sandbox Shop."),
        ({"first_name": " ", "last_name": " "}, "Hello, this is the team of Sandbox Shop."),
    ],
)
def test_the_agent_greets_by_name_or_on_behalf_of_the_stores_team(waiting, names, said):
    client = signed_in("agent@example.com", **names)
    assert greeting(client) == said


def test_a_staff_user_without_a_name_never_greets_with_an_email_or_username(waiting):
    # given the demo's admin, who has no name: the username and the e-mail are both admin@example.com
    said = greeting(signed_in("admin@example.com"))
    # then the script speaks for the store's team
    assert said == "Hello, this is the team of our store."
    assert "@" not in said


def test_the_next_order_shows_the_channel_and_language_by_name_and_dates_in_one_format(waiting):
    # given a retry due since an hour ago
    due = timezone.now() - timedelta(hours=1)
    CodOrder.objects.filter(pk=waiting.pk).update(next_call_at=due, confirmation_attempts=1)
    html = signed_in("agent@example.com").get(QUEUE).content.decode()
    # then the channel and the customer's language read as names, never as slug and code
    assert "· Default channel (US) · customer's language: English</td>" in html
    assert "default-channel" not in html and "language: en<" not in html
    # and the dates are formatted the one way of the language
    assert f"retry due since {formatting.datetime(due)}" in html
    assert f"<td>{formatting.datetime(waiting.created_at)}</td>" in html


def test_the_orders_after_the_next_one_show_channel_names_and_formatted_dates(api, demo):
    place(api, None)
    _, second = place(api, None, lines={"TSHIRT-001": 1}, channel="channel-ae")
    html = signed_in("agent@example.com").get(QUEUE).content.decode()
    upcoming = re.search(r'<div class="module" id="upcoming">(.*?)</table>', html, re.S).group(1)
    assert "<td>United Arab Emirates</td>" in upcoming and "channel-ae" not in upcoming
    assert f"<td>{formatting.datetime(second.created_at)}</td>" in upcoming


def test_the_queue_in_arabic_names_the_customers_language_by_its_own_name(waiting):
    client = signed_in("agent@example.com")
    html = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    with translation.override("ar"):
        assert "English</td>" in html  # as the language calls itself, whatever the admin's language
        assert formatting.datetime(waiting.created_at) in html


def script_of(html: str) -> str:
    return re.search(r'<div class="module" id="call-script">.*?(<ol.*?</ol>)', html, re.S).group(1)


@override_settings(COD_STORE_NAME="Sandbox Shop")
def test_the_script_is_read_in_the_customers_language_in_an_arabic_admin(waiting):
    CodOrder.objects.filter(pk=waiting.pk).update(terms_language="fr")
    waiting.refresh_from_db()
    html = signed_in("agent@example.com", first_name="Sami").get(QUEUE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    script = script_of(html)
    currency = str(waiting.amount_to_collect.currency)
    with translation.override("fr"):
        calling = translation.gettext("I am calling about your order #%(number)s.") % {"number": waiting.order_number}
        greeting = translation.gettext("Hello, this is %(agent)s from %(store)s.") % {
            "agent": "Sami",
            "store": "Sandbox Shop",
        }
    assert calling.startswith("J") and greeting != "Hello, this is Sami from Sandbox Shop."  # French catalogue
    assert '<ol lang="fr" dir="ltr">' in script and calling in script and greeting in script
    assert formatting.money(waiting.amount_to_collect.amount, currency, "fr") in script
    assert 'lang="ar" dir="rtl"' in html  # the page around it stays the agent's


def test_a_language_the_store_does_not_speak_is_read_in_the_stores_default(waiting):
    CodOrder.objects.filter(pk=waiting.pk).update(terms_language="sw")
    html = signed_in("agent@example.com").get(QUEUE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<ol lang="en" dir="ltr">' in script_of(html) and "I am calling about your order" in script_of(html)
