"""A shopper buys cash on delivery in the oscar shop, in Chromium: the shop served as ``make demo-oscar`` serves it
(its own settings and SQLite file, migrated, the demo's data), walked through oscar's own pages.

The shop runs in a process of its own: its settings (oscar's apps, the COD checkout in place of oscar's) are not
the settings of this test run, so this test needs neither and runs with the other browser tests."""

import pytest

from tests import served

pytestmark = pytest.mark.browser

MANAGE = served.manage("sandbox/oscar_shop/manage.py")
PASSWORD = "codDemo123!"
# Moves the shop's COD orders on as the courier's updates would (the lifecycle itself is tested elsewhere).
OUT_FOR_DELIVERY = "from cod_plugin.models import CodOrder; CodOrder.objects.update(status='out_for_delivery')"


@pytest.fixture(scope="module")
def oscar_shop(tmp_path_factory):
    """The oscar shop on a fresh SQLite file with the demo's data; yields its URL and its environment."""
    pytest.importorskip("oscar", reason="needs django-oscar: pip install -e '.[test]'")
    env = served.environment(tmp_path_factory.mktemp("oscar-shop"), "sandbox.oscar_shop.settings")
    served.run(env, *MANAGE, "migrate", "--noinput", "-v", "0")
    served.run(env, *MANAGE, "cod_oscar_demo")
    port = served.free_port()
    with served.serving([*MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"], env, port=port) as url:
        yield url, env


def sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", PASSWORD)
    page.locator("button[name=login_submit]").click()
    page.wait_for_url(f"{url}/accounts/profile/")


def add_to_basket(page, url: str, search: str, title: str) -> None:
    page.goto(f"{url}/search/?q={search}")
    page.get_by_role("link", name=title).first.click()
    page.locator("#add_to_basket_form button[type=submit]").click()


def to_payment_step(page, url: str) -> None:
    """Oscar's checkout up to the payment step: the address book's default address, the only shipping method."""
    page.goto(f"{url}/checkout/")
    page.locator("button.ship-address").first.click()
    page.wait_for_url(f"{url}/checkout/payment-method/")


def test_a_shopper_pays_on_delivery_through_oscars_checkout(oscar_shop, browser, page):
    from playwright.sync_api import expect

    oscar_shop, env = oscar_shop

    # given a customer with two t-shirts in the basket, at the payment step
    sign_in(page, oscar_shop, "new@example.com")
    add_to_basket(page, oscar_shop, "shirt", "Cotton t-shirt")
    add_to_basket(page, oscar_shop, "shirt", "Cotton t-shirt")
    to_payment_step(page, oscar_shop)

    # when they choose Cash on Delivery
    expect(page.locator("#cod_payment_method")).to_contain_text("A fee of $1.20 is added; you pay $41.18 on delivery.")
    page.locator("#pay_cod").click()

    # then the preview shows the fee as a surcharge and asks for the terms before placing
    expect(page.locator("#cod_terms")).to_contain_text("Cash on Delivery (COD) terms, version 1")
    expect(page.get_by_text("Cash on Delivery fee")).to_be_visible()
    page.locator("#place-order").click()
    expect(page.locator("#cod_terms_error")).to_contain_text("Accept the Cash on Delivery terms")
    page.locator("#accept_cod_terms").check()
    page.locator("#place-order").click()
    page.wait_for_url(f"{oscar_shop}/checkout/thank-you/")
    expect(page.locator("body")).to_contain_text("$41.18")

    # and the account's order page shows the COD status
    page.goto(f"{oscar_shop}/accounts/orders/")
    page.locator("table a").first.click()
    expect(page.locator("#cod_status")).to_have_text("Pending confirmation")

    # when the parcel is out for delivery, the customer clicks "Paid" with the courier's receipt
    served.run(env, *MANAGE, "shell", "-c", OUT_FOR_DELIVERY)
    page.reload()
    page.fill("#id_reference", "RCPT-77")
    page.locator("#cod_paid").click()
    expect(page.locator("#cod_claim")).to_contain_text("receipt RCPT-77")

    # given another customer with the luxury watch in the basket
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(other, oscar_shop, "trusted@example.com")
    add_to_basket(other, oscar_shop, "watch", "Luxury automatic watch")

    # when they reach the payment step, then COD is not offered, with every reason
    to_payment_step(other, oscar_shop)
    expect(other.locator("#pay_cod")).to_have_count(0)
    reasons = other.locator("#cod_reasons li")
    expect(reasons.first).to_contain_text("not available for high-value products: Luxury automatic watch")
    expect(other.locator("#cod_reasons")).to_contain_text("Items priced above $1,500.00 cannot be paid at the door")
    other.context.close()
