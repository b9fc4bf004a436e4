"""The questions an agent asks at the confirmation call because a signal fired: each signal says what is doubtful
about the order, and its question is how the call clears that doubt. Pure data, read by the queue's call script."""

from django.utils.translation import gettext_lazy as _

from .risk import SignalCode

QUESTIONS = {
    SignalCode.PHONE_INVALID: _("Ask for a phone number the courier can reach: the one given is not valid."),
    SignalCode.PHONE_TYPE: _("Ask for a mobile number: the one given cannot take calls or SMS."),
    SignalCode.PHONE_COUNTRY: _("Ask for a local number: the one given is of another country."),
    SignalCode.PHONE_HISTORY: _(
        "Ask whether the customer will be there to pay on delivery: this phone refused earlier orders."
    ),
    SignalCode.ADDRESS_HISTORY: _(
        "Confirm the full delivery address and a landmark: this address refused earlier orders."
    ),
    SignalCode.NEW_ACCOUNT: _("Confirm the customer's full name: the account was opened today."),
    SignalCode.DUPLICATE_ORDER: _("Ask whether the customer placed the order twice."),
    SignalCode.PHONE_VELOCITY: _("Ask whether all of today's orders with this phone are wanted."),
    SignalCode.ADDRESS_VELOCITY: _("Ask who will receive the parcel: many orders go to this address today."),
    SignalCode.CLIENT_VELOCITY: _("Ask whether the customer placed each of today's orders themselves."),
    SignalCode.CART_ABOVE_USUAL: _("Read the items and the total again: the cart is far above the customer's usual."),
    SignalCode.CART_ABOVE_CHANNEL: _("Read the total again and ask whether it is ready in cash for the courier."),
    SignalCode.QUANTITY_UNUSUAL: _("Confirm each quantity: some are more than a person usually buys."),
    SignalCode.REGION_REFUSALS: _("Confirm the address and a time when the customer is at home."),
    SignalCode.UNREACHABLE: _("Ask for a second number in case the courier cannot reach this one."),
    SignalCode.LINK_NOT_OPENED: _("Confirm the phone number: the confirmation message was never opened."),
}


def questions(codes) -> list[str]:
    """The questions for the signals ``codes`` (``SignalCode`` values, strongest first as given), each once, in the
    active language; a code without a question adds none."""
    asked: dict[str, str] = {}
    for code in codes:
        question = QUESTIONS.get(SignalCode(code))
        if question is not None:
            asked.setdefault(str(code), str(question))
    return list(asked.values())
