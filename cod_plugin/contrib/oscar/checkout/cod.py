"""What the checkout pages ask of the plugin: whether COD was chosen in this session, and the plugin's check of
the basket (once per request and basket: oscar sums the totals several times on one page)."""

from django.utils.translation import get_language
from oscar.core.loading import get_class

from cod_plugin import api

CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")

METHOD = "cash-on-delivery"


def basket_ref(basket) -> str:
    """The checkout reference the plugin knows a basket by (the adapter finds the basket from it)."""
    return str(basket.pk)


def is_chosen(request) -> bool:
    return CheckoutSessionData(request).payment_method() == METHOD


def choose(request) -> None:
    CheckoutSessionData(request).pay_by(METHOD)


def unchoose(request) -> None:
    """Another method was chosen: the session no longer pays by COD."""
    if is_chosen(request):
        CheckoutSessionData(request).pay_by(None)


def check(request, basket):
    """The plugin's answer for this basket, in the customer's language, or None when the plugin cannot answer for
    it (the basket was placed meanwhile, or is not this session's): then COD is not offered."""
    cache = request.__dict__.setdefault("_cod_checks", {})
    ref = basket_ref(basket)
    if ref not in cache:
        try:
            cache[ref] = api.check(ref, context=api.HostContext.of(request), language=get_language())
        except api.CodError:
            cache[ref] = None
    return cache[ref]


def forget(request) -> None:
    """The basket changed on this request (an order was placed from it): the next check asks again."""
    request.__dict__.pop("_cod_checks", None)
