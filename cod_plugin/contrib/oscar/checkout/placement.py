"""Placing a COD order from oscar's preview: the plugin checks the basket (locked) and then lets oscar write the
order inside the same transaction, with the fee the plugin checked as its surcharge and a "Cash on delivery"
payment source for the amount to collect. A second submission of the same basket gets the first order back."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from oscar.apps.checkout.applicator import SurchargeList, SurchargePrice
from oscar.core import prices
from oscar.core.loading import get_model

from cod_plugin import api
from cod_plugin.host import OrderDraft, get_adapter

from .. import baskets, orders
from ..creator import CodOrderCreator
from . import cod
from .surcharges import CashOnDeliveryFee

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")


@dataclass
class Submission:
    """Oscar's submission as built from the session (``build_submission``), minus the totals: those follow the
    fee that the plugin checks at the moment of placing."""

    user: Any
    basket: Any
    shipping_address: Any
    shipping_method: Any
    shipping_charge: Any
    billing_address: Any
    order_kwargs: dict

    @classmethod
    def of(cls, submission: dict) -> "Submission":
        names = ("user", "basket", "shipping_address", "shipping_method", "shipping_charge", "billing_address")
        return cls(**{name: submission[name] for name in names}, order_kwargs=submission.get("order_kwargs") or {})


def load_basket(request) -> None:
    """The request's basket with its lines loaded as the adapter loads them (stock records, partners, products and
    their classes in a fixed number of queries), offers applied again to those lines: oscar's checks of the
    preview, its totals and the order's lines then read them in the same queries for any number of lines."""
    basket = request.basket
    if basket.id is None:
        return
    basket.reset_offer_applications()
    baskets.prepare(basket, api.HostContext.of(request))


def place(view, submission: Submission, *, accepted_terms_version: int) -> tuple[object, bool]:
    """The oscar order of this basket, and whether this submission placed it (False: an earlier one did, as the
    second click of a double click finds)."""
    created = []

    def create_here(draft: OrderDraft):
        created.append(create(view, submission, draft))
        return created[-1]

    cod_order = api.register_order(
        cod.basket_ref(submission.basket),
        context=api.HostContext.of(view.request),
        accepted_terms_version=accepted_terms_version,
        create=create_here,
        language=get_language(),
    )
    return Order._default_manager.get(pk=cod_order.order_ref), bool(created)


def create(view, submission: Submission, draft: OrderDraft):
    """Oscar's own ``place_order`` and basket submission, called by the plugin inside its transaction."""
    basket = submission.basket
    orders.reserve(basket)
    surcharges = fee_surcharges(basket, draft)
    total = view.get_order_totals(basket, shipping_charge=submission.shipping_charge, surcharges=surcharges)
    view.add_payment_source(source(draft, basket.currency))
    order = place_order(view, submission, total, surcharges)
    basket.submit()
    return get_adapter().get_order(str(order.pk))


def place_order(view, submission: Submission, total, surcharges):
    """Oscar's ``OrderPlacementMixin.place_order`` (addresses saved, initial status, payment details saved) with the
    COD creator, which writes the lines in bulk, in place of the mixin's ``OrderCreator``."""
    user, basket, kwargs = submission.user, submission.basket, dict(submission.order_kwargs)
    shipping_address = view.create_shipping_address(user, submission.shipping_address)
    billing_address = view.create_billing_address(user, submission.billing_address, shipping_address, **kwargs)
    status = kwargs.pop("status") if "status" in kwargs else view.get_initial_order_status(basket)
    order = CodOrderCreator().place_order(
        user=user,
        order_number=view.generate_order_number(basket),
        basket=basket,
        shipping_address=shipping_address,
        shipping_method=submission.shipping_method,
        shipping_charge=submission.shipping_charge,
        total=total,
        billing_address=billing_address,
        status=status,
        request=kwargs.pop("request", view.request),
        surcharges=surcharges,
        **kwargs,
    )
    view.save_payment_details(order)
    return order


def fee_surcharges(basket, draft: OrderDraft) -> SurchargeList:
    fee = CashOnDeliveryFee(draft.fee, draft.fee_label)
    price = prices.Price(currency=basket.currency, excl_tax=draft.fee, incl_tax=draft.fee)
    return SurchargeList([SurchargePrice(fee, price)])


def source(draft: OrderDraft, currency: str):
    """The payment source oscar's dashboard shows: nothing paid yet, the amount to collect allocated."""
    source_type, _ = SourceType.objects.get_or_create(
        code=orders.SOURCE_TYPE_CODE, defaults={"name": orders.SOURCE_TYPE_NAME}
    )
    return Source(source_type=source_type, currency=currency, amount_allocated=draft.amount_to_collect)
