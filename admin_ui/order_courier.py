"""The order page's courier assignment: dispatch hands the order to a courier that serves its channel
(``shipping.assign``, the flow ``codOrderAssignCourier`` calls)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import models
from cod_plugin.flows import shipping


def couriers_for(order: models.CodOrder) -> list[models.Courier]:
    """The active couriers that serve the order's channel, by name."""
    active = models.Courier.objects.filter(active=True).order_by("name", "pk")
    return [courier for courier in active if courier.serves(order.channel)]


class AssignCourierForm(forms.Form):
    courier = forms.SlugField(label=_("courier"), max_length=50)

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        return shipping.assign(pk, self.cleaned_data["courier"], actor=actor)

    def done(self, order) -> str:
        return gettext("Order %(number)s goes with %(courier)s.") % {
            "number": order.order_number,
            "courier": order.courier.name,
        }
