"""Finance's small forms on the cash screens: the bank deposit of a remittance, a bank statement to import, an
exception's resolution. Each checks what it can at the edge; the flow decides the rest and says why it refuses."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin.models import CodOrder, CodReconciliationException, CodRemittance
from cod_plugin.rules.reconciliation import Outcome

from .number_inputs import input_step

# A bank statement is read whole: a month of a shop's credits is a few hundred lines.
MAX_STATEMENT_BYTES = 1024 * 1024


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class CashForm(forms.Form):
    required_css_class = "required"

    def errors_text(self) -> str:
        """Every error on one line, each after its field's label, as a message of the admin shows it."""
        return " ".join(
            f"{capfirst(self.fields[name].label)}: {' '.join(errors)}"
            if name in self.fields and self.fields[name].label
            else " ".join(errors)
            for name, errors in self.errors.items()
        )


def check_size(upload, largest: int) -> None:
    """A file of at most ``largest`` bytes: exactly that is taken, one byte more is refused."""
    if upload.size > largest:
        message = _("The file is %(size)s; at most %(largest)s is taken.")
        values = {"size": filesizeformat(upload.size), "largest": filesizeformat(largest)}
        raise ValidationError(message, code="file_too_large", params=values)


class DepositForm(CashForm):
    amount = forms.DecimalField(label=_("Amount deposited"), max_digits=15, decimal_places=3, min_value=0)
    deposited_on = forms.DateField(label=_("Deposited on"), widget=forms.DateInput(attrs={"type": "date"}))
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=max_length(CodRemittance, "bank_reference"))

    def __init__(self, *args, remittance: CodRemittance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = gettext("In %(currency)s.") % {"currency": remittance.currency}
        self.fields["amount"].widget.attrs["step"] = input_step(remittance.currency)


class StatementForm(CashForm):
    statement = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_("Columns: date (YYYY-MM-DD), amount, currency, reference, description."),
    )

    def clean_statement(self):
        statement = self.cleaned_data["statement"]
        check_size(statement, MAX_STATEMENT_BYTES)
        return statement


class ResolveForm(CashForm):
    """An exception's outcome and a note; "matched by hand" names the order by its number."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    note = forms.CharField(
        label=_("Note"),
        max_length=max_length(CodReconciliationException, "note"),
        widget=forms.TextInput(attrs={"size": 30}),
    )
    order_number = forms.CharField(
        label=_("Order number"),
        required=False,
        max_length=max_length(CodOrder, "order_number"),
        help_text=_("For “matched by hand”: the order the line pays for."),
        widget=forms.TextInput(attrs={"size": 10}),
    )

    def __init__(self, *args, exception: CodReconciliationException, **kwargs):
        self.exception = exception
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        number = (data.get("order_number") or "").strip()
        data["order_pk"] = None
        if data.get("outcome") != Outcome.MATCHED_BY_HAND:
            return data
        if not number:
            self.add_error("order_number", _("Give the number of the order this line pays for."))
            return data
        data["order_pk"] = self._order_pk(number)
        if data["order_pk"] is None:
            self.add_error("order_number", _("No order has the number %(number)s.") % {"number": number})
        return data

    def _order_pk(self, number: str) -> int | None:
        """The order of that number, the exception's courier's first when two channels share a number."""
        found = CodOrder.objects.filter(order_number=number).values_list("pk", "courier_id")
        pks = sorted(found, key=lambda pair: (pair[1] != self.exception.courier_id, pair[0]))
        return pks[0][0] if pks else None
