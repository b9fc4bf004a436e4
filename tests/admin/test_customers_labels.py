"""The customers screens speak as people read them: a customer by email, tiers and history entries by translated
labels, channels by name, amounts and dates in the one format of the language; in Arabic, nothing stays English."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cod_plugin import formatting
from cod_plugin.models import CodCustomerProfile, CodOrder, CodProfileEvent
from tests.lifecycle.helpers import place

from .conftest import MARK

LIST = "/admin/cod_plugin/codcustomerprofile/"


@pytest.fixture
def support(demo) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email="support@example.com"))
    return client


def page(profile) -> str:
    return f"{LIST}{profile.pk}/change/"


def test_the_profile_page_shows_no_keys_nor_codes(api, token_for, support):
    # given a customer with an order, a strike with its penalty and a completed order in the history
    _, order = place(api, token_for("new@example.com"))
    profile = CodCustomerProfile.objects.get(email="new@example.com")
    CodProfileEvent.objects.create(
        profile=profile,
        order=order,
        kind="strike",
        actor="courier",
        reason="not_at_home",
        data={"strikes": 1, "penalty": "12.5", "currency": "USD"},
    )
    CodProfileEvent.objects.create(profile=profile, order=order, kind="order_completed", actor="system")
    # when support opens the profile
    html = support.get(page(profile)).content.decode()
    body = re.sub(r'(href|value|name|id|for|class)="[^"]*"', "", html.split('id="content-main"')[1])
    # then the customer, the channel, the refusal, the penalty and the history read as words
    assert "customer:2" not in html and "new@example.com" in html.split("<title>")[1].split("</title>")[0]
    assert "<td>Default channel (US)</td>" in body and "default-channel" not in body
    assert "<td>Not at home</td>" in body and "not_at_home" not in body
    assert "<td>$12.50</td>" in body and "12.5 USD" not in body
    assert "<td>Strike</td>" in body and "<td>COD order completed</td>" in body and "order_completed" not in body
    assert "strikes: 1; penalty: $12.50" in body
    assert f"<td>{formatting.datetime(CodOrder.objects.get(pk=order.pk).created_at)}</td>" in body


def test_the_list_names_customers_and_sorts_by_its_dates(support):
    suspended = CodCustomerProfile.objects.get(email="suspended@example.com")
    html = support.get(LIST).content.decode()
    assert f'<td class="field-suspended">{formatting.datetime(suspended.suspended_until)}</td>' in html
    assert ">customer:" not in html
    # the later suspension first when sorted by "suspended until", newest first
    CodCustomerProfile.objects.filter(email="penalty@example.com").update(
        suspended_until=timezone.now() + timedelta(days=900)
    )
    sorted_page = support.get(LIST, {"o": "-6"}).content.decode()  # 0-based: "suspended until"
    listed = re.findall(r'<th class="field-customer"><a href="[^"]+">([^<]+)</a>', sorted_page)
    assert listed[:2] == ["penalty@example.com", "suspended@example.com"]


def test_the_profile_page_in_arabic_is_all_through_gettext(support, marked_arabic):
    profile = CodCustomerProfile.objects.get(email="b2b@example.com")
    html = support.get(page(profile), **marked_arabic).content.decode()
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html.split('id="content-main"')[1], re.S)
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in labels]
    assert labels and all(label.startswith(MARK) for label in labels if label), labels
    assert "Updated at" not in html
