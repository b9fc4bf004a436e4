"""A French shopper reads French: the eligibility reasons, the fee and the confirmation SMS, with money written the
French way ("1 234,50 $US"), even when the browser asks for another language than the one the storefront passes."""

import json

from cod_plugin.models import CodOrder, Notification

from .shop import new_checkout
from .test_eligibility import ELIGIBILITY
from .test_settings_and_profile import SETTINGS

COMPLETE = """mutation($id: ID!, $terms: Int!, $lang: String) {
  codCheckoutComplete(checkoutId: $id, acceptedTermsVersion: $terms, languageCode: $lang) {
    order { number } errors { field code message }
  }
}"""
# babel's French writes a no-break space before the currency
NBSP = "\u00a0"


def in_arabic_browser(api, query: str, variables: dict, token: str | None = None) -> dict:
    """The storefront passes ``languageCode`` while the browser's Accept-Language asks for Arabic."""
    headers = {"HTTP_ACCEPT_LANGUAGE": "ar", **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {})}
    body = api.client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json", **headers
    ).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_the_eligibility_reasons_and_terms_are_french(api, token_for):
    # given a new customer's cart of 4 headphones at 129.00 plus 5.00 shipping: 521.00, over the 500.00 limit
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"HEADPHONES-001": 4}, token=token)
    # when the storefront asks in French
    result = in_arabic_browser(api, ELIGIBILITY, {"id": checkout, "lang": "fr"}, token)["codEligibility"]
    # then the reason is French, the limit written the French way, and the terms are the French ones
    assert not result["isEligible"]
    assert [reason["message"] for reason in result["reasons"]] == [
        f"Le paiement à la livraison est disponible pour les commandes jusqu’à 500,00{NBSP}$US."
    ]
    assert result["terms"]["language"] == "fr" and result["terms"]["version"] == 1
    assert result["terms"]["text"].startswith("Conditions du paiement à la livraison (COD), version 1")


def test_the_confirmation_sms_of_a_french_order_is_french(api, token_for):
    # given a new customer's eligible cart: 2 t-shirts at 19.99 and headphones at 129.00, 5.00 shipping
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 2, "HEADPHONES-001": 1}, token=token)
    # when the order is placed in French from a browser that asks for Arabic
    variables = {"id": checkout, "terms": 1, "lang": "fr"}
    payload = in_arabic_browser(api, COMPLETE, variables, token)["codCheckoutComplete"]
    assert payload["errors"] == []
    # then the order keeps the customer's language, and the SMS is French with French money
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    assert order.terms_language == "fr"
    body = Notification.objects.get(order=order).body
    assert body.startswith(
        f"Commande {order.order_number} : 179,20{NBSP}$US à payer à la livraison, "
        f"frais de paiement à la livraison de 5,22{NBSP}$US inclus. Confirmez ou annulez : http"
    )


def test_the_fee_description_is_french(api):
    settings = in_arabic_browser(api, SETTINGS, {"c": "channel-ae", "l": "fr"})["codSettings"]
    assert settings["terms"]["language"] == "fr"
    assert "du montant de la commande" in settings["feeDescription"]
    assert f"5,00{NBSP}AED" in settings["feeDescription"]
