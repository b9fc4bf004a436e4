"""Playing the story: each order placed, then its steps, oldest order first (so numbers follow dates), then
dated (``clock``); then the couriers' remittances (``cash``); finally the periodic sweep that flags orders nobody
reviewed in time, as beat would run it. Every channel's default courier is the demo's FastShip (no booking API:
dispatch enters its statuses), so each order is handed to it when it is confirmed; a few go on to SwiftBox, a
second courier with three days to remit its cash.

All in one transaction: a story that cannot be played (fixtures changed since) leaves no half of it behind. The
customers' messages go out when it commits (console backend, eager Celery), and are then dated with their order.
"""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cod_plugin.flows import confirmation
from cod_plugin.models import CodOrder, CodPolicy, Courier

from .cash import make_demo_remittances
from .clock import Clock, backdate, sent_when_queued
from .shoppers import place
from .steps import Scene
from .story import STORY, DemoOrder


def make_demo_orders() -> list[CodOrder]:
    now = timezone.now()
    with transaction.atomic():
        demo_courier()
        second_courier()
        made = [play(demo, now=now).pk for demo in sorted(STORY, key=lambda demo: demo.placed, reverse=True)]
        make_demo_remittances(now)
        confirmation.flag_overdue()
        # Registered after every message's task, so it runs after they are sent.
        transaction.on_commit(lambda: sent_when_queued(made))
    return list(CodOrder.objects.filter(pk__in=made).order_by("pk"))


def demo_courier() -> Courier:
    """FastShip, serving every channel, the default courier of the channels that have none."""
    channels = list(CodPolicy.objects.order_by("channel").values_list("channel", flat=True))
    courier, _ = Courier.objects.get_or_create(
        code="fastship",
        defaults={"name": "FastShip", "webhook_secret": secrets.token_urlsafe(32), "channels": channels},
    )
    CodPolicy.objects.filter(default_courier=None).update(default_courier=courier)
    return courier


def second_courier() -> Courier:
    """SwiftBox, serving every channel, with three days to remit the cash it collects."""
    channels = list(CodPolicy.objects.order_by("channel").values_list("channel", flat=True))
    courier, _ = Courier.objects.get_or_create(
        code="swiftbox",
        defaults={
            "name": "SwiftBox",
            "webhook_secret": secrets.token_urlsafe(32),
            "channels": channels,
            "remittance_days": 3,
        },
    )
    return courier


def play(demo: DemoOrder, *, now: datetime) -> CodOrder:
    placed_at = now - demo.placed
    clock = Clock()
    clock.step(placed_at)
    order = place(demo.shopper, demo.lines)
    for after, step in demo.steps:
        at = placed_at + after
        if at >= now:
            raise ValueError(f"A step of {demo} is in the future.")
        clock.step(at)
        step(Scene(order.pk, demo.shopper, at))
    backdate(order, clock)
    return order
