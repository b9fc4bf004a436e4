"""The COD order's state machine as a table: which event moves which statuses where.

Courier events may arrive late or skip a step (a DELIVERED with no OUT_FOR_DELIVERY before it), so delivery
events accept every earlier status of the delivery leg. Once the delivery leg is over (COMPLETED, and the
statuses after it), a courier event is late. Terminal statuses take no event at all; a COMPLETED order leaves
only by a refund.
"""

from enum import StrEnum

from .statuses import CodStatus as S


class Event(StrEnum):
    DEPOSIT_PAID = "deposit_paid"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    SHIP = "ship"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    DELIVER = "deliver"
    COMPLETE = "complete"
    REFUSE = "refuse"
    RETURN_TO_ORIGIN = "return_to_origin"
    REFUND = "refund"


TERMINAL = frozenset({S.RETURNED_TO_ORIGIN, S.REFUNDED})
DELIVERY_OVER = frozenset({S.COMPLETED}) | TERMINAL
IN_TRANSIT = frozenset({S.SHIPPED, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED})

TRANSITIONS: dict[Event, tuple[frozenset[str], str]] = {
    # Partial COD: the order waits for its deposit, then goes to confirmation as any other.
    Event.DEPOSIT_PAID: (frozenset({S.AWAITING_DEPOSIT}), S.PENDING_CONFIRMATION),
    Event.CONFIRM: (frozenset({S.PENDING_CONFIRMATION}), S.CONFIRMED),
    Event.CANCEL: (frozenset({S.AWAITING_DEPOSIT, S.PENDING_CONFIRMATION, S.CONFIRMED}) | IN_TRANSIT, S.CANCELLED),
    Event.SHIP: (frozenset({S.CONFIRMED}), S.SHIPPED),
    Event.OUT_FOR_DELIVERY: (frozenset({S.CONFIRMED, S.SHIPPED, S.DELIVERY_FAILED}), S.OUT_FOR_DELIVERY),
    Event.DELIVERY_FAILED: (frozenset({S.OUT_FOR_DELIVERY}), S.DELIVERY_FAILED),
    Event.DELIVER: (frozenset({S.CONFIRMED}) | IN_TRANSIT, S.DELIVERED),
    Event.COMPLETE: (frozenset({S.DELIVERED}), S.COMPLETED),
    Event.REFUSE: (frozenset({S.CONFIRMED}) | IN_TRANSIT, S.REFUSED),
    Event.RETURN_TO_ORIGIN: (frozenset({S.REFUSED, S.CANCELLED, S.DELIVERY_FAILED}), S.RETURNED_TO_ORIGIN),
    Event.REFUND: (frozenset({S.COMPLETED}), S.REFUNDED),
}

# How far along the delivery leg a status is: a courier event aiming behind the order's status is late.
PROGRESS = {
    S.AWAITING_DEPOSIT: 0,
    S.PENDING_CONFIRMATION: 0,
    S.CONFIRMED: 1,
    S.SHIPPED: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.DELIVERY_FAILED: 3,
    S.DELIVERED: 4,
    S.REFUSED: 4,
    S.CANCELLED: 4,
    S.COMPLETED: 5,
    S.RETURNED_TO_ORIGIN: 5,
    S.REFUNDED: 6,
}


def target(event: Event, status: str) -> str | None:
    """The status ``event`` leads to from ``status``, or None when it may not happen there."""
    sources, to = TRANSITIONS[event]
    return to if status in sources else None


def is_terminal(status: str) -> bool:
    return status in TERMINAL


def is_delivery_over(status: str) -> bool:
    """Whether the courier's part is done: paid for (and perhaps refunded since) or back at the merchant."""
    return status in DELIVERY_OVER


class RefusalReason(StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    MISSING_ITEM = "missing_item"
    CHANGED_MIND = "changed_mind"
    NOT_AT_HOME = "not_at_home"
    FAKE_ORDER = "fake_order"
    NO_REASON = "no_reason"
    DELIVERY_DELAY = "delivery_delay"


PRODUCT_PROBLEMS = frozenset({RefusalReason.DAMAGED, RefusalReason.WRONG_ITEM, RefusalReason.MISSING_ITEM})
NO_FAULT = PRODUCT_PROBLEMS | {RefusalReason.DELIVERY_DELAY}


def is_strike(reason: RefusalReason) -> bool:
    """A refusal without a valid reason is the customer's fault; a product problem or a late courier is not."""
    return reason not in NO_FAULT


class ConfirmationOutcome(StrEnum):
    CONFIRMED = "confirmed"
    MODIFIED = "modified"
    NO_ANSWER = "no_answer"
    CANCELLED = "cancelled"
