"""The order page's actions: each a small form posted to its own URL, checked against the role table, sent to
the same flow as the API (``delivery.update_status``, ``delivery.reschedule``, ``payment.record_by_staff``,
``shipping.assign``)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cod_plugin import labels, limits, models
from cod_plugin.error_codes import CodError
from cod_plugin.flows import delivery, payment
from cod_plugin.permissions import may
from cod_plugin.rules.lifecycle import RefusalReason
from cod_plugin.rules.statuses import CodStatus

from .order_courier import AssignCourierForm
from .settings import COLLECTION_METHODS

REFUSAL_REASONS = [
    (reason, labels.REASONS[reason])
    for reason in (
        RefusalReason.DAMAGED,
        RefusalReason.WRONG_ITEM,
        RefusalReason.MISSING_ITEM,
        RefusalReason.DELIVERY_DELAY,
        RefusalReason.CHANGED_MIND,
        RefusalReason.NOT_AT_HOME,
        RefusalReason.FAKE_ORDER,
        RefusalReason.NO_REASON,
    )
]
DELIVERY_STATUSES = [(status, CodStatus(status).label) for status in delivery.EVENTS]
WINDOW_FORMAT = "%Y-%m-%dT%H:%M"


@require_POST
def run_action(request, pk: int, form_class):
    """A POST from the order page: check the permission, read the form, call its flow, report in a message."""
    if not all(may(request.user, operation) for operation in _operations(form_class, request.POST)):
        raise PermissionDenied
    currency = models.CodOrder.objects.filter(pk=pk).values_list("amount_to_collect_currency", flat=True).first()
    if currency is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            order = form.submit(pk, actor=request.user.get_username(), currency=currency)
        except CodError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, form.done(order))
    return HttpResponseRedirect(reverse("admin:cod_plugin_codorder_change", args=[pk]))


def _operations(form_class, data) -> list[str]:
    """The role table's entries a POST of ``form_class`` needs: a delivery with the cash collected is finance's too."""
    if form_class is StatusForm and data.get("collected_amount", "").strip():
        return [ORDER_ACTIONS[StatusForm], COLLECTING]
    return [ORDER_ACTIONS[form_class]]


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{capfirst(form.fields[name].label)}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )


class WindowField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WINDOW_FORMAT)

    def __init__(self, **kwargs):
        super().__init__(input_formats=[WINDOW_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)


class WindowForm(forms.Form):
    window_start = WindowField(label=_("appointment from"))
    window_end = WindowField(label=_("appointment until"))

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        window = delivery.Window(start=self.cleaned_data["window_start"], end=self.cleaned_data["window_end"])
        return delivery.reschedule(pk, window, actor=actor)

    def done(self, order) -> str:
        return gettext("Appointment set.")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=DELIVERY_STATUSES)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=limits.TRACKING_NUMBER, required=False)
    window_start = WindowField(label=_("appointment from"), required=False)
    window_end = WindowField(label=_("appointment until"), required=False)
    reason = forms.ChoiceField(label=_("refusal reason"), choices=[("", "—"), *REFUSAL_REASONS], required=False)
    note = forms.CharField(label=_("note"), max_length=limits.NOTE, required=False)
    collected_amount = forms.DecimalField(label=_("collected amount"), max_digits=15, decimal_places=3, required=False)
    collection_method = forms.ChoiceField(label=_("collection method"), choices=COLLECTION_METHODS, required=False)
    receipt = forms.CharField(label=_("courier receipt"), max_length=limits.RECEIPT, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("window_start")) != bool(cleaned.get("window_end")):
            self.add_error("window_end", _("Give both ends of the window, or neither."))
        return cleaned

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        return delivery.update_status(pk, self.update(currency), actor=actor)

    def update(self, currency: str) -> delivery.StatusUpdate:
        data = self.cleaned_data
        window = data["window_start"] and delivery.Window(start=data["window_start"], end=data["window_end"])
        amount: Decimal | None = data["collected_amount"]
        collected = amount is not None and delivery.Collected(
            amount=amount, currency=currency, method=data["collection_method"] or "cash", receipt=data["receipt"]
        )
        return delivery.StatusUpdate(
            status=data["status"],
            tracking_number=data["tracking_number"].strip(),
            window=window or None,
            reason=data["reason"],
            note=data["note"],
            collected=collected or None,
        )

    def done(self, order) -> str:
        return gettext("The order is now %(status)s.") % {"status": order.get_status_display()}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("collected amount"), max_digits=15, decimal_places=3)
    method = forms.ChoiceField(label=_("collection method"), choices=COLLECTION_METHODS)
    receipt = forms.CharField(label=_("courier receipt"), max_length=limits.RECEIPT)

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        data = self.cleaned_data
        return payment.record_by_staff(
            pk, amount=data["amount"], currency=currency, method=data["method"], receipt=data["receipt"], actor=actor
        )

    def done(self, order) -> str:
        return gettext("Payment record saved; the order is %(status)s.") % {"status": order.get_status_display()}


# Each action form of the order page, by its entry in the role table.
ORDER_ACTIONS = {
    StatusForm: "orders: delivery status",
    WindowForm: "orders: appointment",
    PaymentForm: "orders: payment record",
    AssignCourierForm: "orders: assign a courier",
}
COLLECTING = "orders: delivered with the collected amount"
