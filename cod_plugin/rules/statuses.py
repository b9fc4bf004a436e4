"""The statuses of a COD order (DESIGN.md); the transitions between them come with the lifecycle."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class CodStatus(TextChoices):
    AWAITING_DEPOSIT = "awaiting_deposit", _("Awaiting the deposit")
    PENDING_CONFIRMATION = "pending_confirmation", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed, awaiting a new appointment")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    RETURNED_TO_ORIGIN = "returned_to_origin", _("Returned to origin")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# The outcomes at the door: the overview's sign-off rate counts the first of them, of all four; the timeline's
# index for that rate (``CodOrderEvent.Meta``) is defined by the same statuses.
SIGNED_OFF = (CodStatus.DELIVERED, CodStatus.COMPLETED)
AT_THE_DOOR = (*SIGNED_OFF, CodStatus.REFUSED, CodStatus.RETURNED_TO_ORIGIN)
