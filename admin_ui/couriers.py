"""The couriers' screens: each courier's credentials (typed in, never shown back), the channels it serves and its
cash terms (the deadline to remit, the agreed charges), with finance's cash pages (``cash_hand``); and the webhook
events couriers sent."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, models
from cod_plugin.error_codes import CodError
from cod_plugin.rules.reconciliation import check_amount

from .base import ReadOnlyAdmin
from .cash_hand import CashHandPages
from .forms import MaskedSecretsMixin, ending, is_currency
from .labels import channel_name, channel_names
from .settings import ManagedSettingsAdmin, ValueFilter

COURIER_FIELDSETS = [
    (None, {"fields": ("code", "name", "active", "channels", "webhook_secret", "api_url", "api_key", "user")}),
    (_("Cash"), {"fields": ("remittance_days", "charges_currency", "charge_percent", "charge_fixed")}),
]


KEPT_WHEN_EMPTY = ("remittance_days", "charge_percent", "charge_fixed")


def agreed_charges(form, cleaned) -> None:
    """A charge needs its currency, and the fixed charge is a whole number of that currency's minor units."""
    currency, fixed = cleaned.get("charges_currency"), cleaned.get("charge_fixed")
    if (cleaned.get("charge_percent") or fixed) and not currency and "charges_currency" not in form.errors:
        form.add_error(
            "charges_currency", ValidationError(_("Give the currency of the agreed charges."), code="required")
        )
    if fixed is not None and currency:
        try:
            check_amount(fixed, field="charge_fixed", currency=currency)
        except CodError as error:
            form.add_error("charge_fixed", ValidationError(error.message, code=error.code.lower()))


class CourierForm(MaskedSecretsMixin, forms.ModelForm):
    """The webhook secret and the API key are typed in and never shown back: an empty field keeps what is stored."""

    secrets = {"webhook_secret": ending, "api_key": ending}
    required_secrets = ("webhook_secret",)
    secret_min_lengths = {"webhook_secret": 16}  # the last four are shown: they must not be most of it
    api_url = forms.URLField(label=_("booking API URL"), required=False, assume_scheme="https")
    channels = forms.MultipleChoiceField(
        label=_("channels served"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The channels whose orders this courier may carry; none: it carries no order."),
    )

    class Meta:
        model = models.Courier
        fields = [name for _title, options in COURIER_FIELDSETS for name in options["fields"]]
        labels = {"user": _("API account")}
        help_texts = {"charges_currency": _("The currency the fixed charge is in; needed when a charge is agreed.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policies = models.CodPolicy.objects.order_by("channel").values_list("channel", flat=True)
        # a channel whose policy was deleted since stays listed, so that saving does not drop it unseen
        served = self.instance.channels if self.instance.pk else []
        names = channel_names()
        for name in KEPT_WHEN_EMPTY:
            if name in self.fields:  # a reader's form has none: the admin shows them read-only
                self.fields[name].required = False
        self.fields["channels"].choices = [
            (channel, channel_name(channel, names)) for channel in dict.fromkeys([*policies, *served])
        ]

    def _kept(self, name: str):
        """An emptied number keeps what is stored (a new courier: the defaults)."""
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_remittance_days(self):
        return self._kept("remittance_days")

    def clean_charge_percent(self):
        return self._kept("charge_percent")

    def clean_charge_fixed(self):
        return self._kept("charge_fixed")

    def clean_charges_currency(self):
        code = self.cleaned_data["charges_currency"].strip().upper()
        if code and not is_currency(code):
            raise ValidationError(_("“%(code)s” is not an ISO 4217 currency code in use."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        agreed_charges(self, cleaned)
        return cleaned


@admin.register(models.Courier)
class CourierAdmin(CashHandPages, ManagedSettingsAdmin):
    form = CourierForm
    fieldsets = COURIER_FIELDSETS
    change_list_template = "admin_ui/couriers/change_list.html"
    masked = {"webhook_secret": "webhook_secret_ending", "api_key": "api_key_ending"}
    list_display = ("code", "name", "active", "channels_served", "api_url", "webhook_secret_ending", "api_key_ending")
    list_filter = ("active",)
    search_fields = ("code", "name")

    def get_urls(self):
        return self.cash_urls() + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        self._names = channel_names()  # once for the page, not once per row
        extra_context = {"cash_links": self.cash_links(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("channels served"))
    def channels_served(self, courier):
        names = getattr(self, "_names", None) or channel_names()
        return ", ".join(channel_name(channel, names) for channel in courier.channels) or formatting.EMPTY

    @admin.display(description=_("webhook secret"))
    def webhook_secret_ending(self, courier):
        return ending(courier.webhook_secret)

    @admin.display(description=_("API key"))
    def api_key_ending(self, courier):
        return ending(courier.api_key)


class CourierOutcomeFilter(ValueFilter):
    title, parameter_name = _("outcome"), "outcome"


class CourierKindFilter(ValueFilter):
    title, parameter_name = _("kind"), "kind"


@admin.register(models.CourierEvent)
class CourierEventAdmin(ReadOnlyAdmin):
    """Webhook events as received: a record to read, never to edit."""

    list_display = ("event_id", "courier", "kind_shown", "order", "outcome_shown", "occurred", "received")
    list_filter = ("courier", CourierOutcomeFilter, CourierKindFilter)
    list_select_related = ("courier", "order")
    search_fields = ("event_id", "order__order_number")
    readonly_fields = [field.name for field in models.CourierEvent._meta.fields]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, event):
        return event.kind

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_shown(self, event):
        return event.outcome

    @admin.display(description=_("occurred at"), ordering="occurred_at")
    def occurred(self, event):
        return formatting.datetime(event.occurred_at)

    @admin.display(description=_("received at"), ordering="received_at")
    def received(self, event):
        return formatting.datetime(event.received_at)
