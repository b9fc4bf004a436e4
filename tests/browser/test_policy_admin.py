"""A merchant changes the COD fee in the Django admin, and the storefront's next answer carries the new fee."""

import pytest
import requests
from django.core.management import call_command

from cod_plugin.models import CodPolicy

from ..graphql.conftest import FIXTURES, PASSWORD, Api
from ..graphql.shop import new_checkout
from ..graphql.test_eligibility import ELIGIBILITY
from .conftest import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def storefront_eligibility(live_server, checkout_id: str) -> dict:
    response = requests.post(
        f"{live_server.url}/graphql/", json={"query": ELIGIBILITY, "variables": {"id": checkout_id}}, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["codEligibility"]


def test_a_merchant_raises_the_fee_and_the_storefront_charges_it(live_server, page):
    from playwright.sync_api import expect

    # given the demo store and a guest's cart of 173.98 (2 t-shirts, headphones, Standard delivery) at the 3% fee
    call_command("loaddata", *FIXTURES, verbosity=0)
    checkout = new_checkout(Api(), "default-channel", {"TSHIRT-001": 2, "HEADPHONES-001": 1})
    assert storefront_eligibility(live_server, checkout)["fee"] == {"amount": "5.22", "currency": "USD"}

    # when the COD manager logs into the admin
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "manager@example.com")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    # and opens the COD policy of the default channel
    page.get_by_role("link", name="COD policies").click()
    page.get_by_role("link", name="default-channel", exact=True).click()
    fee_percent = page.locator("#id_fee_percent")
    expect(fee_percent).to_have_value("3.00")
    # and changes the fee from 3% to 5% and saves
    fee_percent.fill("5")
    page.locator("input[name=_save]").click()

    # then the admin confirms it
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    page.screenshot(path=screenshot_path("policy-admin-saved"), full_page=True)
    assert CodPolicy.objects.get(channel="default-channel").fee_percent == 5
    # and the storefront's next answer for the same cart has 5% of 173.98 = 8.699, rounded to 8.70
    result = storefront_eligibility(live_server, checkout)
    assert result["isEligible"] and result["orderAmount"] == {"amount": "173.98", "currency": "USD"}
    assert result["fee"] == {"amount": "8.70", "currency": "USD"}
    assert result["amountToCollect"] == {"amount": "182.68", "currency": "USD"}
