"""Screening test plumbing: earlier COD orders made directly with their identity keys, a store that takes deposits,
and the GraphQL plumbing of tests/graphql."""

from datetime import timedelta
from itertools import count

from django.utils import timezone
from djmoney.money import Money

from cod_plugin.host import DepositRequest
from cod_plugin.models import CodOrder
from cod_plugin.rules.identity import address_key, cart_key, normalize_phone
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.adapter import StoreAdapter
from tests.graphql.conftest import api, demo, token_for  # noqa: F401

NUMBERS = count(9001)
# The demo's US shopper (tests/graphql/shop.py ADDRESSES["US"]) and its keys.
US_PHONE = "+12125550100"
US_ADDRESS = {"country": "US", "postal_code": "10001", "city": "New York", "street_1": "1 Main St"}


class DepositStore(StoreAdapter):
    """The sandbox store with an online payment that takes every deposit it is asked."""

    def request_deposit(self, order_ref, *, amount, currency, expires_at):
        return DepositRequest(payment_ref=f"pay-{order_ref}", pay_url=f"https://pay.example/{order_ref}")


def earlier_order(
    *,
    phone: str = "",
    country: str = "US",
    address: dict | None = None,
    products=("TSHIRT-001",),
    status: str = CodStatus.COMPLETED,
    refusal_reason: str = "",
    customer_key: str | None = None,
    amount: str = "100.00",
    age: timedelta = timedelta(days=5),
    client_ip: str | None = None,
    **fields,
) -> CodOrder:
    """A COD order placed ``age`` ago, with its keys as placing would have stored them."""
    number = str(next(NUMBERS))
    address = address or {}
    order = CodOrder.objects.create(
        order_ref=f"ref-{number}",
        order_number=number,
        checkout_ref=f"checkout-{number}",
        channel="default-channel",
        customer_key=customer_key or f"guest:someone{number}@example.com",
        order_amount=Money(amount, "USD"),
        fee=Money("0", "USD"),
        amount_to_collect=Money(amount, "USD"),
        shipping_amount=Money("0", "USD"),
        tier="new",
        terms_version=1,
        terms_language="en",
        country=address.get("country", country),
        postal_code=fields.pop("postal_code", address.get("postal_code", "")),
        phone=phone,
        phone_e164=normalize_phone(phone, address.get("country", country)),
        address_key=address_key(**address) if address else "",
        cart_key=cart_key(products),
        client_ip=client_ip,
        status=status,
        refusal_reason=refusal_reason,
        **fields,
    )
    CodOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - age)
    order.refresh_from_db()
    return order
