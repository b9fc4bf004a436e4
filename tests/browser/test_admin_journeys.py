"""Staff at work in the store admin, in Chromium: an agent confirms from the queue, support takes a return to a paid
refund, an agent is kept out of the refunds, and the Arabic admin reads right to left."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cod_plugin.models import CodRefund, CodReturnRequest
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.auth import create_token
from tests.graphql.conftest import FIXTURES, PASSWORD, Api
from tests.lifecycle.helpers import place
from tests.returns.helpers import CUSTOMER, PNG_BASE64, REQUEST, completed_order

from .conftest import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# How far an element's text stands from the left and from the right edge of its own box: a block box spans its
# column either way, and it is the text that starts at the right in a right-to-left page.
TEXT_MARGINS = """selector => {
  const element = document.querySelector(selector);
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
  return [text.left - box.left, box.right - text.right];
}"""


@pytest.fixture
def store(settings, tmp_path):
    """The demo store, with uploaded photos kept out of the work tree; returns the API and the customer's token."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", *FIXTURES, verbosity=0)
    api = Api()
    return api, create_token(get_user_model().objects.get(email=CUSTOMER))


def sign_in(page, live_server, email: str, *, button: str = "Log in") -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=button).click()
    page.locator("#site-name").wait_for()


def test_an_agent_confirms_the_next_order_from_the_queue(live_server, page, store):
    from playwright.sync_api import expect

    # given a new order waiting for its confirmation call
    api, customer = store
    _, order = place(api, customer)

    # when the agent opens the confirmation queue
    sign_in(page, live_server, "agent@example.com")
    page.get_by_role("link", name="Confirmation queue").click()

    # then the call script names the order, its products, the amount with the fee and a number to dial
    expect(page.locator("#next-order h2")).to_contain_text(order.order_number)
    script = page.locator("#call-script")
    expect(script).to_contain_text("T-shirt")
    expect(script).to_contain_text(f"${order.amount_to_collect.amount:,.2f}")
    expect(script).to_contain_text(f"${order.fee.amount:,.2f}")
    expect(page.locator("#next-order a[href^='tel:+']")).to_be_visible()
    page.screenshot(path=screenshot_path("queue-next-call"), full_page=True)

    # when the customer confirms on the phone and the agent records it
    page.locator("#confirmed_form button").click()

    # then the admin says so, the queue is empty and the order is confirmed with the agent on its timeline
    expect(page.locator(".messagelist .success")).to_contain_text(order.order_number)
    expect(page.locator("#queue-empty")).to_be_visible()
    order.refresh_from_db()
    assert order.status == CodStatus.CONFIRMED
    assert order.events.filter(kind="confirm", actor="agent@example.com").exists()


def test_support_takes_a_return_from_request_to_refund_paid(live_server, page, store):
    from playwright.sync_api import expect

    # given a completed order whose customer asks to return two damaged t-shirts, with a photo
    api, customer = store
    order_id, order = completed_order(api, customer)
    asked = api(
        REQUEST,
        {
            "id": order_id,
            "lines": [{"sku": "TSHIRT-001", "quantity": 2}],
            "reason": "DAMAGED",
            "d": "Torn seams",
            "photos": [PNG_BASE64],
        },
        token=customer,
    )["codReturnRequestCreate"]
    assert asked["errors"] == []
    return_request = CodReturnRequest.objects.get(order=order)

    # when support opens it from the returns queue and approves it
    sign_in(page, live_server, "support@example.com")
    page.get_by_role("link", name="COD returns").click()
    page.locator("#result_list tr", has_text=order.order_number).locator("th a").click()
    expect(page.locator("#cod-return-status-value")).to_have_text("Requested")
    page.locator("#approve_form input[type=submit]").click()
    expect(page.locator("#cod-return-status-value")).to_have_text("Approved")

    # and marks both t-shirts received
    page.locator("#receive_form input[type=submit]").click()
    expect(page.locator("#cod-return-status-value")).to_have_text("Goods received")
    expect(page.locator("#cod-return-refund-due")).not_to_have_text("-")

    # and refunds the suggested amount (the t-shirts and, for a damaged product, the COD fee) by bank transfer
    suggested = page.locator("#cod-suggested-amount").inner_text()
    refund_form = page.locator("#refund_form")
    refund_form.locator("select[name$=method]").select_option("bank_transfer")
    refund_form.locator("input[name$=account_holder]").fill("Ann Lee")
    refund_form.locator("input[name$=iban]").fill("DE89 3704 0044 0532 0130 00")
    refund_form.locator("input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.screenshot(path=screenshot_path("return-refund-created"), full_page=True)

    # and marks it paid with the bank's transfer number
    refund = CodRefund.objects.get(order=order)
    paid_form = page.locator(f"#mark_paid_{refund.pk}_form")
    paid_form.locator("input[name$=reference]").fill("TRF-20261130-001")
    paid_form.locator("input[type=submit]").click()

    # then the return and the order are refunded, once, for the suggested amount with the fee
    expect(page.locator("#cod-return-status-value")).to_have_text("Refunded")
    page.screenshot(path=screenshot_path("return-refunded"), full_page=True)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert CodRefund.objects.filter(order=order).count() == 1
    assert refund.status == CodRefund.Status.PAID and refund.reference == "TRF-20261130-001"
    assert refund.includes_fee and suggested.endswith(f"{refund.amount.amount:,.2f}")
    assert order.status == CodStatus.REFUNDED
    kinds = list(order.events.values_list("kind", flat=True))
    for step in ("return_requested", "return_approved", "goods_received", "refund_created", "refund"):
        assert step in kinds
    assert return_request.pk == CodReturnRequest.objects.get(order=order, status="refunded").pk


def test_an_agent_is_refused_the_refund_screens(live_server, page, store):
    from playwright.sync_api import expect

    # given a return waiting for support
    api, customer = store
    order_id, order = completed_order(api, customer)
    asked = api(
        REQUEST,
        {"id": order_id, "lines": [{"sku": "TSHIRT-001", "quantity": 1}], "reason": "DEFECTIVE"},
        token=customer,
    )["codReturnRequestCreate"]
    assert asked["errors"] == []
    return_request = CodReturnRequest.objects.get(order=order)

    # when an agent signs in
    sign_in(page, live_server, "agent@example.com")

    # then the admin offers no returns, and typing their addresses is forbidden
    expect(page.get_by_role("link", name="COD returns")).to_have_count(0)
    base = f"{live_server.url}/admin/cod_plugin/codreturnrequest/"
    for url in (base, f"{base}{return_request.pk}/change/"):
        response = page.goto(url)
        assert response.status == 403, url
    page.screenshot(path=screenshot_path("agent-refused-refunds"), full_page=True)


@pytest.mark.browser_locale("ar")
def test_the_arabic_admin_reads_right_to_left(live_server, page, store):
    from playwright.sync_api import expect

    # given a manager whose browser asks for Arabic
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "manager@example.com")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()

    # when the manager opens the COD overview
    page.goto(f"{live_server.url}/admin/cod_admin_ui/codoverview/")

    # then the page is in Arabic and laid out right to left: the heading's text hugs the right of its column
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#content h1")).to_have_text("نظرة عامة على الدفع عند الاستلام")
    from_left, from_right = page.evaluate(TEXT_MARGINS, "#content h1")
    assert from_right < 5 < 100 < from_left, (from_left, from_right)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.screenshot(path=screenshot_path("admin-arabic-overview"), full_page=True)


@pytest.mark.browser_locale("ar")
def test_in_arabic_the_prefilled_collected_amount_is_submitted(live_server, page, store):
    from django.db import transaction

    from cod_plugin.flows import lifecycle
    from cod_plugin.models import CodOrder, CodPaymentRecord
    from cod_plugin.rules.lifecycle import Event

    # given an AED order out for delivery (AED has 2 decimals; the column keeps 3), and staff whose browser asks
    # for Arabic, which writes decimals with a comma
    api, _ = store
    _, order = place(api, None, lines={"TSHIRT-001": 1}, channel="channel-ae")
    for event in (Event.CONFIRM, Event.SHIP, Event.OUT_FOR_DELIVERY):
        with transaction.atomic():
            lifecycle.move(lifecycle.lock(order.pk), event, actor="staff")
    get_user_model().objects.create_superuser("root@example.com", "root@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "root@example.com")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()

    # when they open the order and mark it delivered with the amount as pre-filled
    page.goto(f"{live_server.url}/admin/cod_plugin/codorder/{order.pk}/change/")
    delivered = page.locator("form:has(input[name=status][value=delivered])")
    collected = delivered.locator("input[name=collected_amount]")
    assert collected.input_value() == f"{order.amount_to_collect.amount:.2f}"
    delivered.locator("input[type=submit]").click()
    page.locator("#content").wait_for()

    # then the courier's collection is recorded at that amount
    record = CodPaymentRecord.objects.get(order=order)
    assert record.amount == order.amount_to_collect
    assert CodOrder.objects.get(pk=order.pk).status in {CodStatus.DELIVERED, CodStatus.COMPLETED}
