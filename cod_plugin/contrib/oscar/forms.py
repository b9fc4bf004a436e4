"""The customer's "Paid" form on the account order page: the courier's receipt number, how they paid, and a photo
of the receipt if they have one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cod_plugin import api

# The words for the policy's collection methods (the same words as the plugin's settings screen).
METHOD_LABELS = {"cash": _("Cash"), "mobile_payment": _("Mobile payment"), "card": _("Card")}


class PaidForm(forms.Form):
    reference = forms.CharField(label=_("Receipt number from the courier"), max_length=api.voucher_reference_length())
    method = forms.ChoiceField(label=_("Paid by"))
    photo = forms.FileField(label=_("Photo of the receipt (optional)"), required=False)

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(code, METHOD_LABELS.get(code, code)) for code in methods]

    def clean_photo(self) -> bytes | None:
        """The photo's bytes, checked as the API checks a voucher image: a PNG or JPEG of at most 2 MB."""
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        data = upload.read(api.MAX_PHOTO_BYTES + 1)
        if not api.is_photo(data):
            raise forms.ValidationError(_("The photo must be a PNG or JPEG of at most 2 MB."), code="invalid")
        return data
