"""Human, translated words for the codes an order carries: its status, its timeline's kinds and reasons, the
customer's tier, a language, a country and its area, and the verb on a status button.

The models keep their codes (and their ``choices`` stay as they are); every screen that shows a code to a person
asks this module for its words, so the admin and the API's messages name a thing the same way. A code this module
does not know is shown as it is: a new kind reads oddly rather than vanishing.
"""

from babel import Locale
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .formatting import locale_for
from .rules.lifecycle import ConfirmationOutcome, Event, RefusalReason
from .rules.statuses import CodStatus
from .rules.tiers import Tier

EVENTS = {
    "placed": _("Order placed"),
    Event.CONFIRM: _("Confirmed"),
    Event.CANCEL: _("Cancelled"),
    Event.SHIP: _("Shipped"),
    Event.OUT_FOR_DELIVERY: _("Out for delivery"),
    Event.DELIVERY_FAILED: _("Delivery attempt failed"),
    Event.DELIVER: _("Delivered"),
    Event.COMPLETE: _("Completed"),
    Event.REFUSE: _("Refused"),
    Event.RETURN_TO_ORIGIN: _("Returned to origin"),
    Event.REFUND: _("Refunded"),
    "modified": _("Order changed on the phone"),
    "no_answer": _("No answer to the confirmation call"),
    "confirmation_overdue": _("Confirmation overdue"),
    "courier_assigned": _("Handed to the courier"),
    "shipment_booked": _("Shipment booked with the courier"),
    "appointment_set": _("Appointment set"),
    "rescheduled": _("Appointment moved"),
    "ignored_late": _("Late courier update ignored"),
    "refused_before_return": _("Refusal reported with the return"),
    "paid_claimed": _("Customer says they paid"),
    "claim_unverified": _("Paid claim not backed by the courier"),
    "amount_discrepancy": _("Collected amount differs"),
    "payment_corrected": _("Payment record corrected"),
    "payment_record_repeated": _("Payment record sent again"),
    "return_requested": _("Return requested"),
    "return_approved": _("Return approved"),
    "return_rejected": _("Return rejected"),
    "goods_received": _("Goods received back"),
    "refund_created": _("Refund created"),
    "refund_paid": _("Refund paid"),
    "refund_overdue": _("Refund overdue"),
    "risk_assessed": _("Risk assessed"),
    "link_opened": _("Confirmation link opened"),
    "deposit_requested": _("Deposit asked of the customer"),
    Event.DEPOSIT_PAID: _("Deposit paid"),
    "deposit_paid_late": _("Deposit paid too late"),
    "deposit_expired": _("Deposit no longer awaited"),
    "deposit_kept": _("Deposit kept for the penalty"),
    "deposit_refunded": _("Deposit given back"),
}

REASONS = {
    "channel_default": _("the channel's default courier"),
    "assigned": _("chosen by dispatch"),
    ConfirmationOutcome.CONFIRMED: _("confirmed on the phone"),
    ConfirmationOutcome.MODIFIED: _("confirmed with changes"),
    ConfirmationOutcome.NO_ANSWER: _("no answer after the last call"),
    "customer_confirmed": _("confirmed by the customer's link"),
    "customer_cancelled": _("cancelled by the customer's link"),
    "placed": _("at placing"),
    "link_not_opened": _("the confirmation link was never opened"),
    "agent_cancelled": _("cancelled by the agent"),
    "unpaid_after_appointment": _("not paid after the appointment"),
    "too_many_failed_attempts": _("too many failed delivery attempts"),
    "refund_paid": _("the refund is paid"),
    "deposit_paid": _("the store reported the deposit paid"),
    "deposit_expired": _("the deposit was not paid in time"),
    "deposit_not_pending": _("the order no longer waited for it"),
    "deposit_paid_late": _("paid after the order stopped waiting for it"),
    "order_cancelled": _("the order was cancelled"),
    "returned_to_origin": _("the parcel went back to the merchant"),
    "refused_at_the_door": _("the order was refused at the door"),
    "penalty": _("the refusal's penalty"),
    "refund_beyond_cash": _("a refund beyond the cash collected"),
    RefusalReason.DAMAGED: _("Damaged"),
    RefusalReason.WRONG_ITEM: _("Wrong item"),
    RefusalReason.MISSING_ITEM: _("Missing item"),
    RefusalReason.DELIVERY_DELAY: _("Delivery delay"),
    RefusalReason.CHANGED_MIND: _("Changed mind"),
    RefusalReason.NOT_AT_HOME: _("Not at home"),
    RefusalReason.FAKE_ORDER: _("Fake order"),
    RefusalReason.NO_REASON: _("No reason"),
    "defective": _("Defective"),
    "missing_parts": _("Missing parts"),
    "not_as_described": _("Not as described"),
    "other": _("Other"),
}

TIERS = {
    Tier.NEW: _("New customer"),
    Tier.TRUSTED: _("Trusted customer"),
    Tier.B2B: _("Business customer"),
    Tier.SUSPENDED: _("Suspended"),
    Tier.REVOKED: _("COD revoked"),
}

# The verb on the button that moves an order to a delivery status: what the person does, not the status's name.
ACTIONS = {
    CodStatus.SHIPPED: pgettext_lazy("button", "Mark shipped"),
    CodStatus.OUT_FOR_DELIVERY: pgettext_lazy("button", "Mark out for delivery"),
    CodStatus.DELIVERY_FAILED: pgettext_lazy("button", "Delivery failed — set a new appointment"),
    CodStatus.DELIVERED: pgettext_lazy("button", "Mark delivered"),
    CodStatus.REFUSED: pgettext_lazy("button", "Mark refused at the door"),
    CodStatus.RETURNED_TO_ORIGIN: pgettext_lazy("button", "Mark returned to origin"),
}


def status(code: str) -> str:
    return str(CodStatus(code).label) if code in CodStatus.values else code


def event(kind: str) -> str:
    return str(EVENTS.get(kind, kind))


def reason(code: str) -> str:
    """A known reason code in words; a status code (a late courier update) as its status; free text as it is."""
    if code in REASONS:
        return str(REASONS[code])
    return status(code)


def tier(code: str) -> str:
    label = TIERS.get(code.lower()) if code else None
    return str(label) if label else code


def action(status_code: str) -> str:
    return str(ACTIONS.get(status_code) or status(status_code))


def language(code: str) -> str:
    """A language by its own name: "English", "العربية"; the code itself when Django does not know it."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def country(code: str) -> str:
    """ "Kuwait" / "الكويت": the country's name in the active language (CLDR)."""
    locale: Locale = locale_for()
    return locale.territories.get(code.upper(), code) if code else ""


def region(country_code: str, area: str = "") -> str:
    """ "Kuwait — Capital", or the country alone."""
    name = country(country_code)
    return f"{name} — {area}" if area else name
