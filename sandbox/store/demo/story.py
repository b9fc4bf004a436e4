"""The demo's orders: who placed what, how long ago, and what happened to each since (steps timed after placing).

25 orders across four channels (channel-eg has no exchange rate, so COD cannot be offered there): seven waiting for
a call (a retry due now, a retry due later, one nobody reviewed for days, and two that screening flagged: see
``risky``; the riskier paid a deposit first), two confirmed (one changed on the call),
two shipped, one out for delivery with a moved appointment, one delivered with a "Paid" claim waiting for the
courier's record, four completed, two refused (a damaged product; a changed mind, which costs a strike), one back at
the merchant, one cancelled on the call, and four completed orders with a return: requested, approved, received
(refund due) and refunded. Three of the US orders go with SwiftBox, the second courier (``cash`` has their money).
"""

from dataclasses import dataclass
from datetime import timedelta

from cod_plugin.models import RefundMethod, ReturnReason
from cod_plugin.rules.lifecycle import RefusalReason
from cod_plugin.rules.policy import CollectionMethod

from . import steps
from .risky import CART, PORTER, deposit_paid
from .shoppers import AYU, B2B, DEWI, FAHAD, LAYLA, NEW, NOURA, OMAR, RINA, SAM, TRUSTED, Shopper
from .steps import Step

CASH, CARD, MOBILE = CollectionMethod.CASH, CollectionMethod.CARD, CollectionMethod.MOBILE_PAYMENT


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


@dataclass(frozen=True)
class DemoOrder:
    shopper: Shopper
    lines: dict[str, int]
    placed: timedelta  # how long ago
    steps: tuple[tuple[timedelta, Step], ...] = ()  # (how long after placing, what happened)


# The usual road: confirmed within the hour, shipped the next day, out for delivery the day after.
CONFIRMED = ((hours(1), steps.confirm),)
SHIPPED = (*CONFIRMED, (days(1), steps.ship))
OUT = (*SHIPPED, (days(2), steps.out_for_delivery()))


# The same road with SwiftBox: dispatch hands the order over before it ships.
SWIFT_OUT = (
    *CONFIRMED,
    (hours(1.5), steps.hand_to("swiftbox")),
    (days(1), steps.ship),
    (days(2), steps.out_for_delivery()),
)


def paid_at_the_door(method: str, road=OUT) -> tuple[tuple[timedelta, Step], ...]:
    return (*road, (days(2) + hours(3), steps.delivered(method)))


STORY: tuple[DemoOrder, ...] = (
    # waiting for a call
    DemoOrder(NEW, {"TSHIRT-001": 2, "HEADPHONES-001": 1}, hours(3), ((hours(1), steps.no_answer),)),
    DemoOrder(AYU, {"RICE-COOKER-001": 1}, minutes(40)),
    DemoOrder(TRUSTED, {"SHOES-001": 1, "HEADPHONES-001": 1}, minutes(20)),
    DemoOrder(FAHAD, {"HEADPHONES-001": 1}, hours(5), ((hours(1), steps.no_answer), (hours(4.5), steps.no_answer))),
    DemoOrder(B2B, {"HEADPHONES-001": 10}, days(4)),
    # waiting for a call, screened (``risky``): a phone that refused before under another account, then a duplicate
    DemoOrder(PORTER, CART, minutes(45)),
    DemoOrder(PORTER, CART, minutes(30), ((minutes(8), deposit_paid),)),
    # confirmed
    DemoOrder(NEW, {"RICE-COOKER-001": 1}, days(1), ((hours(2), steps.confirm),)),
    DemoOrder(
        B2B,
        {"SHOES-001": 2, "TSHIRT-001": 5},
        hours(20),
        ((hours(1), steps.modify({"SHOES-001": 4}, "Four pairs, not two: one for each site manager.")),),
    ),
    # on the road
    DemoOrder(TRUSTED, {"HEADPHONES-001": 1}, days(2), SHIPPED),
    DemoOrder(NOURA, {"RICE-COOKER-001": 1, "TSHIRT-001": 2}, days(2.25), SHIPPED),
    DemoOrder(
        B2B,
        {"RICE-COOKER-001": 2},
        days(3),
        (
            *SHIPPED,
            (days(2) + hours(20), steps.out_for_delivery(days_later=1, hour=10)),
            (days(2) + hours(23), steps.reschedule(days_later=2, hour=14)),
        ),
    ),
    DemoOrder(
        NEW,
        {"HEADPHONES-001": 1, "TSHIRT-001": 1},
        days(3),
        (*OUT, (days(2) + hours(2), steps.delivered(None)), (days(2) + hours(3), steps.claim_paid(CASH))),
    ),
    # completed
    DemoOrder(TRUSTED, {"RICE-COOKER-001": 1, "TSHIRT-001": 3}, days(12), paid_at_the_door(CASH)),
    DemoOrder(B2B, {"HEADPHONES-001": 4}, days(9), paid_at_the_door(CARD)),
    DemoOrder(DEWI, {"SHOES-001": 1}, days(7), paid_at_the_door(MOBILE)),
    DemoOrder(
        NEW,
        {"SHOES-001": 1},
        days(6),
        (*SWIFT_OUT, (days(2) + hours(3), steps.delivered(None)), (days(3), steps.record_payment(CASH))),
    ),
    # refused, returned, cancelled
    DemoOrder(
        OMAR,
        {"HEADPHONES-001": 2},
        days(8),
        (*OUT, (days(2) + hours(3), steps.refused(RefusalReason.DAMAGED, "The box was crushed; one case cracked."))),
    ),
    DemoOrder(
        SAM,
        {"SHOES-001": 2},
        days(5),
        (*OUT, (days(2) + hours(3), steps.refused(RefusalReason.CHANGED_MIND, "Does not want them any more."))),
    ),
    DemoOrder(
        RINA,
        {"RICE-COOKER-001": 1},
        days(10),
        (
            *OUT,
            (days(2) + hours(3), steps.delivery_failed("nobody at the address, phone off")),
            (days(4), steps.returned_to_origin),
        ),
    ),
    DemoOrder(LAYLA, {"TSHIRT-001": 2}, days(2), ((hours(2), steps.cancel("Ordered twice by mistake.")),)),
    # after-sales
    DemoOrder(
        TRUSTED,
        {"HEADPHONES-001": 1, "TSHIRT-001": 2},
        days(11),
        (
            *paid_at_the_door(CASH, SWIFT_OUT),
            (days(9), steps.request_return({"HEADPHONES-001": 1}, ReturnReason.DEFECTIVE, "Left earbud is silent.")),
        ),
    ),
    DemoOrder(
        NEW,
        {"TSHIRT-001": 3},
        days(10),
        (
            *paid_at_the_door(CARD, SWIFT_OUT),
            (days(7), steps.request_return({"TSHIRT-001": 1}, ReturnReason.NOT_AS_DESCRIBED, "Blue, not navy.")),
            (days(8), steps.approve_return("Send it back with the label we emailed.")),
        ),
    ),
    DemoOrder(
        B2B,
        {"RICE-COOKER-001": 3},
        days(13),
        (
            *paid_at_the_door(CARD),
            (days(5), steps.request_return({"RICE-COOKER-001": 1}, ReturnReason.DAMAGED, "Dented lid on arrival.")),
            (days(6), steps.approve_return("")),
            (days(12), steps.receive_return),
        ),
    ),
    DemoOrder(
        TRUSTED,
        {"SHOES-001": 1, "RICE-COOKER-001": 1},
        days(14),
        (
            *paid_at_the_door(CASH),
            (days(4), steps.request_return({"SHOES-001": 1}, ReturnReason.WRONG_ITEM, "Size 44 came, I ordered 42.")),
            (days(5), steps.approve_return("")),
            (days(8), steps.receive_return),
            (
                days(9),
                steps.refund(
                    RefundMethod.BANK_TRANSFER, {"iban": "GB82 WEST 1234 5698 7654 32", "account_holder": "Tom Reed"}
                ),
            ),
            (days(10), steps.refund_paid),
        ),
    ),
)
