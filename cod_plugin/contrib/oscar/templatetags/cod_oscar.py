"""The COD part of oscar's account order page: ``{% cod_order_of order as cod_order %}``."""

from dataclasses import dataclass
from typing import Any

from django import template

from cod_plugin import api

from ..forms import PaidForm

register = template.Library()

# The statuses in which the customer may say they paid (the parcel is at the door or was handed over).
CLAIMABLE = ("out_for_delivery", "delivered", "completed")


@dataclass(frozen=True)
class CodOrderPanel:
    order: Any
    claim: Any
    form: PaidForm | None


@register.simple_tag
def cod_order_of(order, paid_form: bool = True) -> CodOrderPanel | None:
    """The COD order of an oscar order with its claim, and (unless ``paid_form`` is False, as for a guest) the
    "Paid" form while the customer may still claim."""
    cod_order = api.order_for(str(order.pk))
    if cod_order is None:
        return None
    claim = getattr(cod_order, "claim", None)  # a reverse one-to-one: absent until the first click
    form = (
        PaidForm(methods=cod_order.collection_methods)
        if paid_form and claim is None and cod_order.status in CLAIMABLE
        else None
    )
    return CodOrderPanel(order=cod_order, claim=claim, form=form)
