"""A shopper goes through oscar's own checkout pages with Cash on Delivery, as oscar's functional checkout tests do
(add to basket, shipping address, shipping method, payment method, preview, place), on the demo shop's data."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.apps.basket.middleware import BasketMiddleware
from oscar.core.loading import get_model

from cod_plugin import api, limits
from cod_plugin.models import CodOrder, CodPaymentClaim, CodPolicy

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "Ann",
    "last_name": "Lee",
    "line1": "1 Main St",
    "line4": "Washington",
    "state": "DC",
    "postcode": "20001",
    "country": "US",
    "phone_number": "+12025550142",
}


@pytest.fixture
def demo_shop():
    call_command("cod_oscar_demo", stdout=io.StringIO())


def product(title: str):
    return Product.objects.get(title=title)


class Shopper:
    """One browser: a Django test client walking oscar's checkout."""

    def __init__(self, email: str | None = None):
        self.client = Client()
        if email:
            self.client.force_login(get_user_model().objects.get(email=email))

    def add(self, title: str, quantity: int = 1):
        response = self.client.post(reverse("basket:add", kwargs={"pk": product(title).pk}), {"quantity": quantity})
        assert response.status_code == 302, response.content

    def as_guest(self, email: str = "guest@example.com"):
        response = self.client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
        assert response.status_code == 302

    def ship_to(self, **changes):
        response = self.client.post(reverse("checkout:shipping-address"), {**ADDRESS, **changes})
        assert response.status_code == 302, response.content.decode()[:3000]
        # One shipping method: oscar picks it and goes on.
        return self.client.get(reverse("checkout:shipping-method"))

    def payment_page(self):
        return self.client.get(reverse("checkout:payment-method"))

    def choose_cod(self):
        return self.client.post(reverse("checkout:payment-method"), {"payment_method": "cash-on-delivery"})

    def place(self, *, accept: bool = True, version: int = 1):
        data = {"action": "place_order", "cod_terms_version": version}
        if accept:
            data["accept_cod_terms"] = "on"
        return self.client.post(reverse("checkout:preview"), data)


def text(response) -> str:
    return response.content.decode()


def codes(page: str) -> list[str]:
    """The reason codes a page lists, in its order (the plugin's codes, compared without case)."""
    return [code.lower() for code in re.findall(r'data-code="([^"]+)"', page)]


def test_an_excluded_product_is_refused_on_the_payment_step_with_every_reason(demo_shop):
    # given
    shopper = Shopper("new@example.com")
    shopper.add("Cotton t-shirt")
    shopper.add("Luxury automatic watch")
    shopper.ship_to()

    # when
    page = shopper.payment_page()
    chosen = shopper.choose_cod()

    # then
    assert page.status_code == 200
    body = text(page)
    assert 'id="pay_cod"' not in body
    assert codes(body) == ["excluded_product", "amount_over_limit", "item_price_over_cap"]
    assert "not available for high-value products: Luxury automatic watch." in body
    assert "Items priced above $1,500.00 cannot be paid at the door: Luxury automatic watch." in body
    assert chosen.status_code == 200 and codes(text(chosen)) == codes(body)
    assert shopper.client.get(reverse("checkout:preview")).status_code == 302  # not chosen: back to the payment step


def test_an_eligible_basket_is_placed_once_with_the_fee_as_oscars_surcharge(demo_shop):
    # given
    shopper = Shopper("new@example.com")
    shopper.add("Cotton t-shirt", 2)
    shopper.ship_to()
    offered = shopper.payment_page()
    assert 'id="pay_cod"' in text(offered)

    # when
    chosen = shopper.choose_cod()
    preview = shopper.client.get(chosen["Location"])
    placed = shopper.place()

    # then
    assert chosen["Location"] == reverse("checkout:preview")
    # 2 x 19.99 + free shipping = 39.98; 3% = 1.1994 -> 1.20
    assert "Cash on Delivery fee" in text(preview) and "$1.20" in text(preview)
    assert 'id="accept_cod_terms"' in text(preview)
    assert placed.status_code == 302 and placed["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("41.18")
    assert [(s.code, s.incl_tax) for s in order.surcharges.all()] == [("cod-fee", Decimal("1.20"))]
    assert [(s.source_type.code, s.amount_allocated) for s in order.sources.all()] == [
        ("cash-on-delivery", Decimal("41.18"))
    ]
    assert order.basket.status == Basket.SUBMITTED
    cod_order = api.order_for(str(order.pk))
    assert cod_order.status == "pending_confirmation" and cod_order.order_number == order.number
    thank_you = shopper.client.get(placed["Location"])
    assert thank_you.status_code == 200 and order.number in text(thank_you)
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].body


def test_the_terms_must_be_accepted_on_the_preview(demo_shop):
    # given
    shopper = Shopper("new@example.com")
    shopper.add("Cotton t-shirt")
    shopper.ship_to()
    shopper.choose_cod()

    # when
    refused = shopper.place(accept=False)
    stale = shopper.place(version=99)

    # then
    assert refused.status_code == 200
    assert 'id="cod_terms_error"' in text(refused) and "Accept the Cash on Delivery terms" in text(refused)
    assert stale.status_code == 200 and "data-code" not in text(stale).split('id="cod_refusal"')[0][-1:]
    assert "version 1" in text(stale)
    assert not Order.objects.exists()
    assert shopper.place().status_code == 302
    assert Order.objects.count() == 1


def test_a_basket_refused_at_the_moment_of_placing_shows_the_reasons_and_places_nothing(demo_shop):
    # given: COD chosen, then switched off for the shop before the customer places the order
    shopper = Shopper("new@example.com")
    shopper.add("Cotton t-shirt")
    shopper.ship_to()
    shopper.choose_cod()
    CodPolicy.objects.update(enabled=False)

    # when
    refused = shopper.place()

    # then
    assert refused.status_code == 200
    assert "Cash on Delivery is not available for this checkout." in text(refused)
    assert "cod_disabled" in codes(text(refused).split('id="cod_refusal"')[1])
    assert 'id="place-order"' not in text(refused)
    assert not Order.objects.exists() and Basket.objects.get().status == Basket.OPEN


def test_the_reasons_are_in_the_customers_language(demo_shop):
    # given
    shopper = Shopper("new@example.com")
    shopper.add("Luxury automatic watch")
    shopper.ship_to()

    # when
    page = shopper.client.get(reverse("checkout:payment-method"), HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert "les produits de grande valeur : Luxury automatic watch" in text(page).replace("\u202f", " ")


def test_the_second_click_of_a_double_click_gets_the_same_order(demo_shop):
    # given: the second request of a double click loaded the session and the basket before the first placed it
    shopper = Shopper("new@example.com")
    shopper.add("Cotton t-shirt")
    shopper.ship_to()
    shopper.choose_cod()
    session = dict(shopper.client.session)
    basket = Basket.objects.get(status=Basket.OPEN)

    # when
    first = shopper.place()
    restore(shopper.client, session)
    with mock.patch.object(BasketMiddleware, "get_basket", stale_basket(basket)):
        second = shopper.place()

    # then
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == reverse("checkout:thank-you")
    assert shopper.client.session["checkout_order_id"] == order.pk
    assert order.lines.count() == 1 and order.surcharges.count() == 1
    assert len(mail.outbox) == 1


def stale_basket(basket):
    """Oscar's basket middleware handing out the basket as it was loaded before it was submitted."""

    def get_basket(middleware, request):
        basket.strategy = request.strategy
        return basket

    return get_basket


def restore(client, values: dict) -> None:
    session = client.session
    session.update(values)
    session.save()


def test_a_guest_checks_out_with_cod(demo_shop):
    # given
    shopper = Shopper()
    shopper.add("Wireless headphones")
    shopper.as_guest("guest@example.com")
    shopper.ship_to()

    # when
    shopper.choose_cod()
    placed = shopper.place()

    # then
    assert placed["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.guest_email == "guest@example.com" and order.user is None
    assert api.order_for(str(order.pk)).customer_key == "guest:guest@example.com"


def test_a_guests_order_page_shows_the_cod_status_and_appointment_without_a_paid_form(demo_shop):
    # given: a guest's order, out for delivery with an appointment
    shopper = Shopper()
    shopper.add("Wireless headphones")
    shopper.as_guest("guest@example.com")
    shopper.ship_to()
    shopper.choose_cod()
    shopper.place()
    order = Order.objects.get()
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    CodOrder.objects.filter(order_ref=str(order.pk)).update(
        status="out_for_delivery", appointment_start=start, appointment_end=start + timedelta(hours=2)
    )

    # when: the page the order's email links to, after the guest gives their email on oscar's form
    guest, link = Client(), [order.number, order.verification_hash()]
    guest.post(reverse("customer:anon-order-form", args=link), {"email": "guest@example.com"})
    page = guest.get(reverse("customer:anon-order", args=link))

    # then: the status and appointment show; a guest has no account to claim a payment with
    assert page.status_code == 200
    assert 'id="cod_status"' in text(page) and "Out for delivery" in text(page)
    assert 'id="cod_appointment"' in text(page)
    assert 'id="cod_paid_form"' not in text(page)


def test_another_client_cannot_use_the_basket(demo_shop):
    # given: a guest's basket, reached by its id from another browser
    owner = Shopper()
    owner.add("Wireless headphones")
    basket = Basket.objects.get()
    stranger = Client()

    # when / then
    with pytest.raises(api.CodError) as refused:
        api.check(str(basket.pk), context=api.HostContext(user=None, request=request_of(stranger)))
    assert refused.value.code == api.CodErrorCode.NOT_FOUND


def request_of(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    request.session = client.session
    return request


def placed_order(email: str = "new@example.com"):
    shopper = Shopper(email)
    shopper.add("Cotton t-shirt")
    shopper.ship_to()
    shopper.choose_cod()
    assert shopper.place().status_code == 302
    return shopper, Order.objects.get()


def test_the_account_order_page_shows_the_cod_status_and_takes_the_paid_click(demo_shop):
    # given: an order out for delivery
    shopper, order = placed_order()
    page_url = reverse("customer:order", kwargs={"order_number": order.number})
    waiting = shopper.client.get(page_url)
    CodOrder.objects.filter(order_ref=str(order.pk)).update(status="out_for_delivery")

    # when
    out = shopper.client.get(page_url)
    paid_url = reverse("cod_oscar:paid", kwargs={"order_number": order.number})
    clicked = shopper.client.post(paid_url, {"reference": "RCPT-123", "method": "cash"}, follow=True)
    again = shopper.client.post(paid_url, {"reference": "RCPT-456", "method": "cash"}, follow=True)

    # then
    assert 'id="cod_status"' in text(waiting) and "Pending confirmation" in text(waiting)
    assert 'id="cod_paid_form"' not in text(waiting)
    assert "Out for delivery" in text(out) and 'id="cod_paid_form"' in text(out)
    assert "we will check the payment with the courier" in text(clicked)
    assert "receipt RCPT-123" in text(clicked) and 'id="cod_paid_form"' not in text(clicked)
    claim = CodOrder.objects.get(order_ref=str(order.pk)).claim
    assert (claim.reference, claim.method) == ("RCPT-123", "cash")
    assert again.redirect_chain[-1][0] == page_url and CodPaymentClaim.objects.count() == 1


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def out_for_delivery_order():
    shopper, order = placed_order()
    CodOrder.objects.filter(order_ref=str(order.pk)).update(status="out_for_delivery")
    return shopper, order, reverse("cod_oscar:paid", kwargs={"order_number": order.number})


def test_the_paid_click_keeps_a_photo_of_the_receipt(demo_shop):
    # given
    shopper, order, paid_url = out_for_delivery_order()
    photo = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    # when
    shopper.client.post(paid_url, {"reference": "RCPT-1", "method": "cash", "photo": photo})
    # then
    claim = CodOrder.objects.get(order_ref=str(order.pk)).claim
    with claim.image.open("rb") as kept:
        assert kept.read() == PNG


@pytest.mark.parametrize(
    "photo",
    [
        pytest.param(b"GIF89a" + b"\0" * 64, id="not a PNG or JPEG"),
        pytest.param(PNG + b"\0" * (2 * 1024 * 1024 - len(PNG) + 1), id="one byte over 2 MB"),
    ],
)
def test_a_photo_that_is_not_a_small_png_or_jpeg_is_refused_and_no_claim_is_made(demo_shop, photo):
    shopper, order, paid_url = out_for_delivery_order()
    upload = SimpleUploadedFile("receipt.png", photo, content_type="image/png")
    page = shopper.client.post(paid_url, {"reference": "RCPT-1", "method": "cash", "photo": upload}, follow=True)
    assert "The photo must be a PNG or JPEG of at most 2 MB." in text(page)
    assert CodPaymentClaim.objects.count() == 0


def test_a_photo_of_exactly_2_mb_is_kept(demo_shop):
    shopper, order, paid_url = out_for_delivery_order()
    photo = PNG + b"\0" * (2 * 1024 * 1024 - len(PNG))
    upload = SimpleUploadedFile("receipt.png", photo, content_type="image/png")
    shopper.client.post(paid_url, {"reference": "RCPT-1", "method": "cash", "photo": upload})
    assert CodPaymentClaim.objects.get().image.size == 2 * 1024 * 1024


def test_a_receipt_number_one_character_too_long_is_refused_never_cut(demo_shop):
    shopper, order, paid_url = out_for_delivery_order()
    longest = limits.VOUCHER_REFERENCE
    too_long = shopper.client.post(paid_url, {"reference": "R" * (longest + 1), "method": "cash"}, follow=True)
    assert CodPaymentClaim.objects.count() == 0 and "at most" in text(too_long)
    shopper.client.post(paid_url, {"reference": "R" * longest, "method": "cash"})
    assert CodPaymentClaim.objects.get().reference == "R" * longest


def test_only_the_orders_customer_can_claim_it_paid(demo_shop):
    # given
    _, order = placed_order()
    CodOrder.objects.filter(order_ref=str(order.pk)).update(status="out_for_delivery")
    other = Shopper("trusted@example.com")
    paid_url = reverse("cod_oscar:paid", kwargs={"order_number": order.number})

    # when
    stranger = other.client.post(paid_url, {"reference": "RCPT-1", "method": "cash"})
    anonymous = Client().post(paid_url, {"reference": "RCPT-1", "method": "cash"})
    blank = Shopper("new@example.com").client.post(paid_url, {"reference": " ", "method": "cash"}, follow=True)

    # then
    assert stranger.status_code == 404
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert "Receipt number from the courier: This field is required." in text(blank)
    assert not CodPaymentClaim.objects.exists()
