"""The settings screens in the Arabic admin: column titles, filters, languages and channels go through gettext and
read by name, never as codes; dates in the one format of the language."""

import re

import pytest
from django.utils import translation

from cod_plugin import formatting
from cod_plugin.models import Courier, Notification

from .conftest import MARK

ARABIC = {"HTTP_ACCEPT_LANGUAGE": "ar"}


@pytest.fixture
def admin_client_ar(demo, superuser_client):
    Notification.objects.create(kind="confirmation_request", channel="sms", to="+12125550100", body="Confirm?")
    Courier.objects.get_or_create(
        code="fastship",
        defaults={"name": "FastShip", "webhook_secret": "s" * 32, "channels": ["default-channel", "channel-ae"]},
    )
    return superuser_client


def headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)]


def test_the_messages_list_titles_and_filters_go_through_gettext(admin_client_ar, marked_arabic):
    html = admin_client_ar.get("/admin/cod_plugin/notification/", **marked_arabic).content.decode()
    titles = [title for title in headers(html) if title]
    assert titles and all(title.startswith(MARK) for title in titles), titles
    filters = re.findall(r"<summary>\s*(.*?)\s*</summary>", html, re.S) or re.findall(r"<h3>(.*?)</h3>", html)
    assert filters and all(f" {MARK}" in title for title in filters), filters
    shown = re.sub(r'href="[^"]*"', "", html)
    assert "confirmation_request" not in shown and ">sms<" not in shown


def test_the_messages_list_shows_kinds_and_dates_as_people_read_them(admin_client_ar):
    message = Notification.objects.order_by("-created_at").first()
    html = admin_client_ar.get("/admin/cod_plugin/notification/").content.decode()
    assert re.search(r'<th class="field-kind_shown"><a href="[^"]+">Confirmation request</a></th>', html)
    assert f'<td class="field-created">{formatting.datetime(message.created_at)}</td>' in html


def test_the_terms_languages_are_named_in_the_admins_language(admin_client_ar):
    html = admin_client_ar.get("/admin/cod_plugin/codpolicy/1/change/", **ARABIC).content.decode()
    with translation.override("ar"):
        arabic_name = str(translation.gettext("Arabic"))
    assert arabic_name != "Arabic" and '<option value="ar"' in html
    assert f">{arabic_name}</option>" in html and ">Afrikaans</option>" not in html


def test_couriers_list_their_channels_by_name(admin_client_ar):
    html = admin_client_ar.get("/admin/cod_plugin/courier/").content.decode()
    assert "Default channel (US)" in html and "default-channel" not in re.sub(r'href="[^"]*"', "", html)
    courier = Courier.objects.get(code="fastship")
    page = admin_client_ar.get(f"/admin/cod_plugin/courier/{courier.pk}/change/", **ARABIC).content.decode()
    assert "United Arab Emirates</label>" in page and "User:" not in page
