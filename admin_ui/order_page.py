"""What the COD order page shows, as a merchant reads it: the money in one box, the customer by name, the delivery
with its courier, and the timeline as a story of who did what and when, in words rather than codes."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from cod_plugin import formatting, labels, models
from cod_plugin.flows import delivery, order_deposits, orders, shipping
from cod_plugin.host import channel_names, get_adapter
from cod_plugin.rules import lifecycle
from cod_plugin.rules.refunds import remaining
from cod_plugin.rules.statuses import CodStatus

from .number_inputs import input_step, input_value
from .order_actions import (
    COLLECTING,
    DELIVERY_STATUSES,
    ORDER_ACTIONS,
    REFUSAL_REASONS,
    PaymentForm,
    StatusForm,
    WindowForm,
)
from .order_courier import AssignCourierForm, couriers_for
from .order_deposit import deposit_panel
from .order_filters import raised_flags
from .order_money import MONEY_STATUS, MoneyPanel
from .settings import COLLECTION_METHODS

CUSTOMER_PREFIXES = ("customer:", "guest:")


@dataclass(frozen=True)
class TimelineEntry:
    when: object
    what: str
    change: str
    who: str
    note: str


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
        claim, paid = getattr(order, "claim", None), getattr(order, "payment", None)
        return {
            "order": order,
            "original": order,
            "status_label": labels.status(order.status),
            "channel_name": channel_names([order.channel])[order.channel],
            "amounts": self.amounts(),
            "store_order": store_order,
            "customer": self.customer(store_order),
            "tier_label": labels.tier(order.tier),
            "terms_language": labels.language(order.terms_language),
            "region_label": labels.region(order.country, order.area),
            "appointment": window_text(order.appointment_start, order.appointment_end),
            "items": self.items(store_order),
            "flags": raised_flags(order),
            "reschedules_left": self.reschedules_left(),
            "claim": claim,
            "payment": paid,
            "payment_source": self.payment_source(paid),
            "refusal_reason": labels.reason(order.refusal_reason),
            "returns": list(order.returns.all()),
            "refunds": [(refund, formatting.money_of(refund.amount)) for refund in order.refunds.all()],
            "events": self.timeline(),
            "money": MoneyPanel(order) if self.may(MONEY_STATUS) else None,
            "deposit": deposit_panel(order),
            "claim_method": self.methods.get(getattr(claim, "method", ""), ""),
            "payment_method": self.methods.get(getattr(paid, "method", ""), ""),
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
        return formatting.money(amount, self.currency)

    def amounts(self) -> list[tuple[str, str]]:
        """The money in one box: what the courier collects (the fee included), what was collected by the courier's
        payment record, what refunds gave back and what may still be refunded (the deposit paid online included)."""
        order = self.order
        collected = getattr(order, "payment", None)
        made = list(order.refunds.all())
        refunded = sum((r.amount.amount for r in made if r.status == models.CodRefund.Status.PAID), Decimal(0))
        paid = collected and collected.amount.amount + order_deposits.paid_of(getattr(order, "deposit", None))
        refundable = collected and remaining(paid, [r.amount.amount for r in made], self.currency)
        return [
            (gettext("Order amount"), self.money(order.order_amount.amount)),
            (gettext("COD fee"), self.money(order.fee.amount)),
            (gettext("To collect, fee included"), self.money(order.amount_to_collect.amount)),
            (gettext("Collected (courier’s payment record)"), self.money(collected and collected.amount.amount)),
            (gettext("Refunded"), self.money(refunded)),
            (gettext("Refundable"), self.money(refundable if collected else None)),
        ]

    def customer(self, store_order) -> dict:
        """The customer as a person: the name on the address and the email, from the store or the COD profile."""
        name, email = "", ""
        if store_order is not None:
            email = store_order.customer.email
            address = store_order.shipping_address
            name = address and " ".join(p for p in (address.first_name, address.last_name) if p)
        key = self.order.customer_key
        if not email and key.startswith("guest:"):
            email = key.removeprefix("guest:")
        if not email:
            email = models.CodCustomerProfile.objects.filter(customer_key=key).values_list("email", flat=True).first()
        return {"name": name or "", "email": email or ""}

    def payment_source(self, paid) -> str:
        if paid is None:
            return ""
        if paid.source == "staff":
            return gettext("entered by staff")
        return gettext("reported by the courier")

    def items(self, store_order) -> list[tuple[str, str, int, str]]:
        lines = store_order.lines if store_order else ()
        return [(line.sku, line.name, line.quantity, self.money(line.unit_price)) for line in lines]

    def timeline(self) -> list[TimelineEntry]:
        """Oldest first: when, what happened, the status it moved between, who did it, and why."""
        events = list(self.order.events.all())
        who = Actors(self.order).names({event.actor for event in events})
        return [
            TimelineEntry(
                when=event.created_at,
                what=labels.event(event.kind),
                change=_change(event.from_status, event.to_status),
                who=who.get(event.actor, event.actor),
                note=labels.reason(event.reason) if event.reason else "",
            )
            for event in events
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
        """The delivery statuses the order can take now, as the state machine says, each with its button's verb."""
        status = self.order.status
        return [
            (value, labels.action(value))
            for value, _label in DELIVERY_STATUSES
            if lifecycle.target(delivery.EVENTS[value], status)
        ]


def window_text(start, end) -> str:
    """An appointment: "Dec 3, 2026, 2:00 PM – 6:00 PM", with the end's date too when it runs past midnight."""
    if start is None or end is None:
        return formatting.datetime(start)
    same_day = formatting.date(start) == formatting.date(end)
    return f"{formatting.datetime(start)} – {formatting.time(end) if same_day else formatting.datetime(end)}"


def _change(before: str, after: str) -> str:
    if before and after:
        # translators: a status move; an arrow that points the way the language reads
        return gettext("%(before)s → %(after)s") % {"before": labels.status(before), "after": labels.status(after)}
    return labels.status(after) if after else ""


class Actors:
    """Who an event's actor is, for a person: "System", "Customer", "Courier FastShip", or the staff's name."""

    def __init__(self, order: models.CodOrder):
        self.order = order

    def names(self, actors: set[str]) -> dict[str, str]:
        named = {actor: self.fixed(actor) for actor in actors}
        named.update(self.couriers({a.removeprefix("courier:") for a in actors if a.startswith("courier:")}))
        named.update(self.users({actor for actor, name in named.items() if name is None}))
        return {actor: name for actor, name in named.items() if name}

    def fixed(self, actor: str) -> str | None:
        if actor == "system":
            return gettext("System")
        if actor == self.order.customer_key or actor.startswith(CUSTOMER_PREFIXES):
            return gettext("Customer")
        return None

    def couriers(self, codes: set[str]) -> dict[str, str]:
        if not codes:
            return {}
        found = models.Courier.objects.filter(code__in=codes).values_list("code", "name")
        return {f"courier:{code}": gettext("Courier %(name)s") % {"name": name} for code, name in found}

    def users(self, usernames: set[str]) -> dict[str, str]:
        """Staff by their name (or sign-in name); a courier's API account as its courier; a shopper as Customer."""
        if not usernames:
            return {}
        model = get_user_model()
        found = model.objects.filter(**{f"{model.USERNAME_FIELD}__in": usernames}).select_related("cod_courier")
        return {user.get_username(): _person(user) for user in found}


def _person(user) -> str:
    courier = getattr(user, "cod_courier", None)
    if courier is not None:
        return gettext("Courier %(name)s") % {"name": courier.name}
    if not user.is_staff:
        return gettext("Customer")
    return user.get_full_name().strip() or user.get_username()
