"""The confirmation queue for agents: its changelist is the queue. It shows the next order to call with the call
script filled in (seeds/003), the four outcomes, and what comes after; MODIFIED opens an edit form. Every outcome
goes through ``flows.confirmation.confirm_by_agent``, whose row lock decides between two agents on one order."""

from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, limits
from cod_plugin.conf import app_settings
from cod_plugin.error_codes import CodError
from cod_plugin.flows import confirmation, standing
from cod_plugin.host import AddressSnapshot, LineSnapshot, OrderChanges, OrderSnapshot, get_adapter
from cod_plugin.models import CodOrder
from cod_plugin.money import display
from cod_plugin.permissions import may
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from cod_plugin.rules.statuses import CodStatus

from . import queue_risk, queue_upsell
from .base import ReadOnlyAdmin
from .labels import channel_name, channel_names, language_name
from .models import ConfirmationQueue

VIEW_ORDERS = "cod_plugin.view_codorder"
RECORD_OUTCOMES = "confirmation queue: outcomes and changes"  # the role table's entry
UPCOMING = 10
NOTE_LENGTH = limits.NOTE


# ---- which order comes next


def _due(now: datetime) -> Q:
    return Q(next_call_at__isnull=True) | Q(next_call_at__lte=now)


def queued(now: datetime, sort: str = queue_risk.DEFAULT_SORT):
    """Pending orders to call now, by ``sort``: the highest risk first (unscreened last), then as "oldest" runs:
    retries that are due first (earliest due first), then new orders, oldest first."""
    pending = CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION)
    return pending.filter(_due(now)).order_by(*queue_risk.ordering(sort))


def counts(now: datetime) -> dict[str, int]:
    pending = CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION)
    return pending.aggregate(waiting=Count("pk", filter=_due(now)), later=Count("pk", filter=Q(next_call_at__gt=now)))


# ---- the call script


@dataclass(frozen=True)
class CallScript:
    order: CodOrder
    agent: str  # empty: the staff user has no name, and the agent speaks for the store's team
    store: str
    channel: str
    language: str  # the customer's language by its name, for the agent
    speaks: str  # its code: the script is read to the customer in it
    lines: tuple[LineSnapshot, ...]
    amount: str
    shipping: str
    fee: str
    address: str
    phone: str
    tel: str | None
    appointment: tuple[str, str] | None
    delivery_days: int
    max_attempts: int
    by_whatsapp: bool
    risk: queue_risk.RiskCell
    questions: tuple[str, ...]  # what the signals ask the agent to check, in the agent's language
    offers: tuple[queue_upsell.Offer, ...]  # the store's related products, priced in the customer's formats


def call_script(order: CodOrder, *, agent: str, channels: dict[str, str]) -> CallScript:
    host_order = get_adapter().get_order(order.order_ref)
    policy = standing.policy_for(order)
    currency = str(order.amount_to_collect.currency)
    address = host_order.shipping_address if host_order else None
    phone = order.phone or (address.phone if address else "")
    speaks = script_language(order.terms_language)
    with translation.override(speaks):  # what the agent reads out, in the customer's words and formats
        amounts = (display(order.amount_to_collect.amount, currency), display(order.shipping_amount.amount, currency))
        fee, appointment = display(order.fee.amount, currency), _appointment(order)
        offers = queue_upsell.offers(order.order_ref, currency)
    return CallScript(
        order=order,
        agent=agent,
        store=store_name(),
        channel=channel_name(order.channel, channels),
        language=language_name(order.terms_language),
        speaks=speaks,
        lines=host_order.lines if host_order else (),
        amount=amounts[0],
        shipping=amounts[1],
        fee=fee,
        address=_address_line(address, order),
        phone=phone,
        tel=e164(phone, order.country),
        appointment=appointment,
        delivery_days=policy.max_delivery_days,
        max_attempts=policy.max_confirmation_attempts,
        by_whatsapp=policy.notification_channel == "whatsapp",
        risk=queue_risk.risk_cell(order),
        questions=tuple(queue_risk.script_questions(order)),  # for the agent: in the admin's language
        offers=tuple(offers),
    )


def script_language(code: str) -> str:
    """The store's language closest to the customer's ("fr-ma" is read in "fr"); the store's default otherwise."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _address_line(address: AddressSnapshot | None, order: CodOrder) -> str:
    if address is None:
        parts = [order.area, order.postal_code, order.country]
    else:
        name = f"{address.first_name} {address.last_name}".strip()
        region = f"{address.area} {address.postal_code}".strip()
        parts = [name, address.street_1, address.street_2, address.city, region, address.country]
    return ", ".join(part for part in parts if part)


def e164(phone: str, country: str) -> str | None:
    """The number to dial, e.g. ``+12125550100``; None when it is not a phone number of the country."""
    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def agent_name(user) -> str:
    """How the agent introduces themselves: their name (first, or full when set); never an e-mail or username,
    so empty for a staff user without a name."""
    return user.get_full_name().strip()


def store_name() -> str:
    """The store as the agent names it: ``COD_STORE_NAME``, else the current site's name, else "our store"."""
    if app_settings.STORE_NAME:
        return app_settings.STORE_NAME
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.models import Site

        return Site.objects.get_current().name or gettext("our store")
    return gettext("our store")


def _appointment(order: CodOrder) -> tuple[str, str] | None:
    if not (order.appointment_start and order.appointment_end):
        return None
    return formatting.datetime(order.appointment_start), formatting.time(order.appointment_end)


# ---- the forms


class OutcomeForm(forms.Form):
    """CONFIRMED, NO_ANSWER or CANCELLED (with a note); MODIFIED has a form of its own."""

    CHOICES = [ConfirmationOutcome.CONFIRMED, ConfirmationOutcome.NO_ANSWER, ConfirmationOutcome.CANCELLED]
    outcome = forms.ChoiceField(choices=[(choice.value, choice.name) for choice in CHOICES])
    note = forms.CharField(label=_("Why did the customer cancel?"), required=False, max_length=NOTE_LENGTH)
    attempts = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ConfirmationOutcome.CANCELLED and not data.get("note"):
            raise ValidationError(_("Note why the customer cancelled."))
        return data


ADDRESS_FIELDS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "street_1": _("Street"),
    "street_2": _("Street, line 2"),
    "city": _("City"),
    "area": _("Area"),
    "postal_code": _("Postal code"),
    "country": _("Country"),
    "phone": _("Phone"),
}

# The API's lengths (``cod_plugin.limits``): the same address is refused alike wherever it is typed.
ADDRESS_LENGTHS = {
    "first_name": limits.NAME,
    "last_name": limits.NAME,
    "street_1": limits.STREET,
    "street_2": limits.STREET,
    "city": limits.CITY,
    "area": limits.AREA,
    "postal_code": limits.POSTAL_CODE,
    "country": limits.COUNTRY,
    "phone": limits.PHONE,
}


class ModifyForm(forms.Form):
    """The address as the customer gave it on the phone, and a quantity per line (0 removes it)."""

    required_css_class = "required"

    def __init__(self, *args, host_order: OrderSnapshot, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_order = host_order
        address = host_order.shipping_address
        for name, label in ADDRESS_FIELDS.items():
            length = ADDRESS_LENGTHS[name]
            self.fields[name] = forms.CharField(label=label, required=name == "country", max_length=length)
            self.initial[name] = getattr(address, name) if address else ""
        for index, line in enumerate(host_order.lines):
            field = forms.IntegerField(label=line.name, min_value=0, max_value=app_settings.MAX_LINE_QUANTITY)
            field.help_text = f"{line.sku} · {display(line.unit_price, host_order.currency)}"
            self.fields[f"quantity_{index}"], self.initial[f"quantity_{index}"] = field, line.quantity
        self.fields["note"] = forms.CharField(label=_("Note"), required=False, max_length=NOTE_LENGTH)

    def address_fields(self):
        return [self[name] for name in ADDRESS_FIELDS]

    def quantity_fields(self):
        return [self[f"quantity_{index}"] for index in range(len(self.host_order.lines))]

    def changes(self) -> OrderChanges:
        data = {name: self.cleaned_data[name].strip() for name in ADDRESS_FIELDS}
        address = AddressSnapshot(**{**data, "country": data["country"].upper()})
        quantities = {
            line.sku: self.cleaned_data[f"quantity_{index}"]
            for index, line in enumerate(self.host_order.lines)
            if self.cleaned_data[f"quantity_{index}"] != line.quantity
        }
        return OrderChanges(
            address=None if address == self.host_order.shipping_address else address, quantities=quantities or None
        )


# ---- the screen


def _done(order: CodOrder, outcome: ConfirmationOutcome) -> str:
    currency = str(order.amount_to_collect.currency)
    values = {
        "number": order.order_number,
        "amount": display(order.amount_to_collect.amount, currency),
        "fee": display(order.fee.amount, currency),
        "attempts": order.confirmation_attempts,
    }
    if outcome == ConfirmationOutcome.NO_ANSWER and order.status == CodStatus.CANCELLED:
        return gettext("Order %(number)s: no answer after %(attempts)s calls; it is cancelled.") % values
    if outcome == ConfirmationOutcome.NO_ANSWER:
        when = formatting.time(order.next_call_at)
        return gettext("Order %(number)s: no answer; the next call is due at %(when)s.") % {**values, "when": when}
    messages_by_outcome = {
        ConfirmationOutcome.CONFIRMED: gettext("Order %(number)s is confirmed."),
        ConfirmationOutcome.CANCELLED: gettext("Order %(number)s is cancelled."),
        ConfirmationOutcome.MODIFIED: gettext(
            "Order %(number)s is changed and confirmed: %(amount)s to collect, COD fee %(fee)s."
        ),
    }
    return messages_by_outcome[outcome] % values


@admin.register(ConfirmationQueue)
class ConfirmationQueueAdmin(ReadOnlyAdmin):
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name=f"{prefix}_changelist"),
            path("<int:order_pk>/outcome/", wrap(self.outcome_view), name=f"{prefix}_outcome"),
            path("<int:order_pk>/modify/", wrap(self.modify_view), name=f"{prefix}_modify"),
            path("<int:order_pk>/add/", wrap(self.add_view), name=f"{prefix}_add"),
        ]

    def _url(self, name: str, *args) -> str:
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        return reverse(f"{prefix}_{name}", args=args, current_app=self.admin_site.name)

    def _require_agent(self, request) -> None:
        if not may(request.user, RECORD_OUTCOMES):
            raise PermissionDenied

    def _render(self, request, template: str, context: dict):
        request.current_app = self.admin_site.name
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, f"admin_ui/queue/{template}", context)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        now, sort = timezone.now(), queue_risk.sort_of(request.GET.get("o"))
        orders = list(queued(now, sort)[: UPCOMING + 1])
        names = channel_names()
        script = call_script(orders[0], agent=agent_name(request.user), channels=names) if orders else None
        context = {
            "title": _("Confirmation queue"),
            "script": script,
            "upcoming": [
                (order, channel_name(order.channel, names), _amount(order), queue_risk.risk_cell(order))
                for order in orders[1:]
            ],
            "sorts": queue_risk.sort_choices(sort),
            "can_offer": may(request.user, queue_upsell.OFFER),
            "max_line_quantity": app_settings.MAX_LINE_QUANTITY,
            "add_url": script and self._url("add", script.order.pk),
            **counts(now),
            "can_record": may(request.user, RECORD_OUTCOMES),
            "can_view_orders": request.user.has_perm(VIEW_ORDERS),
            "outcome_url": script and self._url("outcome", script.order.pk),
            "modify_url": script and self._url("modify", script.order.pk),
            **(extra_context or {}),
        }
        return self._render(request, "queue.html", context)

    def outcome_view(self, request, order_pk: int):
        self._require_agent(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        else:
            data = form.cleaned_data
            outcome = ConfirmationOutcome(data["outcome"])
            self._record(request, order_pk, outcome, data["note"], seen_attempts=data["attempts"])
        return HttpResponseRedirect(self._url("changelist"))

    def modify_view(self, request, order_pk: int):
        self._require_agent(request)
        order = get_object_or_404(CodOrder, pk=order_pk)
        host_order = get_adapter().get_order(order.order_ref)
        if order.status != CodStatus.PENDING_CONFIRMATION or host_order is None:
            messages.error(request, gettext("Order %(number)s is no longer waiting for a call.") % _number(order))
            return HttpResponseRedirect(self._url("changelist"))
        form = ModifyForm(request.POST or None, host_order=host_order)
        if request.method == "POST" and form.is_valid():
            note, changes = form.cleaned_data["note"], form.changes()
            if self._record(request, order.pk, ConfirmationOutcome.MODIFIED, note, changes=changes):
                return HttpResponseRedirect(self._url("changelist"))
        context = {"title": _("Change order %(number)s") % _number(order), "order": order, "form": form}
        return self._render(request, "modify.html", {**context, "queue_url": self._url("changelist")})

    def add_view(self, request, order_pk: int):
        """The upsell's "Add": one offered product, recorded as a MODIFIED outcome with the product added."""
        if not may(request.user, queue_upsell.OFFER):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = get_object_or_404(CodOrder, pk=order_pk)
        offered = queue_upsell.offers(order.order_ref, str(order.amount_to_collect.currency))
        form = queue_upsell.AddForm(request.POST, offered=offered)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        else:
            self._record(request, order.pk, ConfirmationOutcome.MODIFIED, "", changes=form.changes())
        return HttpResponseRedirect(self._url("changelist"))

    def _record(self, request, order_pk: int, outcome: ConfirmationOutcome, note: str, **options) -> bool:
        actor = request.user.get_username()
        try:
            order = confirmation.confirm_by_agent(order_pk, outcome, note, actor=actor, **options)
        except CodError as error:
            number = CodOrder.objects.filter(pk=order_pk).values_list("order_number", flat=True).first()
            text = gettext("Order %(number)s: %(message)s") % {"number": number, "message": error.message}
            messages.error(request, text if number else error.message)
            return False
        messages.success(request, _done(order, outcome))
        return True


def _amount(order: CodOrder) -> str:
    return display(order.amount_to_collect.amount, str(order.amount_to_collect.currency))


def _number(order: CodOrder) -> dict[str, str]:
    return {"number": order.order_number}
