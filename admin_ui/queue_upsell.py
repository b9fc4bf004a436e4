"""The upsell at the confirmation call: the store's related products for the order (``host.related_products``,
none by default, and then nothing is shown), each with its price and an "Add" that records a MODIFIED outcome
with ``OrderChanges(additions=...)`` through the confirmation flow, which prices the fee and checks the order
again."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from cod_plugin.conf import app_settings
from cod_plugin.host import OrderChanges, ProductOffer, get_adapter
from cod_plugin.models import CodOrderLine
from cod_plugin.money import display

OFFER = "confirmation queue: offer related products"  # the role table's entry
PRODUCT_REF_LENGTH = CodOrderLine._meta.get_field("product_ref").max_length


@dataclass(frozen=True)
class Offer:
    product_ref: str
    name: str
    price: str


def offers(order_ref: str, currency: str) -> list[Offer]:
    found: list[ProductOffer] = get_adapter().related_products(order_ref) or []
    return [Offer(offer.product_ref, offer.name, display(offer.unit_price, currency)) for offer in found]


class AddForm(forms.Form):
    """One product of the offers, 1 to the store's largest line quantity (``COD_MAX_LINE_QUANTITY``)."""

    product_ref = forms.CharField(max_length=PRODUCT_REF_LENGTH)

    def __init__(self, *args, offered: list[Offer], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {offer.product_ref: offer for offer in offered}
        self.fields["quantity"] = forms.IntegerField(
            label=_("Quantity"), min_value=1, max_value=app_settings.MAX_LINE_QUANTITY
        )

    def clean_product_ref(self):
        ref = self.cleaned_data["product_ref"]
        if ref not in self.offered:
            raise forms.ValidationError(_("The store does not offer this product with this order."), code="not_offered")
        return ref

    def changes(self) -> OrderChanges:
        return OrderChanges(additions={self.cleaned_data["product_ref"]: self.cleaned_data["quantity"]})
