"""The customer's "Paid" form on the account order page: the courier's receipt number and how they paid."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The words for the policy's collection methods (the same words as the plugin's settings screen).
METHOD_LABELS = {"cash": _("Cash"), "mobile_payment": _("Mobile payment"), "card": _("Card")}
# The receipt number's column length (``CodPaymentClaim.reference``).
REFERENCE_LENGTH = 100


class PaidForm(forms.Form):
    reference = forms.CharField(label=_("Receipt number from the courier"), max_length=REFERENCE_LENGTH)
    method = forms.ChoiceField(label=_("Paid by"))

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(code, METHOD_LABELS.get(code, code)) for code in methods]
