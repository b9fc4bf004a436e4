"""Returns after payment: the customer's request, support's decision, the goods coming back and the refund's due date.

Every step locks the ORDER's row (``lifecycle.lock``), so the returns and refunds of one order never race, and
writes a timeline event on the order: return_requested, return_approved, return_rejected, goods_received.
A return goes REQUESTED → APPROVED or REJECTED; APPROVED → RECEIVED; RECEIVED → REFUNDED when its refund is paid
(``flows.refunds``).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..host import CustomerSnapshot, get_adapter
from ..models import CodOrder, CodOrderEvent, CodPolicy, CodReturnLine, CodReturnPhoto, CodReturnRequest, ReturnReason
from ..rules.business_days import business_days_after
from ..rules.images import is_photo
from ..rules.lifecycle import Event
from ..rules.statuses import CodStatus
from . import calendars, lifecycle, standing, store_sync

Status = CodReturnRequest.Status
RETURNABLE = frozenset({CodStatus.COMPLETED, CodStatus.REFUNDED})
MAX_PHOTOS = 5
MAX_DESCRIPTION = 2000
MAX_NOTE = CodReturnRequest._meta.get_field("decision_note").max_length


@dataclass
class OrderedLine:
    name: str
    unit_price: Decimal
    quantity: int


# ---- the customer's request


def request(
    order_pk: int,
    *,
    customer: CustomerSnapshot,
    lines: dict[str, int],
    reason: str,
    description: str = "",
    photos: Sequence[bytes] = (),
) -> CodReturnRequest:
    """The order's customer asks to send goods back, within the channel's return window after completion.

    ``lines`` maps SKUs to quantities (each at most what was ordered less what earlier returns, rejected ones
    aside, already asked for); ``reason`` is a ``ReturnReason`` value; ``photos`` are PNG or JPEG bytes, at most
    5 of at most 2 MB each."""
    _check_request(lines, reason, description, photos)
    with transaction.atomic():
        order = lifecycle.lock(order_pk)
        if order.customer_key != customer.profile_key:
            raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
        _require_returnable(order, standing.policy_for(order))
        ordered = _ordered(order)
        _require_quantities(lines, ordered, _asked(order))
        return_request = CodReturnRequest.objects.create(order=order, reason=reason, description=description)
        CodReturnLine.objects.bulk_create(
            CodReturnLine(
                return_request=return_request,
                sku=sku,
                name=ordered[sku].name,
                unit_price=ordered[sku].unit_price,
                quantity=quantity,
            )
            for sku, quantity in lines.items()
        )
        _save_photos(return_request, photos)
        data = {"return_id": return_request.pk, "lines": lines}
        lifecycle.record(order, "return_requested", actor=customer.profile_key, reason=reason, data=data)
        return return_request


def _check_request(lines: dict[str, int], reason: str, description: str, photos: Sequence[bytes]) -> None:
    if reason not in ReturnReason.values:
        raise CodError(CodErrorCode.INVALID, _("Choose a return reason."), field="reason")
    if not lines:
        raise CodError(CodErrorCode.REQUIRED, _("Choose the products to return."), field="lines")
    if len(description) > MAX_DESCRIPTION:
        message = _("Describe the problem in at most %(count)s characters.") % {"count": MAX_DESCRIPTION}
        raise CodError(CodErrorCode.INVALID, message, field="description")
    if len(photos) > MAX_PHOTOS or not all(is_photo(photo) for photo in photos):
        message = _("Send at most %(count)s photos, each a PNG or JPEG of at most 2 MB.") % {"count": MAX_PHOTOS}
        raise CodError(CodErrorCode.INVALID, message, field="photos")


def _require_returnable(order: CodOrder, policy: CodPolicy) -> None:
    if order.status not in RETURNABLE:
        message = _("A return can be asked for once the order is paid and completed.")
        raise CodError(CodErrorCode.INVALID_TRANSITION, message, field="orderId", status=order.status)
    completed = completed_at(order)
    last_day = timezone.localdate(completed) + timedelta(days=policy.return_window_days) if completed else None
    if last_day is None or timezone.localdate() > last_day:
        message = _("Returns are accepted for %(days)s days after the order is completed.") % {
            "days": policy.return_window_days
        }
        raise CodError(CodErrorCode.RETURN_WINDOW_CLOSED, message, field="orderId")


def completed_at(order: CodOrder) -> datetime | None:
    """When the order was completed: the time of its COMPLETE timeline event."""
    completions = CodOrderEvent.objects.filter(order=order, kind=Event.COMPLETE.value)
    return completions.order_by("created_at").values_list("created_at", flat=True).first()


def _ordered(order: CodOrder) -> dict[str, OrderedLine]:
    """The store order's product lines by SKU, as the store has them now (after any change on confirmation)."""
    host_order = get_adapter().get_order(order.order_ref)
    if host_order is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Order not found."), field="orderId")
    ordered: dict[str, OrderedLine] = {}
    for line in host_order.lines:
        ordered.setdefault(line.sku, OrderedLine(line.name, line.unit_price, 0)).quantity += line.quantity
    return ordered


def _asked(order: CodOrder) -> Counter:
    """What earlier returns of the order asked for, by SKU; a rejected return gives its quantities back."""
    lines = CodReturnLine.objects.filter(return_request__order=order).exclude(return_request__status=Status.REJECTED)
    return Counter(dict(lines.values("sku").annotate(total=Sum("quantity")).values_list("sku", "total")))


def _require_quantities(lines: dict[str, int], ordered: dict[str, OrderedLine], asked: Counter) -> None:
    for sku, quantity in lines.items():
        if sku not in ordered:
            raise CodError(CodErrorCode.INVALID, _("%(sku)s is not on this order.") % {"sku": sku}, field="lines")
        left = ordered[sku].quantity - asked[sku]
        if left < 1:
            raise CodError(CodErrorCode.INVALID, _("%(sku)s is already being returned.") % {"sku": sku}, field="lines")
        if not 1 <= quantity <= left:
            message = _("Between 1 and %(left)s of %(sku)s can be returned.") % {"left": left, "sku": sku}
            raise CodError(CodErrorCode.INVALID, message, field="lines")


def _save_photos(return_request: CodReturnRequest, photos: list[bytes]) -> None:
    for number, data in enumerate(photos, start=1):
        extension = "png" if data.startswith(b"\x89PNG") else "jpg"
        photo = CodReturnPhoto(return_request=return_request)
        name = f"{return_request.order.order_number}-{return_request.pk}-{number}.{extension}"
        photo.image.save(name, ContentFile(data), save=False)
        photo.save()


# ---- support's decision


def lock_return(return_pk: int) -> tuple[CodOrder, CodReturnRequest]:
    """The return's order, locked until the end of the transaction, and the return as it is under that lock."""
    order_pk = CodReturnRequest.objects.filter(pk=return_pk).values_list("order_id", flat=True).first()
    if order_pk is None:
        raise CodError(CodErrorCode.NOT_FOUND, _("Return not found."), field="returnId")
    order = lifecycle.lock(order_pk)
    return order, CodReturnRequest.objects.get(pk=return_pk)


def approve(return_pk: int, *, actor: str, note: str = "") -> CodReturnRequest:
    """Support accepts a requested return: the customer may send the goods. Approving twice changes nothing."""
    note = _note(note, required=False)
    with transaction.atomic():
        order, return_request = lock_return(return_pk)
        if return_request.status == Status.APPROVED:
            return return_request
        _decide(return_request, Status.APPROVED, actor=actor, note=note)
        data = {"return_id": return_request.pk, **({"note": note} if note else {})}
        lifecycle.record(order, "return_approved", actor=actor, data=data)
        return return_request


def reject(return_pk: int, *, actor: str, reason: str) -> CodReturnRequest:
    """Support refuses a requested return, with the reason the customer reads. A rejected return is never refunded."""
    reason = _note(reason, required=True)
    with transaction.atomic():
        order, return_request = lock_return(return_pk)
        if return_request.status == Status.REJECTED:
            return return_request
        _decide(return_request, Status.REJECTED, actor=actor, note=reason)
        lifecycle.record(order, "return_rejected", actor=actor, reason=reason, data={"return_id": return_request.pk})
        return return_request


def _note(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise CodError(CodErrorCode.REQUIRED, _("Give the reason the customer will read."), field="reason")
    if len(text) > MAX_NOTE:
        message = _("Keep it to %(count)s characters.") % {"count": MAX_NOTE}
        raise CodError(CodErrorCode.INVALID, message, field="reason" if required else "note")
    return text


def _decide(return_request: CodReturnRequest, status: str, *, actor: str, note: str) -> None:
    _require_status(return_request, Status.REQUESTED)
    return_request.status, return_request.decision_note = status, note
    return_request.decided_by, return_request.decided_at = actor, timezone.now()
    return_request.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])


def _require_status(return_request: CodReturnRequest, status: str) -> None:
    if return_request.status != status:
        message = _("This return is %(status)s; it must be %(needed)s for that.") % {
            "status": return_request.get_status_display(),
            "needed": Status(status).label,
        }
        raise CodError(CodErrorCode.INVALID_TRANSITION, message, field="returnId", status=return_request.status)


# ---- the goods come back


def receive(return_pk: int, *, received: dict[str, int], actor: str) -> CodReturnRequest:
    """The goods of an approved return arrived, wholly or in part: ``received`` maps SKUs to what came back
    (a SKU left out came back 0; not all may be 0). The refund is due ``refund_business_days`` business days on."""
    with transaction.atomic():
        order, return_request = lock_return(return_pk)
        _require_status(return_request, Status.APPROVED)
        lines = list(return_request.lines.order_by("pk"))
        _require_received(received, {line.sku: line.quantity for line in lines})
        for line in lines:
            line.received_quantity = received.get(line.sku, 0)
        CodReturnLine.objects.bulk_update(lines, ["received_quantity"])
        policy = standing.policy_for(order)
        now = timezone.now()
        return_request.status, return_request.received_by, return_request.received_at = Status.RECEIVED, actor, now
        return_request.refund_due = refund_due(order, policy, received_on=timezone.localdate(now))
        return_request.save(update_fields=["status", "received_by", "received_at", "refund_due", "updated_at"])
        data = {
            "return_id": return_request.pk,
            "received": {line.sku: line.received_quantity for line in lines},
            "refund_due": return_request.refund_due.isoformat(),
        }
        lifecycle.record(order, "goods_received", actor=actor, data=data)
        store_sync.goods_returned(order, data["received"])
        return return_request


def _require_received(received: dict[str, int], asked: dict[str, int]) -> None:
    for sku, quantity in received.items():
        if sku not in asked:
            raise CodError(CodErrorCode.INVALID, _("%(sku)s is not in this return.") % {"sku": sku}, field="lines")
        if not 0 <= quantity <= asked[sku]:
            message = _("Between 0 and %(asked)s of %(sku)s can come back.") % {"asked": asked[sku], "sku": sku}
            raise CodError(CodErrorCode.INVALID, message, field="lines")
    if not any(received.values()):
        raise CodError(CodErrorCode.REQUIRED, _("Enter what came back."), field="lines")


def refund_due(order: CodOrder, policy: CodPolicy, *, received_on: date) -> date:
    """The day the refund is due: the channel's business days after the goods came back."""
    return business_days_after(received_on, policy.refund_business_days, calendars.for_order(order, policy))
