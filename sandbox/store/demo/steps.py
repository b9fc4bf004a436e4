"""What happens to a demo order after it is placed: each step calls the plugin's flow that the agent's queue, the
courier's update, the customer's "Paid" click, support's return screens or a refund would call.

A step is a callable taking the ``Scene``: the order, its shopper and the moment the story puts the step at (used
only for the delivery windows; ``clock`` dates the rows afterwards).
"""

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from cod_plugin.flows import confirmation, delivery, payment, refunds, returns, shipping
from cod_plugin.host import OrderChanges
from cod_plugin.models import CodOrder, CodRefund, CodReturnRequest
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from cod_plugin.rules.statuses import CodStatus

from .shoppers import Shopper

AGENT = "agent@example.com"  # confirms orders (COD agents)
DISPATCH = "dispatch@example.com"  # enters the updates of a courier without an API (COD dispatch)
FINANCE = "finance@example.com"  # enters the courier's payment records (COD finance)
SUPPORT = "support@example.com"  # handles returns and refunds


@dataclass(frozen=True)
class Scene:
    order_pk: int
    shopper: Shopper
    at: datetime

    @property
    def order(self) -> CodOrder:
        return CodOrder.objects.get(pk=self.order_pk)

    @property
    def customer_key(self) -> str:
        return self.order.customer_key

    def latest_return(self) -> CodReturnRequest:
        return CodReturnRequest.objects.filter(order_id=self.order_pk).latest("pk")


Step = Callable[[Scene], object]


# ---- the agent's call


def no_answer(scene: Scene):
    return confirmation.confirm_by_agent(scene.order_pk, ConfirmationOutcome.NO_ANSWER, actor=AGENT)


def confirm(scene: Scene):
    return confirmation.confirm_by_agent(scene.order_pk, ConfirmationOutcome.CONFIRMED, actor=AGENT)


def modify(quantities: dict[str, int], note: str) -> Step:
    changes = OrderChanges(quantities=quantities)
    return lambda scene: confirmation.confirm_by_agent(
        scene.order_pk, ConfirmationOutcome.MODIFIED, note, actor=AGENT, changes=changes
    )


def cancel(note: str) -> Step:
    return lambda scene: confirmation.confirm_by_agent(scene.order_pk, ConfirmationOutcome.CANCELLED, note, actor=AGENT)


def hand_to(courier_code: str) -> Step:
    """Dispatch gives the confirmed order to another courier before it ships."""
    return lambda scene: shipping.assign(scene.order_pk, courier_code, actor=DISPATCH)


# ---- the courier's updates, entered by dispatch (with the cash collected: finance's record)


def _update(scene: Scene, **update):
    return delivery.update_status(scene.order_pk, delivery.StatusUpdate(**update), actor=DISPATCH)


def ship(scene: Scene):
    order = scene.order
    return _update(scene, status=CodStatus.SHIPPED, tracking_number=f"DX{order.order_number}{order.country}")


def window(on: datetime, *, days_later: int, hour: int) -> delivery.Window:
    """Four hours from ``hour`` o'clock (local time), ``days_later`` days after the day of ``on``."""
    day = timezone.localdate(on) + timedelta(days=days_later)
    start = timezone.make_aware(datetime.combine(day, time(hour)))
    return delivery.Window(start=start, end=start + timedelta(hours=4))


def out_for_delivery(*, days_later: int = 0, hour: int | None = None) -> Step:
    """The courier's appointment: from the step's own hour that day, or at ``hour`` ``days_later`` days on."""

    def step(scene: Scene):
        if hour is None:
            slot = delivery.Window(start=scene.at, end=scene.at + timedelta(hours=4))
        else:
            slot = window(scene.at, days_later=days_later, hour=hour)
        return _update(scene, status=CodStatus.OUT_FOR_DELIVERY, window=slot)

    return step


def delivered(method: str | None) -> Step:
    """Delivered (dispatch's report); with ``method`` finance enters the courier's record of the cash at once,
    which completes the order."""

    def step(scene: Scene):
        order = _update(scene, status=CodStatus.DELIVERED)
        return record_payment(method)(scene) if method else order

    return step


def refused(reason: str, note: str) -> Step:
    return lambda scene: _update(scene, status=CodStatus.REFUSED, reason=reason, note=note)


def delivery_failed(reason: str) -> Step:
    return lambda scene: _update(scene, status=CodStatus.DELIVERY_FAILED, reason=reason)


def returned_to_origin(scene: Scene):
    return _update(scene, status=CodStatus.RETURNED_TO_ORIGIN)


def record_payment(method: str) -> Step:
    """Finance enters the courier's receipt for a delivered order that came without one."""

    def step(scene: Scene):
        order = scene.order
        amount = order.amount_to_collect
        return payment.record_by_staff(
            scene.order_pk,
            amount=amount.amount,
            currency=str(amount.currency),
            method=method,
            receipt=f"CR-{order.order_number}",
            actor=FINANCE,
        )

    return step


# ---- the customer


def reschedule(*, days_later: int, hour: int) -> Step:
    def step(scene: Scene):
        slot = window(scene.at, days_later=days_later, hour=hour)
        return delivery.reschedule(scene.order_pk, slot, actor=scene.shopper.email, customer_key=scene.customer_key)

    return step


def claim_paid(method: str) -> Step:
    """The "Paid" click with the receipt number and a (tiny) photo of the voucher."""

    def step(scene: Scene):
        reference = f"RCPT-{scene.order.order_number}"
        customer = scene.shopper.snapshot()
        return payment.mark_paid(scene.order_pk, customer=customer, reference=reference, method=method, image=photo())

    return step


def request_return(lines: dict[str, int], reason: str, description: str) -> Step:
    def step(scene: Scene):
        customer = scene.shopper.snapshot()
        return returns.request(
            scene.order_pk, customer=customer, lines=lines, reason=reason, description=description, photos=[photo()]
        )

    return step


# ---- support


def approve_return(note: str) -> Step:
    return lambda scene: returns.approve(scene.latest_return().pk, actor=SUPPORT, note=note)


def receive_return(scene: Scene):
    """Everything the return asked for came back."""
    return_request = scene.latest_return()
    received = {line.sku: line.quantity for line in return_request.lines.all()}
    return returns.receive(return_request.pk, received=received, actor=SUPPORT)


def refund(method: str, details: dict[str, str]) -> Step:
    """The refund the return screen suggests (the goods back, and the fee when the channel refunds it)."""

    def step(scene: Scene):
        order, return_request = scene.order, scene.latest_return()
        return refunds.create(
            scene.order_pk,
            amount=refunds.suggest(return_request.pk).amount,
            currency=str(order.amount_to_collect.currency),
            method=method,
            details=details,
            idempotency_key=f"demo-{order.order_number}-{return_request.pk}",
            actor=SUPPORT,
            return_pk=return_request.pk,
        )

    return step


def refund_paid(scene: Scene):
    latest = CodRefund.objects.filter(order_id=scene.order_pk).latest("pk")
    return refunds.mark_paid(latest.pk, reference=f"TRX-{scene.order.order_number}", actor=SUPPORT)


def photo(size: int = 8, rgb: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A small one-colour PNG (under 100 bytes): uploads stay tiny in MEDIA_ROOT."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    pixels = (b"\x00" + bytes(rgb) * size) * size
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")
