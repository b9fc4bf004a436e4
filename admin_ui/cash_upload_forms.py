"""The forms of a courier's report: the upload (courier, file, the remittance's header) and the courier's column
mapping, whose column choices are the headers of the file being imported."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin.flows import remittance_imports
from cod_plugin.models import CodRemittanceFile, Courier, CourierReportMapping

from .cash_forms import CashForm, check_size, max_length
from .forms import is_currency

REPORT_TYPES = (".csv", ".xlsx")
DELIMITERS = [(",", _("comma ,")), (";", _("semicolon ;")), ("\t", _("tab")), ("|", _("vertical bar |"))]
COLUMNS = (
    "reference_column",
    "collected_column",
    "remitted_column",
    "cod_charge_column",
    "shipping_column",
    "return_shipping_column",
    "other_column",
    "date_column",
)
REQUIRED_COLUMNS = ("reference_column", "collected_column")


class UploadForm(CashForm):
    courier = forms.ModelChoiceField(label=_("Courier"), queryset=Courier.objects.order_by("name", "pk"))
    report = forms.FileField(label=_("Report (CSV or XLSX)"))
    reference = forms.CharField(
        label=_("Remittance reference"),
        max_length=max_length(CodRemittanceFile, "reference"),
        help_text=_("The courier's reference of this remittance, as on its report."),
    )
    remitted_on = forms.DateField(label=_("Remitted on"), widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(
        label=_("Currency"), min_length=3, max_length=3, widget=forms.TextInput(attrs={"size": 4})
    )
    net = forms.DecimalField(
        label=_("Net deposited"),
        required=False,
        max_digits=15,
        decimal_places=3,
        min_value=0,
        help_text=_("As the courier declares it; when given, the lines must add up to it."),
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        if not report.name.lower().endswith(REPORT_TYPES):
            raise ValidationError(_("Choose a CSV or XLSX file."), code="file_type")
        check_size(report, remittance_imports.MAX_FILE_BYTES)  # the import's own cap, told before the upload
        return report

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not is_currency(currency):
            raise ValidationError(_("%(code)s is not a currency code."), code="invalid", params={"code": currency})
        return currency


def check_date_format(value: str) -> str:
    """A format that writes a day, a month and a year and reads back the same date."""
    sample = date(2026, 12, 31)
    try:
        written = sample.strftime(value)
        read = datetime.strptime(written, value).date()
    except ValueError:
        read = None
    if read != sample:
        raise ValidationError(_("Give a format with the day, month and year, such as %d/%m/%Y."), code="invalid")
    return value


class MappingForm(forms.ModelForm):
    """The courier's mapping; each column is chosen among the file's headers (a stored column the file lacks is
    kept as a choice, marked, so that the preview shows the rows it breaks)."""

    required_css_class = "required"
    delimiter = forms.ChoiceField(label=_("CSV delimiter"), choices=DELIMITERS, help_text=_("CSV files only."))

    class Meta:
        model = CourierReportMapping
        fields = (
            "reference_column",
            "reference_kind",
            "collected_column",
            "remitted_column",
            "cod_charge_column",
            "shipping_column",
            "return_shipping_column",
            "other_column",
            "date_column",
            "date_format",
            "decimal_mark",
            "delimiter",
        )

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in COLUMNS:
            model_field = self.fields[name]
            stored = getattr(self.instance, name)
            choices = [(column, column) for column in header if column]
            if stored and stored not in header:
                choices.append((stored, gettext("%(column)s (not in this file)") % {"column": stored}))
            empty = ("", gettext("— choose a column —") if name in REQUIRED_COLUMNS else gettext("— none —"))
            self.fields[name] = forms.ChoiceField(
                label=model_field.label,
                choices=[empty, *choices],
                required=name in REQUIRED_COLUMNS,
            )

    def clean_date_format(self):
        return check_date_format(self.cleaned_data["date_format"])
