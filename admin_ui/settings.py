"""Settings screens: the channel policy with regions and terms, couriers, and the messages sent."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cod_plugin import models


class RegionInline(admin.TabularInline):
    model = models.CodRegion
    extra = 0


class TermsInline(admin.StackedInline):
    model = models.CodTerms
    extra = 0


@admin.register(models.CodPolicy)
class CodPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "channel",
        "currency",
        "enabled",
        "fee_percent",
        "new_customer_limit",
        "trusted_customer_limit",
    )
    list_filter = ("enabled",)
    inlines = [RegionInline, TermsInline]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("to",)
    readonly_fields = [field.name for field in models.Notification._meta.fields]


def _ending(value: str) -> str:
    return f"…{value[-4:]}" if value else ""


class CourierForm(forms.ModelForm):
    """The webhook secret and the API key are typed in and never shown back: an empty field keeps what is stored."""

    SECRETS = ("webhook_secret", "api_key")
    webhook_secret = forms.CharField(label=_("webhook secret"), required=False, widget=forms.PasswordInput)
    api_key = forms.CharField(label=_("API key"), required=False, widget=forms.PasswordInput)
    api_url = forms.URLField(label=_("booking API URL"), required=False, assume_scheme="https")

    class Meta:
        model = models.Courier
        fields = ("code", "name", "active", "webhook_secret", "api_url", "api_key", "user")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SECRETS:
            stored = getattr(self.instance, name)
            if stored:
                self.fields[name].help_text = _("Set, ending in %(end)s. Leave empty to keep it.") % {
                    "end": _ending(stored)
                }

    def clean_webhook_secret(self):
        secret = self.cleaned_data["webhook_secret"]
        if secret and len(secret) < 16:  # the last four are shown: they must not be most of it
            raise ValidationError(_("Use at least 16 characters."))
        secret = secret or self.instance.webhook_secret
        if not secret:
            raise ValidationError(_("This field is required."))
        return secret

    def clean_api_key(self):
        return self.cleaned_data["api_key"] or self.instance.api_key


@admin.register(models.Courier)
class CourierAdmin(admin.ModelAdmin):
    form = CourierForm
    list_display = ("code", "name", "active", "api_url", "webhook_secret_ending", "api_key_ending")
    list_filter = ("active",)
    search_fields = ("code", "name")

    @admin.display(description=_("webhook secret"))
    def webhook_secret_ending(self, courier):
        return _ending(courier.webhook_secret)

    @admin.display(description=_("API key"))
    def api_key_ending(self, courier):
        return _ending(courier.api_key)


@admin.register(models.CourierEvent)
class CourierEventAdmin(admin.ModelAdmin):
    """Webhook events as received: a record to read, never to edit."""

    list_display = ("event_id", "courier", "kind", "order", "outcome", "occurred_at", "received_at")
    list_filter = ("courier", "outcome", "kind")
    list_select_related = ("courier", "order")
    search_fields = ("event_id", "order__order_number")
    readonly_fields = [field.name for field in models.CourierEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
