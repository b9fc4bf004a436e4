"""The steps of a COD return, a form each with the flow it calls: approve or reject, receive the goods, refund,
mark a refund paid."""

import uuid
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, limits, models
from cod_plugin.flows import refunds, returns

from .number_inputs import input_step

Status = models.CodReturnRequest.Status


class ActionForm(forms.Form):
    """A step of the return; ``submit`` calls its flow and says what happened, ``logged`` is the admin history's
    line (never a full account number)."""

    required_css_class = "required"

    def __init__(self, *args, return_request: models.CodReturnRequest, **kwargs):
        self.return_request = return_request
        super().__init__(*args, **kwargs)

    def submit(self, *, actor: str) -> str:
        raise NotImplementedError

    def logged(self) -> str:
        return ""

    def errors_text(self) -> str:
        return " ".join(
            f"{capfirst(self.fields[name].label)}: {' '.join(errors)}"
            if name in self.fields and self.fields[name].label
            else " ".join(errors)
            for name, errors in self.errors.items()
        )


def _note_field(label: Promise, *, required: bool, help_text: Promise) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
    return forms.CharField(
        label=label, required=required, max_length=returns.MAX_NOTE, widget=widget, help_text=help_text
    )


class ApproveForm(ActionForm):
    note = _note_field(_("Note"), required=False, help_text=_("Optional; the customer reads it."))

    def submit(self, *, actor: str) -> str:
        returns.approve(self.return_request.pk, actor=actor, note=self.cleaned_data["note"])
        return gettext("The return is approved: the customer may send the goods back.")

    def logged(self) -> str:
        return self.cleaned_data["note"]


class RejectForm(ActionForm):
    reason = _note_field(_("Reason"), required=True, help_text=_("The customer reads it."))

    def submit(self, *, actor: str) -> str:
        returns.reject(self.return_request.pk, actor=actor, reason=self.cleaned_data["reason"])
        return gettext("The return is rejected.")

    def logged(self) -> str:
        return self.cleaned_data["reason"]


class ReceiveForm(ActionForm):
    """What came back, a quantity per returned line (the asked quantity unless changed)."""

    def __init__(self, *args, return_request: models.CodReturnRequest, **kwargs):
        super().__init__(*args, return_request=return_request, **kwargs)
        self.lines = list(return_request.lines.order_by("pk"))
        for line in self.lines:
            field = forms.IntegerField(label=f"{line.name} ({line.sku})", min_value=0, max_value=line.quantity)
            field.help_text = gettext("%(count)s asked") % {"count": line.quantity}
            self.fields[f"line_{line.pk}"], self.initial[f"line_{line.pk}"] = field, line.quantity

    def received(self) -> dict[str, int]:
        return {line.sku: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}

    def submit(self, *, actor: str) -> str:
        received = returns.receive(self.return_request.pk, received=self.received(), actor=actor)
        due = formatting.date(received.refund_due)
        return gettext("The goods are received; the refund is due by %(due)s.") % {"due": due}

    def logged(self) -> str:
        return ", ".join(f"{sku} × {count}" for sku, count in self.received().items())


class RefundForm(ActionForm):
    """A refund of the return's order. The idempotency key is made when the form is shown, so submitting the same
    form again (a double click, a refresh, back and resubmit) returns the refund it made instead of a second one."""

    amount = forms.DecimalField(label=_("Amount"), max_digits=15, decimal_places=3)
    method = forms.ChoiceField(label=_("Refund method"), choices=[("", "---------"), *models.RefundMethod.choices])
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=limits.IBAN)
    account_holder = forms.CharField(label=_("Account holder"), required=False, max_length=limits.ACCOUNT_HOLDER)
    wallet_provider = forms.CharField(label=_("Wallet provider"), required=False, max_length=limits.WALLET_PROVIDER)
    wallet_phone = forms.CharField(label=_("Wallet phone number"), required=False, max_length=limits.PHONE)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=refunds.MAX_KEY)

    BANK_FIELDS = ("iban", "account_holder")
    WALLET_FIELDS = ("wallet_provider", "wallet_phone")

    def __init__(self, *args, return_request: models.CodReturnRequest, **kwargs):
        super().__init__(*args, return_request=return_request, **kwargs)
        self.currency = str(return_request.order.amount_to_collect.currency)
        self.fields["amount"].help_text = gettext("In %(currency)s.") % {"currency": self.currency}
        self.fields["amount"].widget.attrs["step"] = input_step(self.currency)
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def bank_fields(self):
        return [self[name] for name in self.BANK_FIELDS]

    def wallet_fields(self):
        return [self[name] for name in self.WALLET_FIELDS]

    def details(self) -> dict[str, str]:
        data, method = self.cleaned_data, self.cleaned_data["method"]
        if method == models.RefundMethod.BANK_TRANSFER:
            return {"iban": data["iban"], "account_holder": data["account_holder"]}
        if method == models.RefundMethod.MOBILE_WALLET:
            return {"provider": data["wallet_provider"], "phone": data["wallet_phone"]}
        return {}

    def submit(self, *, actor: str) -> str:
        key = self.cleaned_data["idempotency_key"]
        self.made_before = models.CodRefund.objects.filter(idempotency_key=key.strip()).exists()
        self.refund = refunds.create(
            self.return_request.order_id,
            amount=self.cleaned_data["amount"],
            currency=self.currency,
            method=self.cleaned_data["method"],
            details=self.details(),
            idempotency_key=key,
            actor=actor,
            return_pk=self.return_request.pk,
        )
        amount = formatting.money(self.refund.amount.amount, self.currency)
        if self.made_before:
            return gettext("This refund of %(amount)s was already made; nothing more was done.") % {"amount": amount}
        return gettext("A refund of %(amount)s is created; mark it paid once the money is sent.") % {"amount": amount}

    def logged(self) -> str | None:
        if self.made_before:
            return None
        refund = self.refund
        last4 = refunds.account_last4(refund)
        method = refund.get_method_display() + (f" …{last4}" if last4 else "")
        return f"{formatting.money(refund.amount.amount, self.currency)}, {method}"


class MarkPaidForm(ActionForm):
    refund = forms.ModelChoiceField(queryset=models.CodRefund.objects.none(), widget=forms.HiddenInput)
    reference = forms.CharField(
        label=_("Payment reference"), max_length=refunds.MAX_REFERENCE, help_text=_("The transfer's number.")
    )

    def __init__(self, *args, return_request: models.CodReturnRequest, **kwargs):
        super().__init__(*args, return_request=return_request, **kwargs)
        self.fields["refund"].queryset = models.CodRefund.objects.filter(order_id=return_request.order_id)
        self.fields["refund"].error_messages["invalid_choice"] = _("Refund not found.")

    def submit(self, *, actor: str) -> str:
        refund = self.cleaned_data["refund"]
        paid = refunds.mark_paid(refund.pk, reference=self.cleaned_data["reference"], actor=actor)
        values = {
            "amount": formatting.money(paid.amount.amount, str(paid.amount.currency)),
            "reference": paid.reference,
        }
        return gettext("The refund of %(amount)s is paid, reference %(reference)s.") % values

    def logged(self) -> str:
        refund = self.cleaned_data["refund"]
        return (
            f"{formatting.money(refund.amount.amount, str(refund.amount.currency))}, {self.cleaned_data['reference']}"
        )


@dataclass(frozen=True)
class ReturnAction:
    name: str
    label: Promise
    form_class: type[ActionForm]
    shown_at: tuple[str, ...]


ACTIONS = {
    action.name: action
    for action in (
        ReturnAction("approve", _("Approve"), ApproveForm, (Status.REQUESTED,)),
        ReturnAction("reject", _("Reject"), RejectForm, (Status.REQUESTED,)),
        ReturnAction("receive", _("Receive goods"), ReceiveForm, (Status.APPROVED,)),
        ReturnAction("refund", _("Create refund"), RefundForm, (Status.RECEIVED,)),
        ReturnAction("mark_paid", _("Mark paid"), MarkPaidForm, ()),  # one form per pending refund
    )
}
