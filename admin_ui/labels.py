"""What the desk screens (queue, returns, customers, overview) show for the plugin's codes and keys: a language by
its name, a channel by the store's name for it, a customer by email or phone, a tier and a history entry by a
translated label. Never the code itself when a label exists."""

from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin.formatting import EMPTY
from cod_plugin.host import get_adapter
from cod_plugin.rules.lifecycle import RefusalReason
from cod_plugin.rules.tiers import Tier

TIER_LABELS = {
    Tier.NEW: _("New"),
    Tier.TRUSTED: _("Trusted"),
    Tier.B2B: _("B2B"),
    Tier.SUSPENDED: _("Suspended"),
    Tier.REVOKED: _("Revoked"),
}
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
REFUSAL_REASONS = {
    RefusalReason.DAMAGED: _("Damaged"),
    RefusalReason.WRONG_ITEM: _("Wrong item"),
    RefusalReason.MISSING_ITEM: _("Missing item"),
    RefusalReason.DELIVERY_DELAY: _("Delivery delay"),
    RefusalReason.CHANGED_MIND: _("Changed mind"),
    RefusalReason.NOT_AT_HOME: _("Not at home"),
    RefusalReason.FAKE_ORDER: _("Fake order"),
    RefusalReason.NO_REASON: _("No reason"),
}
GUEST_PREFIX = "guest:"


def language_name(code: str) -> str:
    """``en`` as "English" (in the admin's language); an unknown code as it is."""
    if not code:
        return EMPTY
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def channel_names() -> dict[str, str]:
    """The store's names of its channels by slug, when its host adapter has ``channel_names()``."""
    names = getattr(get_adapter(), "channel_names", None)
    return dict(names()) if names else {}


def channel_name(slug: str, names: dict[str, str]) -> str:
    return names.get(slug) or slug


def tier_label(code: str) -> str:
    try:
        return str(TIER_LABELS[Tier(code)])
    except ValueError:
        return code


def event_label(kind: str) -> str:
    label = PROFILE_EVENTS.get(kind)
    return str(label) if label else kind.replace("_", " ").capitalize()


def refusal_label(code: str) -> str:
    label = REFUSAL_REASONS.get(code)
    return str(label) if label else code


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
