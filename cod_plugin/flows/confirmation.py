"""Confirming a new COD order: the customer's message and signed link, the agent's calls, the review deadline."""

from dataclasses import asdict
from datetime import datetime, timedelta
from enum import StrEnum

import holidays
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ..conf import app_settings
from ..error_codes import CodError, CodErrorCode
from ..host import AddressSnapshot, OrderChanges, OrderSnapshot, get_adapter
from ..models import CodOrder, CodOrderLine, CodPolicy
from ..money import display, round_money
from ..rules import fees, identity
from ..rules.business_days import same_time_business_days_after
from ..rules.lifecycle import ConfirmationOutcome, Event
from ..rules.policy import FeeSchedule, PolicySnapshot
from ..rules.regions import find_region
from ..rules.risk import Action
from ..rules.statuses import CodStatus
from . import eligibility, lifecycle, notifications, policies, screening, shipping, standing, store
from .calendars import Calendars

SALT = "cod_plugin.confirmation.link"
NO_ANSWER = "no_answer"
# The store's refusals that the caller can act on; any other is STORE_REFUSED. (checkout.py imports this module,
# so its own table cannot be imported here.)


class Decision(StrEnum):
    """What the customer chose on the confirmation link."""

    CONFIRM = "confirm"
    CANCEL = "cancel"


# The event each choice applies and the status it leaves the order in.
DECISIONS = {
    Decision.CONFIRM: (Event.CONFIRM, CodStatus.CONFIRMED),
    Decision.CANCEL: (Event.CANCEL, CodStatus.CANCELLED),
}


# ---- the customer's message and link


def order_placed(order: CodOrder) -> None:
    """In the placing transaction: the summary with the amount to collect and the link goes out once it commits."""
    notifications.queue(order, "confirmation_request", lambda: _summary(order))


def _summary(order: CodOrder) -> str:
    """The text, in the active language: ``notifications.queue`` makes it the customer's."""
    currency = str(order.amount_to_collect.currency)
    return _(
        "Order %(number)s: %(amount)s to pay at the door, COD fee of %(fee)s included. Confirm or cancel: %(link)s"
    ) % {
        "number": order.order_number,
        "amount": display(order.amount_to_collect.amount, currency),
        "fee": display(order.fee.amount, currency),
        "link": link(order),
    }


def link(order: CodOrder) -> str:
    token = signing.dumps(order.pk, salt=SALT)
    base_url = app_settings.PUBLIC_BASE_URL
    return base_url + reverse("cod_plugin:confirm", args=[token])


def order_for_link(token: str) -> CodOrder:
    order = CodOrder.objects.filter(pk=_read(token)).first()
    if order is None:
        raise _invalid_link()
    return order


def confirm_by_link(token: str, decision: Decision) -> CodOrder:
    """The customer's choice; a second click on the same choice changes nothing."""
    order_pk = _read(token)
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        event, target = DECISIONS[decision]
        if order.status == target:
            return order
        _require_pending(order, event)
        if event == Event.CONFIRM:
            _require_link_may_confirm(order)
            lifecycle.move(order, event, actor=order.customer_key, reason="customer_confirmed", data={"via": "link"})
            shipping.hand_over(order, actor="system")
        else:
            _cancel(order, actor=order.customer_key, reason="customer_cancelled", data={"via": "link"})
    return order


def link_may_confirm(order: CodOrder) -> bool:
    """An order the screening sent to an agent is confirmed by the agent's call, not by the link alone. A paid
    deposit shows intent: the link confirms an order that paid one; a DEPOSIT action without a deposit (a placed
    order screened again) needs the call."""
    action = order.risk_action
    return action in ("", Action.ACCEPT) or (action == Action.DEPOSIT and order.deposit_amount.amount > 0)


def _require_link_may_confirm(order: CodOrder) -> None:
    if not link_may_confirm(order):
        message = _("The shop will call you to confirm this order.")
        raise CodError(CodErrorCode.AGENT_CALL_REQUIRED, message, field="decision")


def link_opened(order: CodOrder) -> None:
    """The confirmation page was viewed: noted once (the screening reads it: a link never opened is a signal)."""
    now = timezone.now()
    with transaction.atomic():
        if CodOrder.objects.filter(pk=order.pk, link_opened_at__isnull=True).update(link_opened_at=now, updated_at=now):
            order.link_opened_at = now
            lifecycle.record(order, "link_opened", actor=order.customer_key)


def _read(token: str) -> int:
    hours = app_settings.CONFIRMATION_LINK_HOURS
    try:
        return int(signing.loads(token, salt=SALT, max_age=timedelta(hours=hours)))
    except signing.SignatureExpired as error:
        message = _("This confirmation link has expired. Please contact the shop to confirm or cancel your order.")
        raise CodError(CodErrorCode.LINK_EXPIRED, message, field="token") from error
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise _invalid_link() from error


def _invalid_link() -> CodError:
    return CodError(CodErrorCode.INVALID, _("This confirmation link is not valid."), field="token")


# ---- the agent's call


def confirm_by_agent(
    order_pk: int,
    outcome: ConfirmationOutcome,
    note: str = "",
    *,
    actor: str,
    changes: OrderChanges | None = None,
    seen_attempts: int | None = None,
) -> CodOrder:
    """Record the outcome of a confirmation call on a pending order. ``seen_attempts`` is the number of calls the
    agent saw before calling: a NO_ANSWER is refused when another call was recorded since, so that two agents who
    both called the same customer in vain count one attempt, not two."""
    if changes is not None and outcome != ConfirmationOutcome.MODIFIED:
        raise CodError(CodErrorCode.INVALID, _("Only a modified order takes changes."), field="modification")
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        _require_pending(order, Event.CANCEL if outcome == ConfirmationOutcome.CANCELLED else Event.CONFIRM)
        if outcome == ConfirmationOutcome.NO_ANSWER and seen_attempts not in (None, order.confirmation_attempts):
            message = _("Another call to this customer was recorded meanwhile.")
            raise CodError(CodErrorCode.INVALID_TRANSITION, message, field="outcome", status=order.status)
        OUTCOMES[outcome](order, note=note, actor=actor, changes=changes)
    return order


def _confirmed(order: CodOrder, *, note: str, actor: str, changes: OrderChanges | None) -> None:
    lifecycle.move(
        order, Event.CONFIRM, actor=actor, reason=ConfirmationOutcome.CONFIRMED, data=_noted(note), fields=_no_call()
    )
    shipping.hand_over(order, actor="system")


def _modified(order: CodOrder, *, note: str, actor: str, changes: OrderChanges | None) -> None:
    if changes is None or (changes.address is None and not changes.quantities and not changes.additions):
        message = _("Give the new address, the new quantities or the products to add.")
        raise CodError(CodErrorCode.REQUIRED, message, field="modification")
    _require_quantities(changes.quantities or {})
    _require_additions(changes.additions or {})
    before = _terms(order)
    host_order = _apply(order, changes)
    data = {"before": before, "after": _terms(order), "changes": _changes(changes), **_noted(note)}
    lifecycle.record(order, "modified", actor=actor, data=data)
    screening.screen(order, actor=actor, reason="modified", joined_at=host_order.customer.joined_at)
    lifecycle.move(order, Event.CONFIRM, actor=actor, reason=ConfirmationOutcome.MODIFIED, fields=_no_call())
    shipping.hand_over(order, actor="system")


def _no_answer(order: CodOrder, *, note: str, actor: str, changes: OrderChanges | None) -> None:
    policy = standing.policy_for(order)
    attempts = order.confirmation_attempts + 1
    data = {"attempts": attempts, **_noted(note)}
    if attempts >= policy.max_confirmation_attempts:
        _cancel(order, actor=actor, reason=NO_ANSWER, data=data, fields={"confirmation_attempts": attempts})
        return
    order.confirmation_attempts = attempts
    order.next_call_at = timezone.now() + timedelta(minutes=policy.confirmation_retry_minutes)
    order.save(update_fields=["confirmation_attempts", "next_call_at", "updated_at"])
    lifecycle.record(order, NO_ANSWER, actor=actor, data={**data, "next_call_at": order.next_call_at.isoformat()})
    screening.screen(order, actor=actor, reason=NO_ANSWER)


def _cancelled(order: CodOrder, *, note: str, actor: str, changes: OrderChanges | None) -> None:
    _cancel(order, actor=actor, reason="agent_cancelled", data=_noted(note))


OUTCOMES = {
    ConfirmationOutcome.CONFIRMED: _confirmed,
    ConfirmationOutcome.MODIFIED: _modified,
    ConfirmationOutcome.NO_ANSWER: _no_answer,
    ConfirmationOutcome.CANCELLED: _cancelled,
}


def _require_pending(order: CodOrder, event: Event) -> None:
    if order.status != CodStatus.PENDING_CONFIRMATION:
        raise lifecycle.invalid(order, event)


def _cancel(order: CodOrder, *, actor: str, reason: str, data: dict, fields: dict | None = None) -> None:
    """Cancel the COD order and the store's order with it (``store_sync``), which releases the stock."""
    lifecycle.move(order, Event.CANCEL, actor=actor, reason=reason, data=data, fields={**_no_call(), **(fields or {})})


def _no_call() -> dict:
    return {"next_call_at": None}


def _noted(note: str) -> dict:
    return {"note": note} if note else {}


# ---- a modification: the store changes the order, the plugin prices the fee again


def _apply(order: CodOrder, changes: OrderChanges) -> OrderSnapshot:
    """The store's change, the fee priced again and the order checked again as its checkout was (a new address
    outside the covered regions is refused before the store is asked; the cap and the limit after, rolling the
    store's change back with the transaction). A paid deposit stays paid: the door collects the rest."""
    adapter = get_adapter()
    currency = str(order.amount_to_collect.currency)
    policy = _policy(order, currency)
    if changes.address is not None:
        eligibility.require_covered(policy, changes.address)
    host_order = store.call(adapter.update_order, order.order_ref, changes)
    order_amount = host_order.subtotal + host_order.shipping_price
    fee = fees.compute_fee(order_amount, _schedule(policy, host_order.shipping_address), currency)
    eligibility.require_eligible_change(policy, host_order, amount=order_amount + fee)
    store.call(adapter.set_fee, order.order_ref, fee=fee, label=policy.fee_label)
    order.order_amount, order.fee = Money(order_amount, currency), Money(fee, currency)
    order.amount_to_collect = Money(order_amount + fee - order.deposit_amount.amount, currency)
    _copy_address(order, host_order)
    _copy_lines(order, host_order)
    return host_order


def _require_additions(additions: dict[str, int]) -> None:
    highest = app_settings.MAX_LINE_QUANTITY
    if any(quantity < 1 or quantity > highest for quantity in additions.values()):
        message = _("Products are added in quantities from 1 to %(highest)s.") % {"highest": highest}
        raise CodError(CodErrorCode.INVALID, message, field="modification")


def _require_quantities(quantities: dict[str, int]) -> None:
    highest = app_settings.MAX_LINE_QUANTITY
    if any(quantity < 0 or quantity > highest for quantity in quantities.values()):
        message = _("Quantities go from 0 (remove the line) to %(highest)s.") % {"highest": highest}
        raise CodError(CodErrorCode.INVALID, message, field="modification")


def _policy(order: CodOrder, currency: str) -> PolicySnapshot:
    policy = policies.get_policy(order.channel)
    if policy is None:  # the channel's policy was deleted since: price with the shipped defaults
        return policies.disabled_snapshot(order.channel, currency)
    return policies.to_snapshot(policy, language=order.terms_language)


def _schedule(policy: PolicySnapshot, address: AddressSnapshot | None) -> FeeSchedule:
    region = find_region(policy.regions, address) if address else None
    return fees.schedule_for_region(policy.fee, region)


def _copy_address(order: CodOrder, host_order: OrderSnapshot) -> None:
    address = host_order.shipping_address
    if address is not None:
        order.country, order.area, order.postal_code = address.country, address.area, address.postal_code
        order.phone = address.phone or order.phone
        order.address_key = identity.address_key(
            country=address.country,
            postal_code=address.postal_code,
            city=address.city,
            street_1=address.street_1,
            street_2=address.street_2,
        )
    order.phone_e164 = identity.normalize_phone(order.phone, order.country)


def _copy_lines(order: CodOrder, host_order: OrderSnapshot) -> None:
    """The order's lines as the store now has them (one delete, one insert) and the cart key with them."""
    order.cart_key = identity.cart_key(line.product_ref for line in host_order.lines)
    CodOrderLine.objects.filter(order=order).delete()
    CodOrderLine.objects.bulk_create(
        CodOrderLine(
            order=order,
            product_ref=line.product_ref,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for line in host_order.lines
    )


def _terms(order: CodOrder) -> dict:
    currency = str(order.amount_to_collect.currency)
    return {
        "order_amount": str(round_money(order.order_amount.amount, currency)),
        "fee": str(round_money(order.fee.amount, currency)),
        "amount_to_collect": str(round_money(order.amount_to_collect.amount, currency)),
        "country": order.country,
        "area": order.area,
        "postal_code": order.postal_code,
    }


def _changes(changes: OrderChanges) -> dict:
    return {
        "address": asdict(changes.address) if changes.address else None,
        "quantities": changes.quantities,
        **({"additions": changes.additions} if changes.additions else {}),
    }


# ---- the review deadline


def flag_overdue(*, now: datetime | None = None) -> int:
    """Periodic: flag pending orders not reviewed within their channel's business days; each is flagged once.

    Business days skip the holidays of the channel's holiday country, else of the delivery country."""
    now = now or timezone.now()
    default_days = CodPolicy._meta.get_field("review_business_days").default
    settings = CodPolicy.objects.values_list("channel", "review_business_days", "holiday_country")
    channels = {channel: (days, country) for channel, days, country in settings}
    calendar_of = Calendars()
    waiting = CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION, confirmation_overdue=False)
    flagged = 0
    for order in waiting.only("pk", "channel", "country", "created_at").order_by("pk"):
        days, holiday_country = channels.get(order.channel, (default_days, ""))
        due = review_due(order.created_at, days, calendar_of(holiday_country or order.country))
        if now > due:
            flagged += _flag(order.pk, due)
    return flagged


def review_due(placed: datetime, business_days: int, calendar: holidays.HolidayBase) -> datetime:
    """The same time of day, ``business_days`` working days after the order was placed."""
    return same_time_business_days_after(timezone.localtime(placed), business_days, calendar)


def _flag(order_pk: int, due: datetime) -> bool:
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if order.status != CodStatus.PENDING_CONFIRMATION or order.confirmation_overdue:
            return False  # reviewed or flagged by someone else since it was read
        order.confirmation_overdue = True
        order.save(update_fields=["confirmation_overdue", "updated_at"])
        lifecycle.record(order, "confirmation_overdue", actor="system", data={"due": due.isoformat()})
        return True
