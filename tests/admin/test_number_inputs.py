"""Amounts pre-filled into number inputs: a dot and the currency's minor units, whatever the language of the page.

A number input drops a value it cannot parse, such as Arabic's ``693,190``: staff would submit an empty amount.
"""

import re

import pytest
from djmoney.money import Money

from cod_plugin.models import CodPaymentRecord

from . import test_returns_page as returns_page
from .cod_orders import make_orders

# The return page's fixtures: a received return whose refund of one t-shirt and the fee (25.21 USD) is suggested.
support, requested, received = returns_page.support, returns_page.requested, returns_page.received

PAGE = "/admin/cod_plugin/codorder/{}/change/"


def number_inputs(html: str) -> dict[str, tuple[str, str]]:
    """``{name: (value, step)}`` of the page's ``<input type="number">``."""
    found = {}
    for tag in re.findall(r'<input type="number"[^>]*>', html):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        found[attributes["name"]] = (attributes.get("value"), attributes.get("step"))
    return found


def page(client, order, language: str) -> dict[str, tuple[str, str]]:
    response = client.get(PAGE.format(order.pk), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    return number_inputs(response.content.decode())


def order_of(currency: str, amount: str, status: str):
    (order,) = make_orders(1, currency=currency, status=status)
    order.amount_to_collect = Money(amount, currency)
    order.save()
    return order


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    ("currency", "stored", "shown", "step"),
    [("AED", "693.190", "693.19", "0.01"), ("KWD", "12.345", "12.345", "0.001")],
)
def test_collected_is_prefilled_with_a_dot_in_minor_units(superuser_client, language, currency, stored, shown, step):
    order = order_of(currency, stored, "out_for_delivery")
    assert page(superuser_client, order, language)["collected_amount"] == (shown, step)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_payment_form_prefills_the_amount_to_collect_then_the_recorded_amount(superuser_client, language):
    order = order_of("AED", "1693.190", "delivered")
    assert page(superuser_client, order, language)["amount"] == ("1693.19", "0.01")
    CodPaymentRecord.objects.create(
        order=order, amount=Money("1690.500", "AED"), method="cash", receipt="R-1", source="courier"
    )
    assert page(superuser_client, order, language)["amount"] == ("1690.50", "0.01")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_refund_form_prefills_the_suggested_amount_with_the_currencys_step(support, received, language):
    response = support.get(f"/admin/cod_plugin/codreturnrequest/{received.pk}/change/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert number_inputs(html)["amount"] == ("25.21", "0.01")
