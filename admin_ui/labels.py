"""What the desk screens (queue, returns, customers, overview) show for the plugin's codes and keys: a language by
its name, a channel by the store's name for it, a customer by email or phone, a tier and a history entry by a
translated label (the plugin's words, ``cod_plugin.labels``, where they exist). Never the code itself when a
label exists."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import host, labels
from cod_plugin.formatting import EMPTY

PROFILE_EVENTS = {
    "order_completed": _("COD order completed"),
    "refusal_without_fault": _("Refused, not the customer's fault"),
    "strike": _("Strike"),
    "suspended": _("Suspended"),
    "suspension_ended": _("Suspension ended"),
    "restored": _("COD restored"),
    "revoked": _("COD revoked"),
    "b2b_verified": _("B2B account verified"),
    "penalty_settled": _("Penalty recorded as paid"),
}
GUEST_PREFIX = "guest:"


def language_name(code: str) -> str:
    return labels.language(code) if code else EMPTY


def channel_names() -> dict[str, str]:
    """The store's names of all its channels by slug (``host.channel_names``)."""
    return host.channel_names()


def channel_name(slug: str, names: dict[str, str]) -> str:
    return names.get(slug) or slug


def tier_label(code: str) -> str:
    return labels.tier(code)


def event_label(kind: str) -> str:
    label = PROFILE_EVENTS.get(kind)
    return str(label) if label else kind.replace("_", " ").capitalize()


def refusal_label(code: str) -> str:
    return labels.reason(code)


def customer_label(key: str, *, email: str = "", phone: str = "") -> str:
    """A customer as a person reads it: the email (or phone), marked when a guest; else the store's account."""
    is_guest = key.startswith(GUEST_PREFIX)
    shown = email or phone or (key[len(GUEST_PREFIX) :] if is_guest else "")
    if shown and is_guest:
        return gettext("%(customer)s (guest)") % {"customer": shown}
    if shown:
        return shown
    if ":" not in key:
        return key
    return gettext("Store customer %(number)s") % {"number": key.split(":", 1)[1]}
