"""Customers' COD profiles for support: the list by standing, and the profile page with the customer's COD orders,
strikes and penalties, the audit history, and the five actions that change the standing, each a flow with a
reason. Nothing on a profile is edited directly."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from cod_plugin import formatting, models
from cod_plugin.flows import customers
from cod_plugin.permissions import HANDLE_REFUNDS

from .base import ActionAdmin
from .labels import channel_name, channel_names, customer_label, event_label, refusal_label, tier_label
from .number_inputs import input_value

LATEST_ORDERS = 20
LATEST_EVENTS = 100


# ---- the five actions: a form each, and the flow it calls


class ReasonForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=customers.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("Kept in the customer's history."),
    )

    def __init__(self, *args, profile: models.CodCustomerProfile, **kwargs):
        self.profile = profile
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}

    def errors_text(self) -> str:
        return " ".join(
            f"{self.fields[name].label}: {' '.join(errors)}" if name in self.fields else " ".join(errors)
            for name, errors in self.errors.items()
        )


class SuspendForm(ReasonForm):
    days = forms.IntegerField(
        label=_("For days"), min_value=1, max_value=customers.LONGEST_SUSPENSION_DAYS, required=False
    )
    until = forms.DateField(label=_("Or until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["days", "until", "reason"]

    def clean(self):
        data = super().clean()
        if not self.has_error("days") and not self.has_error("until"):
            if (data.get("days") is None) == (data.get("until") is None):
                raise ValidationError(_("Give a number of days or an end date (one of them)."))
        return data

    def arguments(self) -> dict[str, Any]:
        days, until = self.cleaned_data["days"], self.cleaned_data["until"]
        end = days if days is not None else timezone.make_aware(datetime.combine(until, time.min))
        return {**super().arguments(), "days_or_until": end}


class VerifyB2BForm(ReasonForm):
    limit = forms.DecimalField(label=_("Order limit"), max_digits=15, decimal_places=3)
    currency = forms.ChoiceField(label=_("Currency"))
    field_order = ["limit", "currency", "reason"]

    def __init__(self, *args, profile: models.CodCustomerProfile, **kwargs):
        super().__init__(*args, profile=profile, **kwargs)
        currencies = customers.limit_currencies()
        self.fields["currency"].choices = [(code, code) for code in currencies]
        if profile.b2b_limit is not None:
            currency = str(profile.b2b_limit.currency)
            self.initial.setdefault("limit", input_value(profile.b2b_limit.amount, currency))
            self.initial.setdefault("currency", str(profile.b2b_limit.currency))

    def arguments(self) -> dict[str, Any]:
        return {**super().arguments(), "limit": self.cleaned_data["limit"], "currency": self.cleaned_data["currency"]}


@dataclass(frozen=True)
class StandingAction:
    name: str
    label: Promise
    done: Promise
    form_class: type[ReasonForm]
    flow: Callable[..., models.CodCustomerProfile]


ACTIONS = {
    action.name: action
    for action in (
        StandingAction(
            "suspend", _("Suspend COD"), _("COD is suspended for %(customer)s."), SuspendForm, customers.suspend
        ),
        StandingAction(
            "restore", _("Restore COD"), _("COD is restored for %(customer)s."), ReasonForm, customers.restore
        ),
        StandingAction("revoke", _("Revoke COD"), _("COD is revoked for %(customer)s."), ReasonForm, customers.revoke),
        StandingAction(
            "verify_b2b",
            _("Verify B2B account"),
            _("%(customer)s is a verified B2B account."),
            VerifyB2BForm,
            customers.verify_b2b,
        ),
        StandingAction(
            "settle_penalty",
            _("Record the penalty as paid"),
            _("The penalty of %(customer)s is settled."),
            ReasonForm,
            customers.settle_penalty,
        ),
    )
}


# ---- the list


class StandingFilter(admin.SimpleListFilter):
    title = _("standing")
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return [
            ("suspended", _("Suspended")),
            ("revoked", _("Revoked")),
            ("b2b", _("Verified B2B")),
            ("penalty", _("Owes a penalty")),
        ]

    def queryset(self, request, queryset):
        conditions = {
            "suspended": Q(suspended_until__gt=timezone.now(), revoked=False),
            "revoked": Q(revoked=True),
            "b2b": Q(b2b_verified=True, b2b_limit__isnull=False),
            "penalty": Q(outstanding_penalty__gt=0),
        }
        condition = conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


def _money(value: Money | None) -> str:
    if value is None or not value.amount:
        return formatting.EMPTY
    return formatting.money_of(value)


def profile_label(profile: models.CodCustomerProfile) -> str:
    return customer_label(profile.customer_key, email=profile.email, phone=profile.phone)


@dataclass(frozen=True)
class EventRow:
    event: models.CodProfileEvent
    kind: str
    reason: str  # a refusal's code by its label; what support typed as it is
    change: str


@dataclass(frozen=True)
class StrikeRow:
    event: models.CodProfileEvent
    refusal: str
    penalty: str


def _event_row(event: models.CodProfileEvent) -> EventRow:
    before, after = event.data.get("before"), event.data.get("after")
    if before and after and before.get("tier") != after.get("tier"):
        change = gettext("%(before)s → %(after)s") % {
            "before": tier_label(before["tier"]),
            "after": tier_label(after["tier"]),
        }
    else:
        # in the order of DETAILS, not of the stored keys (PostgreSQL's jsonb keeps its own order)
        change = "; ".join(_detail(key, event.data[key], event.data) for key in DETAILS if key in event.data)
    return EventRow(event, event_label(event.kind), refusal_label(event.reason), change)


DETAILS = {
    "strikes": _("strikes: %(value)s"),
    "penalty": _("penalty: %(value)s"),
    "until": _("until %(value)s"),
    "settled": _("settled: %(value)s"),
}


def _detail(key: str, value, data: dict) -> str:
    if key == "penalty" and data.get("currency"):
        value = formatting.money(Decimal(value), data["currency"])
    elif key == "until" and value:
        value = formatting.datetime(datetime.fromisoformat(value))
    return DETAILS[key] % {"value": value}


def _strike_row(event: models.CodProfileEvent) -> StrikeRow:
    penalty, currency = event.data.get("penalty"), event.data.get("currency")
    shown = formatting.money(Decimal(penalty), currency) if penalty and currency else formatting.EMPTY
    return StrikeRow(event, refusal_label(event.reason), shown)


@admin.register(models.CodCustomerProfile)
class CodCustomerProfileAdmin(ActionAdmin):
    action_permission = HANDLE_REFUNDS
    action_route = "standing"
    actions_by_name = ACTIONS
    change_form_template = "admin_ui/customers/change_form.html"
    list_display = (
        "customer",  # the email (or phone) already: no column of its own
        "tier",
        "limit",
        "completed_orders",
        "strikes",
        "penalty",
        "suspended",
        "revoked",
        "b2b_verified",
        "updated",
    )
    list_display_links = ("customer",)
    list_filter = (StandingFilter,)
    search_fields = ("email", "phone", "customer_key")
    ordering = ("-updated_at", "-pk")
    readonly_fields = ("customer", "tier", "limit", "penalty", "suspended", "b2b_limit_shown", "updated")
    fieldsets = [
        (None, {"fields": ("customer", "email", "phone")}),
        (
            _("Standing"),
            {
                "fields": (
                    "tier",
                    "limit",
                    "completed_orders",
                    ("strikes", "suspensions", "fake_orders"),
                    "penalty",
                    "suspended",
                    "revoked",
                    ("b2b_verified", "b2b_limit_shown"),
                    "updated",
                )
            },
        ),
    ]

    @admin.display(description=_("customer"), ordering="customer_key")
    def customer(self, profile):
        return profile_label(profile)

    # no suspension sorts before any (as SQLite sorts NULL): newest first, the suspended come first on any database
    @admin.display(description=_("suspended until"), ordering=F("suspended_until").asc(nulls_first=True))
    def suspended(self, profile):
        return formatting.datetime(profile.suspended_until)

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, profile):
        return formatting.datetime(profile.updated_at)

    @admin.display(description=_("tier"))
    def tier(self, profile):
        return tier_label(customers.tier_of(profile))

    @admin.display(description=_("limit"))
    def limit(self, profile):
        return _money(customers.limit_of(profile))

    @admin.display(description=_("outstanding penalty"), ordering="outstanding_penalty")
    def penalty(self, profile):
        return _money(profile.outstanding_penalty)

    @admin.display(description=_("B2B limit"))
    def b2b_limit_shown(self, profile):
        return _money(profile.b2b_limit)

    # ---- the profile page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        profile = self.get_object(request, unquote(object_id))
        context = self._profile_context(request, profile) if profile is not None else {}
        if profile is not None:
            context["subtitle"] = profile_label(profile)
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def _profile_context(self, request, profile) -> dict[str, Any]:
        events = profile.events.select_related("order").order_by("-created_at", "-pk")
        can_act = request.user.has_perm(HANDLE_REFUNDS)
        return {
            "cod_orders": self._orders(profile),
            "strikes": [_strike_row(event) for event in events.filter(kind="strike")],
            "events": [_event_row(event) for event in events[:LATEST_EVENTS]],
            "latest_orders": LATEST_ORDERS,
            "latest_events": LATEST_EVENTS,
            "actions": [self._action(profile, action) for action in ACTIONS.values()] if can_act else [],
        }

    def _orders(self, profile) -> list[tuple[models.CodOrder, str, str, str]]:
        orders = models.CodOrder.objects.filter(customer_key=profile.customer_key).order_by("-created_at", "-pk")
        names = channel_names()
        return [
            (
                order,
                self.admin_url("cod_plugin_codorder_change", order.pk),
                channel_name(order.channel, names),
                formatting.money_of(order.amount_to_collect),
            )
            for order in orders[:LATEST_ORDERS]
        ]

    def _action(self, profile, action: StandingAction) -> dict[str, Any]:
        form = self.action_form(profile, action, auto_id=f"id_{action.name}_%s")
        return {"action": action, "form": form, "url": self.action_url(profile.pk, action.name)}

    # ---- an action

    def action_form(self, profile, action: StandingAction, data=None, **kwargs):
        return action.form_class(data, profile=profile, **kwargs)

    def run_action(self, request, profile, action: StandingAction, form) -> str:
        action.flow(profile.pk, actor=request.user.get_username(), **form.arguments())
        self.log_change(request, profile, f"{action.label}: {form.cleaned_data['reason']}")
        return action.done % {"customer": profile_label(profile)}
