"""Who places the demo orders, and placing one the way a shopper does: a checkout through the store's services,
the COD check the shopper sees, then ``codCheckoutComplete``'s flow with the terms version the check showed.

Demo accounts whose standing allows COD (new@, trusted@, b2b@) and guests, known by email as the plugin knows them.
suspended@, revoked@ and penalty@ are refused COD by design, so they place nothing; the refusal that costs a strike
goes to a guest, so that new@ keeps the clean standing the README's tour shows.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows.checkout import complete_checkout
from cod_plugin.flows.eligibility import check_eligibility
from cod_plugin.host import CustomerSnapshot, HostContext, get_adapter
from cod_plugin.models import CodOrder

from .. import services
from ..models import DeliveryMethod, Product


@dataclass(frozen=True)
class Shopper:
    email: str
    channel: str
    address: dict[str, str]
    registered: bool = False  # a demo account signed in; else a guest checkout with this email

    def user(self):
        return get_user_model().objects.get(email=self.email) if self.registered else None

    def snapshot(self) -> CustomerSnapshot | None:
        """The customer as the plugin sees them when they click "Paid" or ask for a return."""
        return get_adapter().get_customer(HostContext(user=self.user()))


def address(first: str, last: str, street: str, city: str, area: str, postal_code: str, country: str, phone: str):
    return {
        "first_name": first,
        "last_name": last,
        "street": street,
        "city": city,
        "area": area,
        "postal_code": postal_code,
        "country": country,
        "phone": phone,
    }


NEW = Shopper(
    "new@example.com",
    "default-channel",
    address("Ann", "Lee", "1 Main St", "New York", "NY", "10001", "US", "+12025550142"),
    registered=True,
)
TRUSTED = Shopper(
    "trusted@example.com",
    "default-channel",
    address("Tom", "Reed", "20 Park Dr", "Boston", "MA", "02215", "US", "+12025550143"),
    registered=True,
)
B2B = Shopper(
    "b2b@example.com",
    "channel-ae",
    address("Karim", "Haddad", "ACME Trading, Sheikh Zayed Rd", "Dubai", "Dubai", "", "AE", "+97145550100"),
    registered=True,
)
AYU = Shopper(
    "ayu@example.com",
    "channel-id",
    address("Ayu", "Lestari", "Jl. Sudirman 1", "Jakarta", "Jakarta", "10110", "ID", "+6281234567890"),
)
DEWI = Shopper(
    "dewi@example.com",
    "channel-id",
    address("Dewi", "Sari", "Jl. Thamrin 8", "Jakarta", "Jakarta", "10230", "ID", "+6281298765432"),
)
RINA = Shopper(
    "rina@example.com",
    "channel-id",
    address("Rina", "Wati", "Jl. Darmo 12", "Surabaya", "East Java", "60241", "ID", "+6281331234567"),
)
FAHAD = Shopper(
    "fahad@example.com",
    "channel-kw",
    address("Fahad", "Ali", "Gulf Rd", "Kuwait City", "Capital", "15000", "KW", "+96550001234"),
)
NOURA = Shopper(
    "noura@example.com",
    "channel-kw",
    address("Noura", "Salem", "Block 4, Street 10", "Salmiya", "Hawalli", "22000", "KW", "+96560005678"),
)
LAYLA = Shopper(
    "layla@example.com",
    "channel-ae",
    address("Layla", "Nasser", "Corniche Rd", "Abu Dhabi", "Abu Dhabi", "", "AE", "+971501234567"),
)
OMAR = Shopper(
    "omar@example.com",
    "default-channel",
    address("Omar", "Haddad", "48 Beacon St", "Boston", "MA", "02108", "US", "+16175550177"),
)
SAM = Shopper(
    "sam@example.com",
    "default-channel",
    address("Sam", "Porter", "233 S Wacker Dr", "Chicago", "IL", "60606", "US", "+13125550188"),
)


def place(shopper: Shopper, lines: dict[str, int], *, method: str = "Standard") -> CodOrder:
    """Fill a checkout with ``lines`` (SKU to quantity), send it to the shopper's address and place it with COD."""
    user = shopper.user()
    products = dict(Product.objects.filter(sku__in=lines).values_list("sku", "pk"))
    checkout = services.create_checkout(
        user=user,
        channel_slug=shopper.channel,
        email=shopper.email,
        lines=[services.LineChange(products[sku], quantity) for sku, quantity in lines.items()],
        address=shopper.address,
    )
    delivery = DeliveryMethod.objects.get(channel__slug=shopper.channel, name=method)
    services.set_delivery_method(checkout, delivery.pk)
    context = HostContext(user=user)
    seen = check_eligibility(str(checkout.pk), context=context)
    if not seen.decision.is_eligible:
        reasons = ", ".join(reason.code for reason in seen.decision.reasons)
        raise CodError(CodErrorCode.NOT_ELIGIBLE, f"{shopper.email} cannot pay {lines} by COD: {reasons}")
    return complete_checkout(str(checkout.pk), context=context, accepted_terms_version=seen.policy.terms.version)
