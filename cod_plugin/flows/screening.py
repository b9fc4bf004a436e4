"""Screening: the facts the risk signals read, gathered from the database in a fixed number of queries (whatever the
size of the history), and each assessment stored with the order and kept in its timeline.

The history follows the person, not the account: earlier orders are matched by the phone in E.164 and by the
address key (``rules/identity.py``) across every account and guest. The client address is the request's
``REMOTE_ADDR`` only: a forwarded-for header is the client's to write, so trusting it would let anyone reset their
own velocity; a store behind a proxy sets ``REMOTE_ADDR`` from its proxy (a middleware) before the plugin reads it.
"""

import ipaddress
import statistics
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from ..host import CheckoutSnapshot, HostContext
from ..models import CodOrder, Notification
from ..rules import identity
from ..rules.lifecycle import NO_FAULT, RefusalReason
from ..rules.risk import Action, Assessment, History, RegionStats, RiskFacts, RiskSettings, SignalCode, assess, stricter
from ..rules.statuses import CodStatus
from . import lifecycle, policies

ASSESSED = "risk_assessed"
CONFIRMATION_REQUEST = "confirmation_request"  # the customer's message with the confirmation link
DAY = timedelta(hours=24)
MEDIAN_DAYS = 90  # the channel's typical order and the region's refusal rate read the last 90 days
CUSTOMER_ORDERS = 50  # the customer's usual order is the median of their latest completed orders, at most this many
STRIKE_REASONS = tuple(str(reason) for reason in RefusalReason if reason not in NO_FAULT)
OPEN = (
    CodStatus.AWAITING_DEPOSIT,
    CodStatus.PENDING_CONFIRMATION,
    CodStatus.CONFIRMED,
    CodStatus.SHIPPED,
    CodStatus.OUT_FOR_DELIVERY,
    CodStatus.DELIVERY_FAILED,
)
DELIVERED = (CodStatus.DELIVERED, CodStatus.COMPLETED, CodStatus.REFUNDED)
REFUSED = ~Q(refusal_reason="")


@dataclass(frozen=True)
class Subject:
    """What is screened, a checkout before placing or a placed order, in the terms the queries need."""

    channel: str
    currency: str
    customer_key: str
    country: str
    area: str
    postal_code: str
    phone: str
    phone_e164: str
    address_key: str
    client_ip: str | None
    cart_key: str
    amount: Decimal  # goods plus shipping, as the medians compare it
    quantities: tuple[int, ...]
    placed_at: datetime  # a checkout: now; the velocity and duplicate windows are around it
    order_pk: int | None = None  # a placed order is left out of its own history


def client_ip(context: HostContext | None) -> str | None:
    """``REMOTE_ADDR`` when it is an IP address; None outside a request (see the module's docstring)."""
    request = context.request if context is not None else None
    raw = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def checkout_subject(checkout: CheckoutSnapshot, *, amount: Decimal, context: HostContext | None) -> Subject:
    address = checkout.shipping_address
    country = address.country if address else ""
    phone = (address.phone if address else "") or checkout.customer.phone
    return Subject(
        channel=checkout.channel,
        currency=checkout.currency,
        customer_key=checkout.customer.profile_key,
        country=country,
        area=address.area if address else "",
        postal_code=address.postal_code if address else "",
        phone=phone,
        phone_e164=identity.normalize_phone(phone, country),
        address_key=_address_key(address),
        client_ip=client_ip(context),
        cart_key=identity.cart_key(line.product_ref for line in checkout.lines),
        amount=amount,
        quantities=tuple(line.quantity for line in checkout.lines),
        placed_at=timezone.now(),
    )


def _address_key(address) -> str:
    if address is None:
        return ""
    return identity.address_key(
        country=address.country,
        postal_code=address.postal_code,
        city=address.city,
        street_1=address.street_1,
        street_2=address.street_2,
    )


def order_subject(order: CodOrder) -> Subject:
    """A placed order, its identity keys and lines as stored (``order.lines`` prefetched or read here)."""
    return Subject(
        channel=order.channel,
        currency=str(order.order_amount.currency),
        customer_key=order.customer_key,
        country=order.country,
        area=order.area,
        postal_code=order.postal_code,
        phone=order.phone,
        phone_e164=order.phone_e164,
        address_key=order.address_key,
        client_ip=order.client_ip,
        cart_key=order.cart_key,
        amount=order.order_amount.amount,
        quantities=tuple(order.lines.values_list("quantity", flat=True)),
        placed_at=order.created_at,
        order_pk=order.pk,
    )


def assess_checkout(
    checkout: CheckoutSnapshot, settings: RiskSettings, *, amount: Decimal, context: HostContext | None
) -> Assessment:
    """The checkout as it would be placed now: this order counted in its own velocity."""
    subject = checkout_subject(checkout, amount=amount, context=context)
    return assess(facts_for(subject, settings, joined_at=checkout.customer.joined_at), settings)


def screen(order: CodOrder, *, actor: str, reason: str, joined_at: datetime | None = None) -> Assessment:
    """Assess a placed order again (its facts as they are now) and store it. The action never gets milder than the
    one the order already had: a change cannot talk an order out of an agent's call. ``joined_at`` is the account's
    opening when the caller read the store's order; without it, an account found new at placing stays new."""
    settings = settings_for(order.channel)
    if joined_at is None and any(signal["code"] == SignalCode.NEW_ACCOUNT for signal in order.risk_signals or []):
        joined_at = order.created_at  # opened the day the order was placed: a fact of the placing that stays
    facts = facts_for(
        order_subject(order),
        settings,
        joined_at=joined_at,
        attempts=order.confirmation_attempts,
        link_sent_at=link_sent_at(order),
        link_opened_at=order.link_opened_at,
    )
    assessment = assess(facts, settings)
    if order.risk_action:
        assessment = replace(assessment, action=stricter(assessment.action, Action(order.risk_action)))
    store(order, assessment, actor=actor, reason=reason)
    return assessment


def store(order: CodOrder, assessment: Assessment, *, actor: str, reason: str) -> None:
    """The assessment on the order (its latest) and in its timeline (every one)."""
    order.risk_score = assessment.score
    order.risk_band = str(assessment.band)
    order.risk_action = str(assessment.action)
    order.risk_signals = [signal.as_dict() for signal in assessment.signals]
    order.save(update_fields=["risk_score", "risk_band", "risk_action", "risk_signals", "updated_at"])
    data = {
        "score": assessment.score,
        "band": order.risk_band,
        "action": order.risk_action,
        "signals": order.risk_signals,
        "reason": reason,
    }
    lifecycle.record(order, ASSESSED, actor=actor, reason=reason, data=data)


def settings_for(channel: str) -> RiskSettings:
    policy = policies.get_policy(channel)
    return policies.risk_settings(policy) if policy is not None else RiskSettings()


def link_sent_at(order: CodOrder) -> datetime | None:
    """When the confirmation message (with its link) went out; None while it has not."""
    sent = Notification.objects.filter(order=order, kind=CONFIRMATION_REQUEST, sent_at__isnull=False)
    return sent.order_by("sent_at").values_list("sent_at", flat=True).first()


def facts_for(
    subject: Subject,
    settings: RiskSettings,
    *,
    joined_at: datetime | None,
    attempts: int = 0,
    link_sent_at: datetime | None = None,
    link_opened_at: datetime | None = None,
) -> RiskFacts:
    now = timezone.now()
    matches = _matches(subject, settings)
    usual, typical = _medians(subject, now)
    return RiskFacts(
        country=subject.country,
        currency=subject.currency,
        phone=subject.phone,
        phone_e164=subject.phone_e164,
        amount=subject.amount,
        quantities=subject.quantities,
        now=now,
        placed_at=subject.placed_at,
        account_joined_at=joined_at,
        phone_history=_history(matches, "phone"),
        address_history=_history(matches, "address"),
        duplicates=matches.get("duplicates") or 0,
        phone_orders_today=(matches.get("phone_today") or 0) + 1 if subject.phone_e164 else 0,
        address_orders_today=(matches.get("address_today") or 0) + 1 if subject.address_key else 0,
        client_orders_today=(matches.get("client_today") or 0) + 1 if subject.client_ip else 0,
        customer_median=usual,
        channel_median=typical,
        region=_region(subject, settings, now),
        confirmation_attempts=attempts,
        link_sent_at=link_sent_at,
        link_opened_at=link_opened_at,
    )


def _matches(subject: Subject, settings: RiskSettings) -> dict:
    """One query: the history, the duplicates and the velocity of every key the subject has."""
    keys = {
        "phone": Q(phone_e164=subject.phone_e164) if subject.phone_e164 else None,
        "address": Q(address_key=subject.address_key) if subject.address_key else None,
        "client": Q(client_ip=subject.client_ip) if subject.client_ip else None,
    }
    present = {name: key for name, key in keys.items() if key is not None}
    if not present:
        return {}
    anchor, window = subject.placed_at, timedelta(hours=settings.duplicate_window_hours)
    today = Q(created_at__gt=anchor - DAY, created_at__lte=anchor)
    bad = REFUSED | Q(status=CodStatus.CANCELLED)
    counts = {}
    for name in ("phone", "address"):
        if name in present:
            key = present[name]
            counts[f"{name}_refusals"] = Count("pk", filter=key & REFUSED)
            counts[f"{name}_strikes"] = Count("pk", filter=key & Q(refusal_reason__in=STRIKE_REASONS))
            counts[f"{name}_cancellations"] = Count("pk", filter=key & Q(status=CodStatus.CANCELLED))
            counts[f"{name}_accounts"] = Count("customer_key", distinct=True, filter=key & bad)
    for name, key in present.items():
        counts[f"{name}_today"] = Count("pk", filter=key & today)
    person = [present[name] for name in ("phone", "address") if name in present]
    if person and subject.cart_key:
        similar = Q(status__in=OPEN, cart_key=subject.cart_key)
        similar &= Q(created_at__gte=anchor - window, created_at__lte=anchor + window)
        counts["duplicates"] = Count("pk", filter=_any(person) & similar)
    found = CodOrder.objects.filter(_any(list(present.values())))
    if subject.order_pk is not None:
        found = found.exclude(pk=subject.order_pk)
    return found.aggregate(**counts)


def _any(conditions: list[Q]) -> Q:
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _history(matches: dict, name: str) -> History:
    return History(
        refusals=matches.get(f"{name}_refusals") or 0,
        strikes=matches.get(f"{name}_strikes") or 0,
        cancellations=matches.get(f"{name}_cancellations") or 0,
        accounts=matches.get(f"{name}_accounts") or 0,
    )


def _medians(subject: Subject, now: datetime) -> tuple[Decimal | None, Decimal | None]:
    """The customer's usual order (the median of their latest completed orders, at most ``CUSTOMER_ORDERS`` read)
    and the channel's typical COD order (the median of the last 90 days: its size counted, then only the one or two
    middle rows read), in the subject's currency."""
    same = CodOrder.objects.filter(order_amount_currency=subject.currency)
    if subject.order_pk is not None:
        same = same.exclude(pk=subject.order_pk)
    customer = same.filter(customer_key=subject.customer_key, status=CodStatus.COMPLETED).order_by("-created_at", "-pk")
    latest = list(customer.values_list("order_amount", flat=True)[:CUSTOMER_ORDERS])
    channel = same.filter(channel=subject.channel, created_at__gte=now - timedelta(days=MEDIAN_DAYS))
    size = channel.count()
    # Read even when empty, so that a checkout costs the same queries however much history there is.
    middle = channel.order_by("order_amount", "pk").values_list("order_amount", flat=True)[max(size - 1, 0) // 2 :][:2]
    middle = list(middle)[: 2 - size % 2]
    return (statistics.median(latest) if latest else None), (statistics.median(middle) if middle else None)


def _region(subject: Subject, settings: RiskSettings, now: datetime) -> RegionStats | None:
    """The finished orders (refused, or delivered) of the last 90 days in the postal area, else in the area."""
    places = [(name, value) for name, value in (("postal_code", subject.postal_code), ("area", subject.area)) if value]
    if not subject.country or not places:
        return None
    finished = REFUSED | Q(status__in=DELIVERED)
    counts = {}
    for name, value in places:
        counts[f"{name}_finished"] = Count("pk", filter=Q(**{name: value}))
        counts[f"{name}_refused"] = Count("pk", filter=Q(**{name: value}) & REFUSED)
    found = CodOrder.objects.filter(
        finished, country=subject.country, created_at__gte=now - timedelta(days=MEDIAN_DAYS)
    )
    if subject.order_pk is not None:
        found = found.exclude(pk=subject.order_pk)
    stats = found.aggregate(**counts)
    for name, value in places:
        if stats[f"{name}_finished"] >= settings.region_min_orders or (name, value) == places[-1]:
            return RegionStats(place=value, finished=stats[f"{name}_finished"], refused=stats[f"{name}_refused"])
    return None
