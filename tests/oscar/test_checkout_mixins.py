"""A shop with its own checkout fork (another payment method beside COD) puts the COD mixins in front of its views:
COD is handled by the mixins, any other method by the shop's own view, and choosing another method forgets COD."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from oscar.apps.checkout import views as oscar_views
from oscar.core.loading import get_class

from cod_plugin.contrib.oscar.checkout import cod, views

CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
FailedPreCondition = get_class("checkout.exceptions", "FailedPreCondition")


class CardNotEntered(Exception):
    pass


class ShopPaymentMethodView(oscar_views.PaymentMethodView):
    """A shop's own payment step, which takes cards."""

    def post(self, request, *args, **kwargs):
        CheckoutSessionData(request).pay_by("card")
        return HttpResponse("card chosen")


class ShopPaymentDetailsView(oscar_views.PaymentDetailsView):
    def check_payment_data_is_captured(self, request):
        raise CardNotEntered


class PaymentMethodView(views.CodPaymentMethodMixin, ShopPaymentMethodView):
    pass


class PaymentDetailsView(views.CodPaymentDetailsMixin, ShopPaymentDetailsView):
    pass


def posted(data: dict, *, paying_by: str | None = None):
    request = RequestFactory().post("/checkout/payment-method/", data)
    request.session = SessionStore()
    if paying_by:
        CheckoutSessionData(request).pay_by(paying_by)
    return request


@pytest.mark.django_db
def test_another_method_goes_to_the_shops_own_view_and_the_session_forgets_cod():
    # given: a customer who chose COD, then picks the shop's card payment
    request = posted({"payment_method": "card"}, paying_by=cod.METHOD)
    # when
    response = PaymentMethodView(request=request).post(request)
    # then
    assert response.content == b"card chosen"
    assert CheckoutSessionData(request).payment_method() == "card" and not cod.is_chosen(request)


@pytest.mark.django_db
def test_the_shops_check_of_its_payment_details_applies_to_its_method_only():
    card, cash = posted({}, paying_by="card"), posted({}, paying_by=cod.METHOD)
    with pytest.raises(CardNotEntered):
        PaymentDetailsView(request=card).check_payment_data_is_captured(card)
    PaymentDetailsView(request=cash).check_payment_data_is_captured(cash)  # COD has no details to enter


@pytest.mark.django_db
def test_oscars_own_views_with_cod_ask_for_a_method_when_none_was_chosen():
    request = posted({})
    with pytest.raises(FailedPreCondition):
        views.PaymentDetailsView(request=request).check_payment_data_is_captured(request)
