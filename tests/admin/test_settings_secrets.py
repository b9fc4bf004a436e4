"""SMS and courier credentials in the admin: typed in, never shown back beyond their last four characters."""

import pytest
from django.test import Client

from cod_plugin.models import CodPolicy, Courier

from .html_forms import form_data
from .test_settings import CHANGE, EDITOR, edit, policy

TOKEN = "sms-token-abcdefgh-7781"
KEY = "provider-key-zyxwvu-4455"
URL = f"https://user:pass-word-9912@sms.example.test/v1/send?account=shop&key={KEY}"
COURIER = "/admin/cod_plugin/courier/{}/change/"


@pytest.fixture
def editor(demo, staff_client):
    return staff_client(*EDITOR)


@pytest.fixture
def with_sms(demo):
    CodPolicy.objects.filter(channel="default-channel").update(sms_url=URL, sms_token=TOKEN, sms_sender="SHOPUS")
    return policy()


def assert_hidden(html: str) -> None:
    for secret in (TOKEN, KEY, "pass-word-9912"):
        assert secret not in html


def test_the_sms_credentials_are_never_in_the_page(with_sms, editor):
    # when the merchant opens the policy, and the list of policies
    page = editor.get(CHANGE.format(with_sms.pk)).content.decode()
    listing = editor.get("/admin/cod_plugin/codpolicy/").content.decode()
    # then neither the token nor the key in the URL is there, only their last four characters
    assert_hidden(page)
    assert_hidden(listing)
    assert "…7781" in page
    assert "https://user:…9912@sms.example.test/v1/send?account=…&amp;key=…4455" in page
    data = form_data(page, "codpolicy_form")
    assert data["sms_token"] == [""] and data["sms_url"] == [""]


def test_empty_fields_keep_the_stored_credentials(with_sms, editor):
    response = edit(editor, fee_percent="4")
    assert response.status_code == 302
    saved = policy()
    assert (saved.fee_percent, saved.sms_url, saved.sms_token, saved.sms_sender) == (4, URL, TOKEN, "SHOPUS")


def test_typed_credentials_replace_the_stored_ones_and_a_box_removes_them(with_sms, editor):
    # when the merchant types a new token
    assert edit(editor, sms_token="another-token-000011112222").status_code == 302
    assert (policy().sms_url, policy().sms_token) == (URL, "another-token-000011112222")
    # when the merchant ticks "remove" for the URL: the channel goes back to the store-wide provider
    assert edit(editor, clear_sms_url="on").status_code == 302
    assert (policy().sms_url, policy().sms_token) == ("", "another-token-000011112222")


def test_a_typed_url_is_validated(with_sms, editor):
    response = edit(editor, sms_url="not a url")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sms_url"] == ["Enter a valid URL."]
    assert policy().sms_url == URL
    assert_hidden(response.content.decode())


def test_a_reader_without_the_right_to_change_sees_the_masked_values_only(with_sms, staff_client):
    reader = staff_client("cod_plugin.view_codpolicy", "cod_plugin.view_courier")
    courier = Courier.objects.create(code="fastship", name="FastShip", webhook_secret="w" * 12 + "hook-secret-5566")
    Courier.objects.filter(pk=courier.pk).update(api_key="courier-api-key-8899")
    # when a reader opens the policy and the courier
    page = reader.get(CHANGE.format(with_sms.pk))
    courier_page = reader.get(COURIER.format(courier.pk))
    # then both are read-only pages with the masked values, never the stored ones
    assert page.status_code == courier_page.status_code == 200
    html, courier_html = page.content.decode(), courier_page.content.decode()
    assert_hidden(html)
    assert "…7781" in html and 'name="_save"' not in html
    assert "hook-secret-5566" not in courier_html and "courier-api-key-8899" not in courier_html
    assert "…5566" in courier_html and "…8899" in courier_html


def test_a_short_secret_shows_none_of_its_characters(demo, editor):
    CodPolicy.objects.filter(channel="default-channel").update(sms_token="short-9z8y")
    page = editor.get(CHANGE.format(policy().pk)).content.decode()
    assert "short-9z8y" not in page and "9z8y" not in page
    assert "Set: …. Leave empty to keep it." in page


# --- who may change settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("perms", [(), ("cod_plugin.manage_cod_settings",)])
def test_staff_without_the_model_permission_get_403(demo, staff_client, perms):
    client = staff_client(*perms)
    pk = policy().pk
    for url in ("/admin/cod_plugin/codpolicy/", CHANGE.format(pk), "/admin/cod_plugin/courier/"):
        assert client.get(url).status_code == 403
    assert client.post(CHANGE.format(pk), {"fee_percent": "9"}).status_code == 403
    assert policy().fee_percent == 3


def test_changing_needs_the_cod_settings_permission_too(demo, staff_client):
    # given staff with Django's change permission on policies and couriers, but not "Can manage COD settings"
    client = staff_client(
        "cod_plugin.view_codpolicy",
        "cod_plugin.change_codpolicy",
        "cod_plugin.add_codpolicy",
        "cod_plugin.delete_codpolicy",
        "cod_plugin.change_courier",
        "cod_plugin.add_courier",
    )
    pk = policy().pk
    # then the policy page is read-only, and saving, adding and deleting are refused
    assert 'name="_save"' not in client.get(CHANGE.format(pk)).content.decode()
    assert client.post(CHANGE.format(pk), {"fee_percent": "9"}).status_code == 403
    assert client.get("/admin/cod_plugin/codpolicy/add/").status_code == 403
    assert client.get(f"/admin/cod_plugin/codpolicy/{pk}/delete/").status_code == 403
    assert client.get("/admin/cod_plugin/courier/add/").status_code == 403
    assert policy().fee_percent == 3


def test_a_cod_manager_may_add_a_courier(demo, staff_client):
    client = staff_client("cod_plugin.add_courier", "cod_plugin.view_courier", "cod_plugin.manage_cod_settings")
    form = {"code": "quick", "name": "Quick", "active": "on", "webhook_secret": "q" * 20, "api_url": "", "api_key": ""}
    assert client.post("/admin/cod_plugin/courier/add/", form).status_code == 302
    assert Courier.objects.get(code="quick").webhook_secret == "q" * 20


def test_saving_a_policy_needs_the_csrf_token(demo, staff_client):
    # given a COD manager's browser that enforces CSRF
    user_client = staff_client(*EDITOR)
    client = Client(enforce_csrf_checks=True)
    client.cookies = user_client.cookies
    url = CHANGE.format(policy().pk)
    data = form_data(client.get(url).content.decode(), "codpolicy_form")
    data["fee_percent"] = ["9"]
    # when the form is posted without its token, then it is refused
    without = {key: value for key, value in data.items() if key != "csrfmiddlewaretoken"}
    assert client.post(url, without).status_code == 403
    assert policy().fee_percent == 3
    # and with it, accepted
    assert client.post(url, data).status_code == 302
    assert policy().fee_percent == 9
