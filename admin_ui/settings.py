"""Settings screens: the channel policy with regions and versioned terms, and the messages sent (couriers: in
``couriers``)."""

from django import forms
from django.conf import global_settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Max, OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, models
from cod_plugin.conf import app_settings
from cod_plugin.flows import terms
from cod_plugin.permissions import MANAGE_SETTINGS
from cod_plugin.rules.policy import CollectionMethod

from .base import ReadOnlyAdmin
from .forms import (
    ChoiceListField,
    MaskedSecretsMixin,
    WordListField,
    ending,
    has_holidays,
    is_country,
    is_currency,
    redacted_url,
)
from .settings_risk import SCREENING_FIELDSET, ScreeningDisplays, ScreeningWeights


def product_flags() -> list[tuple[str, str]]:
    """The flags the store declares (``COD_PRODUCT_FLAGS``), read when the form is built so a settings change shows."""
    return list(app_settings.PRODUCT_FLAGS.items())


COLLECTION_METHODS = [
    (CollectionMethod.CASH, _("Cash")),
    (CollectionMethod.MOBILE_PAYMENT, _("Mobile payment")),
    (CollectionMethod.CARD, _("Card")),
]
# Whole-number settings and the range that makes sense for each.
COUNTS = {
    "max_delivery_days": (1, 90),
    "max_confirmation_attempts": (1, 20),
    "confirmation_retry_minutes": (5, 7 * 24 * 60),
    "review_business_days": (1, 30),
    "max_reschedules": (0, 10),
    "appointment_max_days": (1, 365),
    "appointment_max_hours": (1, 72),
    "unpaid_grace_hours": (1, 30 * 24),
    "claim_grace_days": (1, 60),
    "strikes_to_suspend": (1, 20),
    "suspension_days": (1, 3650),
    "return_window_days": (0, 365),
    "refund_business_days": (1, 30),
}
AMOUNTS = ("fee_fixed", "fee_minimum", "fee_maximum", "fee_waiver_above", "max_item_price")

POLICY_FIELDSETS = [
    (None, {"fields": ("channel", "currency", "enabled", "holiday_country")}),
    (
        _("Fees"),
        {"fields": ("fee_percent", "fee_fixed", "fee_minimum", "fee_maximum", "fee_waiver_above", "fee_label")},
    ),
    (_("Limits"), {"fields": ("limit_currency", "new_customer_limit", "trusted_customer_limit", "max_item_price")}),
    (_("Products"), {"fields": ("excluded_flags", "excluded_categories")}),
    (
        _("Confirmation"),
        {"fields": ("max_confirmation_attempts", "confirmation_retry_minutes", "review_business_days")},
    ),
    (
        _("Delivery"),
        {
            "fields": (
                "default_courier",
                "max_delivery_days",
                "max_reschedules",
                "appointment_max_days",
                "appointment_max_hours",
                "unpaid_grace_hours",
                "claim_grace_days",
                "strikes_to_suspend",
                "suspension_days",
            )
        },
    ),
    (_("Returns & refunds"), {"fields": ("return_window_days", "refund_business_days", "refund_fee")}),
    (
        _("Messages"),
        {
            "fields": (
                "notification_channel",
                "sms_url",
                "clear_sms_url",
                "sms_token",
                "clear_sms_token",
                "sms_sender",
            )
        },
    ),
    SCREENING_FIELDSET,
]


def may_manage_settings(user, perm: str) -> bool:
    """Django's own model permission, and the COD settings permission on top of it."""
    return user.has_perm(perm) and user.has_perm(MANAGE_SETTINGS)


class ManagedSettingsAdmin(admin.ModelAdmin):
    """Adding, changing and deleting need COD settings management as well as Django's model permission. The
    fields named in ``masked`` are shown to a reader without the right to change them through a masked display
    (the admin method named by the value), never as stored."""

    class Media:
        css = {"all": ("admin_ui/cod.css",)}

    masked: dict[str, str] = {}

    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm(MANAGE_SETTINGS)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm(MANAGE_SETTINGS)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and request.user.has_perm(MANAGE_SETTINGS)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [(name, {**options, "fields": self._masked(options["fields"])}) for name, options in fieldsets]

    def _masked(self, fields):
        return [self.masked.get(field, field) for field in fields if not str(field).startswith("clear_")]


def _in_range(form, name: str, low, high, message) -> None:
    value = form.cleaned_data.get(name)
    if value is not None and not low <= value <= high:
        form.add_error(name, ValidationError(message, code="out_of_range", params={"low": low, "high": high}))


class PolicyForm(MaskedSecretsMixin, ScreeningWeights, forms.ModelForm):
    secrets = {"sms_url": redacted_url, "sms_token": ending}
    excluded_flags = ChoiceListField(product_flags, label=_("Excluded product flags"))
    excluded_categories = WordListField(
        label=_("Excluded categories"), required=False, help_text=_("Category slugs, separated by commas.")
    )
    sms_url = forms.URLField(
        label=_("SMS provider URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: the store-wide provider. A key in the URL is never shown back."),
    )
    clear_sms_url = forms.BooleanField(label=_("Remove the SMS provider URL"), required=False)
    clear_sms_token = forms.BooleanField(label=_("Remove the SMS provider token"), required=False)

    class Meta:
        model = models.CodPolicy
        fields = [name for _title, options in POLICY_FIELDSETS for name in options["fields"]]
        help_texts = {"sms_sender": _("Used with this channel's own provider URL.")}

    def clean_currency(self):
        return self._currency("currency")

    def clean_limit_currency(self):
        return self._currency("limit_currency")

    def clean_holiday_country(self):
        code = self.cleaned_data["holiday_country"].strip().upper()
        if code and not has_holidays(code):
            raise ValidationError(_("No public holiday calendar is known for “%(code)s”."), params={"code": code})
        return code

    def clean_default_courier(self):
        """Confirmed orders go to this courier: it must serve the channel, or it would never carry them."""
        courier, channel = self.cleaned_data.get("default_courier"), self.cleaned_data.get("channel")
        if courier is not None and channel and channel not in courier.channels:
            message = _("%(courier)s does not serve %(channel)s: tick the channel on the courier first.")
            raise ValidationError(message, params={"courier": courier.name, "channel": channel})
        return courier

    def _currency(self, name: str) -> str:
        code = self.cleaned_data[name].strip().upper()
        if not is_currency(code):
            raise ValidationError(_("“%(code)s” is not an ISO 4217 currency code in use."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        _in_range(self, "fee_percent", 0, 100, _("The fee is a percentage between %(low)s and %(high)s."))
        for name in AMOUNTS:
            if (cleaned.get(name) or 0) < 0:
                self.add_error(name, ValidationError(_("Amounts cannot be negative."), code="negative"))
        for name, (low, high) in COUNTS.items():
            _in_range(self, name, low, high, _("Enter a whole number from %(low)s to %(high)s."))
        self._check_limits(cleaned)
        return cleaned

    def _check_limits(self, cleaned) -> None:
        new, trusted = cleaned.get("new_customer_limit"), cleaned.get("trusted_customer_limit")
        for name, value in (("new_customer_limit", new), ("trusted_customer_limit", trusted)):
            if value is not None and value <= 0:
                self.add_error(name, ValidationError(_("A limit must be more than zero."), code="not_positive"))
        if new and trusted and 0 < trusted < new:
            message = _("The new customer limit must not exceed the trusted customer limit.")
            self.add_error("new_customer_limit", ValidationError(message, code="above_trusted"))


class RegionForm(forms.ModelForm):
    postal_code_patterns = WordListField(
        label=_("Postal code patterns"), required=False, help_text=_("Separated by commas, e.g. 10*, 12345.")
    )
    collection_methods = ChoiceListField(COLLECTION_METHODS, label=_("Collection methods"))

    class Meta:
        model = models.CodRegion
        fields = (
            "country",
            "area",
            "postal_code_patterns",
            "order_cap",
            "collection_methods",
            "fee_percent",
            "fee_fixed",
        )

    def clean_country(self):
        code = self.cleaned_data["country"].strip().upper()
        if not is_country(code):
            raise ValidationError(_("“%(code)s” is not an ISO 3166 country code."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        _in_range(self, "fee_percent", 0, 100, _("The fee is a percentage between %(low)s and %(high)s."))
        if (cleaned.get("fee_fixed") or 0) < 0:
            self.add_error("fee_fixed", ValidationError(_("Amounts cannot be negative."), code="negative"))
        if cleaned.get("order_cap") is not None and cleaned["order_cap"] <= 0:
            self.add_error("order_cap", ValidationError(_("A cap must be more than zero."), code="not_positive"))
        return cleaned


class PolicyPartInline:
    """Regions and terms are part of the policy: whoever may change the policy may change them."""

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("cod_plugin.view_codpolicy") or user.has_perm("cod_plugin.change_codpolicy")

    def has_add_permission(self, request, obj):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def _may_edit(self, request, obj) -> bool:
        perm = "cod_plugin.add_codpolicy" if obj is None else "cod_plugin.change_codpolicy"
        return may_manage_settings(request.user, perm)


class RegionInline(PolicyPartInline, admin.TabularInline):
    model = models.CodRegion
    form = RegionForm
    extra = 0


# Django's catalogue has the languages' names: each shows in the admin's language.
LANGUAGES = [(code, _(name)) for code, name in sorted(global_settings.LANGUAGES, key=lambda item: item[0])]


class TermsForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)

    class Meta:
        model = models.CodTerms
        fields = ("language", "text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.language
        if stored and stored not in dict(LANGUAGES):
            self.fields["language"].choices = [(stored, stored), *LANGUAGES]


class NewVersionFormSet(BaseInlineFormSet):
    """The current version's text per language, to edit; saving never updates a row: a changed text, a new
    language or a removed one publishes the next version with every language (``flows.terms.publish``)."""

    def get_queryset(self):
        latest = models.CodTerms.objects.filter(policy=OuterRef("policy")).values("policy").annotate(v=Max("version"))
        return super().get_queryset().filter(version=Subquery(latest.values("v"))).order_by("language")

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        languages = [form.cleaned_data["language"] for form in kept]
        if len(languages) != len(set(languages)):
            raise ValidationError(_("Each language once: one text per language."), code="duplicate_language")
        if not kept and self.get_queryset().exists():
            raise ValidationError(_("Keep the terms in at least one language."), code="no_language")

    def save(self, commit=True):
        texts = {
            form.cleaned_data["language"]: form.cleaned_data["text"]
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        }
        self.new_objects, self.changed_objects, self.deleted_objects = terms.publish(self.instance.pk, texts), [], []
        return self.new_objects


class TermsInline(PolicyPartInline, admin.StackedInline):
    model = models.CodTerms
    form = TermsForm
    formset = NewVersionFormSet
    extra = 0
    verbose_name = _("terms, current version")
    verbose_name_plural = _("terms, current version (a changed text publishes the next version)")


class TermsHistoryInline(PolicyPartInline, admin.TabularInline):
    """Every published version, oldest last: what a shopper accepted stays readable."""

    model = models.CodTerms
    extra = 0
    fields = ("version", "language", "excerpt", "published_at")
    readonly_fields = fields
    ordering = ("-version", "language")
    verbose_name = _("published terms")
    verbose_name_plural = _("published terms (history)")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text"))
    def excerpt(self, row):
        return Truncator(row.text).chars(160)


@admin.register(models.CodPolicy)
class CodPolicyAdmin(ScreeningDisplays, ManagedSettingsAdmin):
    form = PolicyForm
    masked = {"sms_url": "sms_url_masked", "sms_token": "sms_token_masked"}
    list_display = (
        "channel",
        "currency",
        "enabled",
        "fee_percent",
        "new_customer_limit",
        "trusted_customer_limit",
    )
    list_filter = ("enabled",)
    inlines = [RegionInline, TermsInline, TermsHistoryInline]
    fieldsets = POLICY_FIELDSETS

    @admin.display(description=_("SMS provider URL"))
    def sms_url_masked(self, policy):
        return redacted_url(policy.sms_url)

    @admin.display(description=_("SMS provider token"))
    def sms_token_masked(self, policy):
        return ending(policy.sms_token)


MESSAGE_KINDS = {"confirmation_request": _("Confirmation request")}
MESSAGE_CHANNELS = {"sms": _("SMS"), "whatsapp": _("WhatsApp")}


def _labelled(code: str, labels: dict) -> str:
    return str(labels.get(code, code))


class ValueFilter(admin.SimpleListFilter):
    """A filter on one column with a translated title, its values by their labels."""

    labels: dict = {}

    def lookups(self, request, model_admin):
        values = model_admin.model.objects.order_by(self.parameter_name).values_list(self.parameter_name, flat=True)
        return [(value, _labelled(value, self.labels)) for value in dict.fromkeys(values.distinct())]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class MessageChannelFilter(ValueFilter):
    title, parameter_name, labels = _("channel"), "channel", MESSAGE_CHANNELS


class MessageStatusFilter(ValueFilter):
    title, parameter_name, labels = _("status"), "status", dict(models.Notification.Status.choices)


class MessageKindFilter(ValueFilter):
    title, parameter_name, labels = _("kind"), "kind", MESSAGE_KINDS


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Messages as the plugin queued and sent them: a record to read; only the notification flow writes them."""

    list_display = ("kind_shown", "channel_shown", "recipient", "status_shown", "tries", "created", "sent")
    list_filter = (MessageStatusFilter, MessageChannelFilter, MessageKindFilter)
    search_fields = ("to",)
    readonly_fields = [field.name for field in models.Notification._meta.fields]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, message):
        return _labelled(message.kind, MESSAGE_KINDS)

    @admin.display(description=_("channel"), ordering="channel")
    def channel_shown(self, message):
        return _labelled(message.channel, MESSAGE_CHANNELS)

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, message):
        return message.get_status_display()

    @admin.display(description=_("to"), ordering="to")
    def recipient(self, message):
        return message.to

    @admin.display(description=_("attempts"), ordering="attempts")
    def tries(self, message):
        return message.attempts

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, message):
        return formatting.datetime(message.created_at)

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, message):
        return formatting.datetime(message.sent_at)
