"""COD orders: the list with its filters and flags, and the order page whose actions go through the same flows as
the API (``delivery.update_status``, ``delivery.reschedule``, ``payment.record_by_staff``)."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_list import ResultList, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cod_plugin import limits, models
from cod_plugin.error_codes import CodError
from cod_plugin.flows import delivery, orders, payment, shipping
from cod_plugin.host import get_adapter
from cod_plugin.money import display
from cod_plugin.permissions import may
from cod_plugin.rules import lifecycle
from cod_plugin.rules.lifecycle import RefusalReason
from cod_plugin.rules.statuses import CodStatus

from .base import ChannelFilter, ReadOnlyAdmin
from .number_inputs import input_step, input_value
from .order_courier import AssignCourierForm, couriers_for
from .settings import COLLECTION_METHODS

FLAGS = {
    "confirmation_overdue": _("Confirmation overdue"),
    "claim_unverified": _("Disputed claim"),
    "amount_discrepancy": _("Amount discrepancy"),
    "refund_overdue": _("Refund overdue"),
}
REFUSAL_REASONS = [
    (RefusalReason.DAMAGED, _("Damaged")),
    (RefusalReason.WRONG_ITEM, _("Wrong item")),
    (RefusalReason.MISSING_ITEM, _("Missing item")),
    (RefusalReason.DELIVERY_DELAY, _("Delivery delay")),
    (RefusalReason.CHANGED_MIND, _("Changed mind")),
    (RefusalReason.NOT_AT_HOME, _("Not at home")),
    (RefusalReason.FAKE_ORDER, _("Fake order")),
    (RefusalReason.NO_REASON, _("No reason")),
]
DELIVERY_STATUSES = [(status, CodStatus(status).label) for status in delivery.EVENTS]
WINDOW_FORMAT = "%Y-%m-%dT%H:%M"
SELECT_FOR_ACTION = "Select this object for an action - {}"  # the row checkbox's label, in Django's own words


# --- the list ------------------------------------------------------------------------------------------------


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return list(FLAGS.items())

    def queryset(self, request, queryset):
        return queryset.filter(**{self.value(): True}) if self.value() in FLAGS else queryset


class RegionFilter(admin.SimpleListFilter):
    """A covered country, or one of its areas: ``US`` or ``US/NY``."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        pairs = models.CodRegion.objects.order_by("country", "area").values_list("country", "area").distinct()
        choices = {}
        for country, area in pairs:
            choices.setdefault(country, country)
            if area:
                choices[f"{country}/{area}"] = f"{country} / {area}"
        return list(choices.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        country, _slash, area = self.value().partition("/")
        queryset = queryset.filter(country=country)
        return queryset.filter(area=area) if area else queryset


@admin.register(models.CodOrder)
class CodOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "order_number",
        "channel",
        "status",
        "phone",
        "region",
        "courier",
        "to_collect",
        "flags",
        "created_at",
    )
    list_filter = ("status", ChannelFilter, RegionFilter, "courier", FlaggedFilter)
    list_select_related = ("courier",)
    search_fields = ("order_number", "phone")
    search_help_text = _("An order number, or the last digits of a phone number.")
    show_full_result_count = False
    ordering = ("-pk",)
    actions = ("export_orders_csv", "hand_orders_to_courier")  # admin_ui/bulk.py
    change_list_template = "admin_ui/orders/change_list.html"

    class Media:
        css = {"all": ("admin_ui/cod.css",)}

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        OrderRows(changelist).attach()
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The API's search (``flows.orders``): the exact order number, or the end of the phone number."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = orders.filtered(orders.OrderFilter(search=term)).values("pk")
        return queryset.filter(pk__in=found), False

    @admin.display(description=_("region"))
    def region(self, order):
        return f"{order.country} / {order.area}" if order.area else order.country

    @admin.display(description=_("amount to collect"), ordering="amount_to_collect")
    def to_collect(self, order):
        return display(order.amount_to_collect.amount, str(order.amount_to_collect.currency))

    @admin.display(description=_("flags"))
    def flags(self, order):
        raised = [(label,) for name, label in FLAGS.items() if getattr(order, name)]
        return format_html_join(" ", '<span class="cod-badge">{}</span>', raised)

    # --- the order page and its actions ----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/status/", wrap(self.status_view), name="cod_plugin_codorder_status"),
            path("<int:pk>/reschedule/", wrap(self.reschedule_view), name="cod_plugin_codorder_reschedule"),
            path("<int:pk>/payment/", wrap(self.payment_view), name="cod_plugin_codorder_payment"),
            path("<int:pk>/courier/", wrap(self.courier_view), name="cod_plugin_codorder_courier"),
            path("<int:pk>/voucher/", wrap(self.voucher_view), name="cod_plugin_codorder_voucher"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = orders.detail(int(object_id)) if str(object_id).isdigit() else None
        if order is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **OrderPage(order, may=lambda operation: may(request.user, operation)).context(),
            "opts": self.opts,
            "title": gettext("COD order %(number)s") % {"number": order.order_number},
            "subtitle": None,
            "has_view_permission": True,
            "media": self.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin_ui/orders/detail.html", context)

    def voucher_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(models.CodPaymentClaim, order_id=pk)
        if not claim.image:
            raise Http404
        return FileResponse(claim.image.open("rb"), filename=claim.image.name.rsplit("/", 1)[-1])

    def status_view(self, request, pk):
        return _action(request, pk, StatusForm)

    def reschedule_view(self, request, pk):
        return _action(request, pk, WindowForm)

    def payment_view(self, request, pk):
        return _action(request, pk, PaymentForm)

    def courier_view(self, request, pk):
        return _action(request, pk, AssignCourierForm)


class OrderRows:
    """The list's rows as HTML, one ``format_html`` per row, for Django's own results template.

    The admin builds a list cell by cell through its generic display code (a field lookup, a display function,
    a URL reversed and its filters preserved, per cell or row): two thirds of the page's time for 100 rows of
    nine columns (bench/README.md). The cells here show what ``CodOrderAdmin.list_display`` names, which still
    gives the headers and their sorting."""

    ROW = (
        '<td class="action-checkbox"><input type="checkbox" name="_selected_action" value="{}" class="action-select" '
        'aria-label="{}"></td><th class="field-order_number"><a href="{}">{}</a></th><td class="field-channel">{}</td>'
        '<td class="field-status">{}</td><td class="field-phone">{}</td><td class="field-region">{}</td>'
        '<td class="field-courier">{}</td><td class="field-to_collect">{}</td><td class="field-flags">{}</td>'
        '<td class="field-created_at nowrap">{}</td>'
    )
    PK = "__pk__"

    def __init__(self, changelist):
        self.changelist = changelist
        self.model_admin = changelist.model_admin
        self.statuses = dict(CodStatus.choices)
        self.empty = changelist.model_admin.get_empty_value_display()
        self.select = gettext(SELECT_FOR_ACTION)

    def attach(self) -> None:
        """Give the changelist what the results template reads: headers, rows, how many columns are sorted."""
        changelist = self.changelist
        changelist.cod_headers = list(result_headers(changelist))
        changelist.cod_sorted_fields = sum(1 for h in changelist.cod_headers if h["sortable"] and h["sorted"])
        link = self.link()
        changelist.cod_results = [ResultList(None, [self.row(order, link)]) for order in changelist.result_list]

    def link(self) -> str:
        """The order page's URL with the list's filters preserved, reversed once with a placeholder for the pk."""
        url = reverse("admin:cod_plugin_codorder_change", args=[self.PK])
        context = {"preserved_filters": self.changelist.preserved_filters, "opts": self.changelist.opts}
        return add_preserved_filters(context, url)

    def row(self, order, link: str):
        admin_ = self.model_admin
        return format_html(
            self.ROW,
            order.pk,
            self.select.format(order.order_number),
            link.replace(self.PK, str(order.pk), 1),
            order.order_number,
            order.channel,
            self.statuses.get(order.status, order.status),
            order.phone or self.empty,
            admin_.region(order),
            order.courier.name if order.courier_id else self.empty,
            admin_.to_collect(order),
            admin_.flags(order),
            date_format(timezone.localtime(order.created_at), "DATETIME_FORMAT"),
        )


@require_POST
def _action(request, pk: int, form_class):
    """A POST from the order page: check the permission, read the form, call its flow, report in a message."""
    if not all(may(request.user, operation) for operation in _operations(form_class, request.POST)):
        raise PermissionDenied
    currency = models.CodOrder.objects.filter(pk=pk).values_list("amount_to_collect_currency", flat=True).first()
    if currency is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            order = form.submit(pk, actor=request.user.get_username(), currency=currency)
        except CodError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, form.done(order))
    return HttpResponseRedirect(reverse("admin:cod_plugin_codorder_change", args=[pk]))


def _operations(form_class, data) -> list[str]:
    """The role table's entries a POST of ``form_class`` needs: a delivery with the cash collected is finance's too."""
    if form_class is StatusForm and data.get("collected_amount", "").strip():
        return [ORDER_ACTIONS[StatusForm], COLLECTING]
    return [ORDER_ACTIONS[form_class]]


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{capfirst(form.fields[name].label)}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )


# --- the action forms ----------------------------------------------------------------------------------------


class WindowField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WINDOW_FORMAT)

    def __init__(self, **kwargs):
        super().__init__(input_formats=[WINDOW_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)


class WindowForm(forms.Form):
    window_start = WindowField(label=_("appointment from"))
    window_end = WindowField(label=_("appointment until"))

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        window = delivery.Window(start=self.cleaned_data["window_start"], end=self.cleaned_data["window_end"])
        return delivery.reschedule(pk, window, actor=actor)

    def done(self, order) -> str:
        return gettext("Appointment set.")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=DELIVERY_STATUSES)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=limits.TRACKING_NUMBER, required=False)
    window_start = WindowField(label=_("appointment from"), required=False)
    window_end = WindowField(label=_("appointment until"), required=False)
    reason = forms.ChoiceField(label=_("refusal reason"), choices=[("", "—"), *REFUSAL_REASONS], required=False)
    note = forms.CharField(label=_("note"), max_length=limits.NOTE, required=False)
    collected_amount = forms.DecimalField(label=_("collected amount"), max_digits=15, decimal_places=3, required=False)
    collection_method = forms.ChoiceField(label=_("collection method"), choices=COLLECTION_METHODS, required=False)
    receipt = forms.CharField(label=_("courier receipt"), max_length=limits.RECEIPT, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("window_start")) != bool(cleaned.get("window_end")):
            self.add_error("window_end", _("Give both ends of the window, or neither."))
        return cleaned

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        return delivery.update_status(pk, self.update(currency), actor=actor)

    def update(self, currency: str) -> delivery.StatusUpdate:
        data = self.cleaned_data
        window = data["window_start"] and delivery.Window(start=data["window_start"], end=data["window_end"])
        amount: Decimal | None = data["collected_amount"]
        collected = amount is not None and delivery.Collected(
            amount=amount, currency=currency, method=data["collection_method"] or "cash", receipt=data["receipt"]
        )
        return delivery.StatusUpdate(
            status=data["status"],
            tracking_number=data["tracking_number"].strip(),
            window=window or None,
            reason=data["reason"],
            note=data["note"],
            collected=collected or None,
        )

    def done(self, order) -> str:
        return gettext("The order is now %(status)s.") % {"status": order.get_status_display()}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("collected amount"), max_digits=15, decimal_places=3)
    method = forms.ChoiceField(label=_("collection method"), choices=COLLECTION_METHODS)
    receipt = forms.CharField(label=_("courier receipt"), max_length=limits.RECEIPT)

    def submit(self, pk: int, *, actor: str, currency: str) -> models.CodOrder:
        data = self.cleaned_data
        return payment.record_by_staff(
            pk, amount=data["amount"], currency=currency, method=data["method"], receipt=data["receipt"], actor=actor
        )

    def done(self, order) -> str:
        return gettext("Payment record saved; the order is %(status)s.") % {"status": order.get_status_display()}


# --- what the order page shows -------------------------------------------------------------------------------


class OrderPage:
    """The order page's content, from an order read with ``flows.orders.detail``."""

    def __init__(self, order: models.CodOrder, *, may):
        """``may(operation)``: whether the user may use an entry of the role table."""
        self.order = order
        self.may = may
        self.currency = str(order.amount_to_collect.currency)
        self.methods = dict(COLLECTION_METHODS)

    def context(self) -> dict:
        order = self.order
        store_order = get_adapter().get_order(order.order_ref)  # None when the store no longer has it
        return {
            "order": order,
            "original": order,
            "amounts": self.amounts(),
            "store_order": store_order,
            "items": self.items(store_order),
            "flags": [label for name, label in FLAGS.items() if getattr(order, name)],
            "reschedules_left": self.reschedules_left(),
            "claim": getattr(order, "claim", None),
            "payment": getattr(order, "payment", None),
            "refusal_reason": dict(REFUSAL_REASONS).get(order.refusal_reason, order.refusal_reason),
            "returns": list(order.returns.all()),
            "refunds": list(order.refunds.all()),
            "events": self.timeline(),
            "claim_method": self.methods.get(getattr(getattr(order, "claim", None), "method", ""), ""),
            "payment_method": self.methods.get(getattr(getattr(order, "payment", None), "method", ""), ""),
            **self.actions(),
            "amount_inputs": self.amount_inputs(),
            "refusal_reasons": REFUSAL_REASONS,
            "collection_methods": COLLECTION_METHODS,
        }

    def actions(self) -> dict:
        """Only the actions the user may take, and only those the order can take now."""
        order, may = self.order, self.may
        actions = {
            "status_actions": self.status_actions() if may(ORDER_ACTIONS[StatusForm]) else [],
            "can_collect": may(COLLECTING),
            "can_reschedule": may(ORDER_ACTIONS[WindowForm]) and order.status in delivery.APPOINTABLE,
            "can_record_payment": may(ORDER_ACTIONS[PaymentForm]) and order.status == CodStatus.DELIVERED,
            "couriers": couriers_for(order) if may(ORDER_ACTIONS[AssignCourierForm]) and self.assignable() else [],
        }
        return {**actions, "may_act": any(may(operation) for operation in ORDER_ACTIONS.values())}

    def assignable(self) -> bool:
        return self.order.status in shipping.ASSIGNABLE and not self.order.tracking_number

    def money(self, amount) -> str:
        return display(amount, self.currency)

    def amounts(self) -> list[tuple[str, str]]:
        order = self.order
        collected = getattr(order, "payment", None)
        refunded = sum((r.amount.amount for r in order.refunds.all() if r.status == "paid"), Decimal(0))
        return [
            (gettext("Order amount"), self.money(order.order_amount.amount)),
            (gettext("COD fee"), self.money(order.fee.amount)),
            (gettext("Amount to collect"), self.money(order.amount_to_collect.amount)),
            (gettext("Collected"), self.money(collected.amount.amount) if collected else "—"),
            (gettext("Refunded"), self.money(refunded)),
        ]

    def items(self, store_order) -> list[tuple[str, str, int, str]]:
        lines = store_order.lines if store_order else ()
        return [(line.sku, line.name, line.quantity, self.money(line.unit_price)) for line in lines]

    def timeline(self) -> list[tuple]:
        """Each event with its statuses' names: (when, what, from, to, who, why)."""
        statuses = dict(CodStatus.choices)
        return [
            (e.created_at, e.kind, statuses.get(e.from_status, ""), statuses.get(e.to_status, ""), e.actor, e.reason)
            for e in self.order.events.all()
        ]

    def reschedules_left(self) -> int:
        allowed = orders.max_reschedules({self.order.channel})[self.order.channel]
        return max(allowed - self.order.reschedules, 0)

    def amount_inputs(self) -> dict[str, str]:
        """The number inputs' pre-filled amounts and step, in a form the browser parses in any language."""
        order, currency = self.order, self.currency
        paid = getattr(order, "payment", None)
        return {
            "collected": input_value(order.amount_to_collect.amount, currency),
            "payment": input_value((paid.amount if paid else order.amount_to_collect).amount, currency),
            "step": input_step(currency),
        }

    def status_actions(self) -> list[tuple[str, str]]:
        """The delivery statuses the order can take now, as the state machine says."""
        status = self.order.status
        return [
            (value, label) for value, label in DELIVERY_STATUSES if lifecycle.target(delivery.EVENTS[value], status)
        ]


# Each action form of the order page, by its entry in the role table.
ORDER_ACTIONS = {
    StatusForm: "orders: delivery status",
    WindowForm: "orders: appointment",
    PaymentForm: "orders: payment record",
    AssignCourierForm: "orders: assign a courier",
}
COLLECTING = "orders: delivered with the collected amount"
