"""Returns and refunds for support: the queue of returns by refund due date, overdue ones marked, and the return
page with the order, the goods, the refunds and the amounts, and the step the return is at (approve or reject,
receive the goods, refund, mark a refund paid), each a flow. Nothing on a return is edited directly."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import limits, models
from cod_plugin.flows import refunds, returns, standing
from cod_plugin.money import display
from cod_plugin.permissions import HANDLE_REFUNDS
from cod_plugin.rules import refunds as refund_rules

from .base import ActionAdmin, ChannelFilter
from .number_inputs import input_step, input_value

Status = models.CodReturnRequest.Status
RefundStatus = models.CodRefund.Status
CLOSED = (Status.REJECTED, Status.REFUNDED)


# ---- the actions: a form each, and the flow it calls


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
        due = date_format(received.refund_due, "DATE_FORMAT")
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
        amount = _money(self.refund.amount.amount, self.currency)
        if self.made_before:
            return gettext("This refund of %(amount)s was already made; nothing more was done.") % {"amount": amount}
        return gettext("A refund of %(amount)s is created; mark it paid once the money is sent.") % {"amount": amount}

    def logged(self) -> str | None:
        if self.made_before:
            return None
        refund = self.refund
        last4 = refunds.account_last4(refund)
        method = refund.get_method_display() + (f" …{last4}" if last4 else "")
        return f"{_money(refund.amount.amount, self.currency)}, {method}"


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
        values = {"amount": _money(paid.amount.amount, str(paid.amount.currency)), "reference": paid.reference}
        return gettext("The refund of %(amount)s is paid, reference %(reference)s.") % values

    def logged(self) -> str:
        refund = self.cleaned_data["refund"]
        return f"{_money(refund.amount.amount, str(refund.amount.currency))}, {self.cleaned_data['reference']}"


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


# ---- the queue


def _money(amount: Decimal | None, currency: str) -> str:
    return "-" if amount is None else display(amount, currency)


def overdue(today) -> Q:
    """Flagged by the sweep, or past its due date and not refunded (the sweep may not have run yet)."""
    return Q(refund_overdue=True) | (Q(refund_due__lt=today) & ~Q(status=Status.REFUNDED))


def queue(queryset, today):
    """Returns with what the queue shows: the customer's email, the refunds paid, whether overdue."""
    profiles = models.CodCustomerProfile.objects.filter(customer_key=OuterRef("order__customer_key"))
    paid = models.CodRefund.objects.filter(return_request=OuterRef("pk"), status=RefundStatus.PAID)
    paid = paid.values("return_request").annotate(total=Sum("amount")).values("total")
    return queryset.select_related("order").annotate(
        customer_email=Subquery(profiles.values("email")[:1]),
        refunded=Subquery(paid),
        is_overdue=Case(When(overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue(timezone.localdate()))
        if self.value() == "no":
            return queryset.exclude(overdue(timezone.localdate()))
        return queryset


class OrderChannelFilter(ChannelFilter):
    field = "order__channel"


@admin.register(models.CodReturnRequest)
class CodReturnRequestAdmin(ActionAdmin):
    action_permission = HANDLE_REFUNDS
    actions_by_name = ACTIONS
    list_display = (
        "return_label",
        "order_number",
        "customer",
        "reason",
        "status",
        "requested_at",
        "refund_due_on",
        "overdue_badge",
        "refunded_so_far",
    )
    list_display_links = ("return_label",)
    list_filter = ("status", "reason", OverdueFilter, OrderChannelFilter)
    search_fields = ("=order__order_number", "order__phone")
    search_help_text = _("An order number, or a phone number or part of it.")
    show_full_result_count = False
    # open returns first; among them those with a refund due date (earliest first), then the oldest requests
    ordering = (
        Case(When(status__in=CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()).asc(),
        F("refund_due").asc(nulls_last=True),
        "created_at",
        "pk",
    )
    actions = None

    class Media:
        css = {"all": ("admin_ui/cod.css",)}

    def get_queryset(self, request):
        return queue(super().get_queryset(request), timezone.localdate())

    @admin.display(description=_("return"))
    def return_label(self, return_request):
        return gettext("Return %(number)s") % {"number": return_request.pk}

    @admin.display(description=_("order number"), ordering="order__order_number")
    def order_number(self, return_request):
        url = self.admin_url("cod_plugin_codorder_change", return_request.order_id)
        return format_html('<a href="{}">{}</a>', url, return_request.order.order_number)

    @admin.display(description=_("customer"))
    def customer(self, return_request):
        return return_request.customer_email or return_request.order.customer_key

    @admin.display(description=_("requested at"), ordering="created_at")
    def requested_at(self, return_request):
        return date_format(timezone.localtime(return_request.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("refund due"), ordering="refund_due")
    def refund_due_on(self, return_request):
        return date_format(return_request.refund_due, "SHORT_DATE_FORMAT") if return_request.refund_due else "-"

    @admin.display(description=_("overdue"), ordering="is_overdue")
    def overdue_badge(self, return_request):
        return format_html('<span class="cod-badge">{}</span>', gettext("Overdue")) if return_request.is_overdue else ""

    @admin.display(description=_("refunded so far"))
    def refunded_so_far(self, return_request):
        return _money(return_request.refunded, str(return_request.order.amount_to_collect.currency))

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_photo"
        view = self.admin_site.admin_view(self.photo_view)
        return [path("<path:object_id>/photos/<int:photo_pk>/", view, name=name), *super().get_urls()]

    # ---- the return page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return_request = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, return_request):
            raise PermissionDenied
        if return_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            **ReturnPage(return_request, may_act=request.user.has_perm(HANDLE_REFUNDS), url=self.admin_url).context(),
            "opts": self.opts,
            "title": gettext("Return %(number)s of order %(order)s")
            % {"number": return_request.pk, "order": return_request.order.order_number},
            "subtitle": None,
            "has_view_permission": True,
            "media": self.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/returns/change_form.html", context)

    def photo_view(self, request, object_id, photo_pk):
        """The customer's photo, served to whoever may see the return (uploads are not public)."""
        return_request = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, return_request):
            raise PermissionDenied
        photo = get_object_or_404(models.CodReturnPhoto, pk=photo_pk, return_request=return_request)
        return FileResponse(photo.image.open("rb"), filename=photo.image.name.rsplit("/", 1)[-1])

    # ---- an action

    def action_form(self, return_request, action: ReturnAction, data=None, **kwargs):
        return action.form_class(data, return_request=return_request, **kwargs)

    def run_action(self, request, return_request, action: ReturnAction, form) -> str:
        done = form.submit(actor=request.user.get_username())
        logged = form.logged()
        if logged is not None:
            self.log_change(request, return_request, f"{action.label}: {logged}" if logged else str(action.label))
        return done


# ---- what the return page shows


@dataclass(frozen=True)
class RefundRow:
    refund: models.CodRefund
    amount: str
    account_last4: str
    pay_form: MarkPaidForm | None


class ReturnPage:
    """The return page's content: the return with its order, goods, photos, refunds, amounts and next step."""

    def __init__(self, return_request: models.CodReturnRequest, *, may_act: bool, url: Callable[..., str]):
        self.return_request = return_request
        self.order = return_request.order
        self.currency = str(self.order.amount_to_collect.currency)
        self.may_act = may_act
        self.url = url

    def context(self) -> dict[str, Any]:
        return_request, order = self.return_request, self.order
        profile = models.CodCustomerProfile.objects.filter(customer_key=order.customer_key).first()
        made = list(order.refunds.order_by("created_at", "pk"))
        return {
            "return_request": return_request,
            "original": return_request,
            "order": order,
            "order_url": self.url("cod_plugin_codorder_change", order.pk),
            "profile": profile,
            "profile_url": profile and self.url("cod_plugin_codcustomerprofile_change", profile.pk),
            "lines": [(line, _money(line.unit_price, self.currency)) for line in return_request.lines.order_by("pk")],
            "photos": [
                self.url("cod_plugin_codreturnrequest_photo", return_request.pk, photo.pk)
                for photo in return_request.photos.order_by("pk")
            ],
            "is_overdue": return_request.is_overdue,
            "refunds": [self._refund_row(refund) for refund in made],
            "amounts": self._amounts(made),
            "suggestion": self._suggestion() if return_request.status in (Status.RECEIVED, Status.REFUNDED) else None,
            "may_act": self.may_act,
            "actions": self._actions() if self.may_act else [],
            "mark_paid_url": self.url("cod_plugin_codreturnrequest_action", return_request.pk, "mark_paid"),
        }

    def _refund_row(self, refund: models.CodRefund) -> RefundRow:
        pay_form = None
        if self.may_act and refund.status == RefundStatus.PENDING:
            prefix = f"id_mark_paid_{refund.pk}_%s"
            pay_form = MarkPaidForm(return_request=self.return_request, initial={"refund": refund.pk}, auto_id=prefix)
        amount = _money(refund.amount.amount, str(refund.amount.currency))
        return RefundRow(refund, amount, refunds.account_last4(refund), pay_form)

    def _amounts(self, made: list[models.CodRefund]) -> list[tuple[Promise, str]]:
        collected = models.CodPaymentRecord.objects.filter(order=self.order).values_list("amount", flat=True).first()
        paid = sum((r.amount.amount for r in made if r.status == RefundStatus.PAID), Decimal(0))
        pending = sum((r.amount.amount for r in made if r.status == RefundStatus.PENDING), Decimal(0))
        return [
            (_("Collected"), _money(collected, self.currency)),
            (_("Refunded"), _money(paid, self.currency)),
            (_("Refunds not yet paid"), _money(pending, self.currency)),
            (_("Left to refund"), _money(refunds.left_to_refund(self.order), self.currency)),
        ]

    @cached_property
    def suggested(self) -> refunds.Suggestion:
        return refunds.suggest(self.return_request.pk)

    def _suggestion(self) -> dict[str, Any]:
        suggestion = self.suggested
        lines = [
            refund_rules.ReceivedLine(line.unit_price, line.received_quantity or 0)
            for line in self.return_request.lines.all()
        ]
        goods = refund_rules.returned_value(lines, self.currency)
        fee = self.order.fee.amount if suggestion.includes_fee else Decimal(0)
        return {
            "amount": _money(suggestion.amount, self.currency),
            "goods": _money(goods, self.currency),
            "fee": _money(self.order.fee.amount, self.currency),
            "already": _money(suggestion.already, self.currency) if suggestion.already else None,
            "includes_fee": suggestion.includes_fee,
            "why": self._fee_why(suggestion.includes_fee),
            "capped": suggestion.amount < goods + fee - suggestion.already,
        }

    def _fee_why(self, includes_fee: bool) -> str:
        setting = standing.policy_for(self.order).refund_fee
        values = {"reason": self.return_request.get_reason_display()}
        if setting == refund_rules.FeeRefund.NEVER:
            return gettext("The channel never refunds the COD fee.")
        if not refund_rules.refunds_fee(setting, self.return_request.reason):
            return (
                gettext("The channel refunds the COD fee for a product problem only; “%(reason)s” is not one.") % values
            )
        if not includes_fee:
            return gettext("The COD fee went back with another refund of this order; it goes back once at most.")
        if setting == refund_rules.FeeRefund.ALWAYS:
            return gettext("The channel refunds the COD fee whatever the reason.")
        return gettext("“%(reason)s” is a product problem: the channel refunds the COD fee.") % values

    def _actions(self) -> list[dict[str, Any]]:
        status = self.return_request.status
        name = "cod_plugin_codreturnrequest_action"
        return [
            {
                "action": action,
                "form": action.form_class(
                    return_request=self.return_request, initial=self._initial(action), auto_id=f"id_{action.name}_%s"
                ),
                "url": self.url(name, self.return_request.pk, action.name),
            }
            for action in ACTIONS.values()
            if status in action.shown_at
        ]

    def _initial(self, action: ReturnAction) -> dict[str, Any]:
        if action.form_class is not RefundForm or not self.suggested.amount:
            return {}
        return {"amount": input_value(self.suggested.amount, self.currency)}
