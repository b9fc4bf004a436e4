"""The demo's screening story: orders in every risk band, and one explained high-risk order at the top of the
confirmation queue.

Sam refused his shoes five days ago (a changed mind: a strike). Today another guest, "S. Porter", orders headphones
twice with Sam's phone from another address: the first order's phone refused before under another account (medium:
an agent's call), the second is that and a duplicate of the first (high: a deposit, paid a few minutes later, so it
waits for its call with the highest score). A third checkout with Sam's phone and his address is very high risk: COD
is refused at checkout (RISK_TOO_HIGH), so it stays an unpaid checkout in the store and no order. The other waiting
orders are low, and the large B2B cart medium (far above the channel's typical COD order).
"""

from datetime import timedelta

from cod_plugin.error_codes import ReasonCode
from cod_plugin.flows.eligibility import check_eligibility
from cod_plugin.host import HostContext

from .. import services
from ..deposits import mark_paid
from ..models import DeliveryMethod, DepositPayment, Product
from .shoppers import SAM, Shopper, address

PORTER = Shopper(
    "s.porter@example.net",
    "default-channel",
    address("S.", "Porter", "75 E Wacker Dr", "Chicago", "IL", "60601", "US", SAM.address["phone"]),
)
SAM_AGAIN = Shopper("sam.porter@example.org", "default-channel", SAM.address)
CART = {"HEADPHONES-001": 1}


def deposit_paid(scene) -> None:
    """The customer pays the deposit on the store's page (the sandbox's payment, reported to the plugin); nothing
    when none was asked (a channel whose high band asks no deposit)."""
    payment = DepositPayment.objects.filter(order_id=int(scene.order.order_ref)).order_by("pk").last()
    if payment is None:
        return
    refused = mark_paid(payment.pk)
    if refused:
        raise ValueError(f"The demo's deposit was refused: {refused}")


def refused_checkout(shopper: Shopper, lines: dict[str, int]) -> str | None:
    """A checkout the screening refuses COD (very high risk): checked as the shopper would, then left unpaid. Returns
    its token; None when COD is offered (a channel whose very high band does not refuse). A refusal for anything but
    its risk is an error in the story."""
    products = dict(Product.objects.filter(sku__in=lines).values_list("sku", "pk"))
    checkout = services.create_checkout(
        user=None,
        channel_slug=shopper.channel,
        email=shopper.email,
        lines=[services.LineChange(products[sku], quantity) for sku, quantity in lines.items()],
        address=shopper.address,
    )
    services.set_delivery_method(
        checkout, DeliveryMethod.objects.get(channel__slug=shopper.channel, name="Standard").pk
    )
    seen = check_eligibility(str(checkout.pk), context=HostContext(user=None))
    reasons = [reason.code for reason in seen.decision.reasons]
    if not reasons:
        return None
    if reasons != [ReasonCode.RISK_TOO_HIGH]:
        raise ValueError(f"The demo's very high risk checkout was answered {reasons}.")
    return str(checkout.pk)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
