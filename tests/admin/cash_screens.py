"""Finance at the cash screens: the demo's finance user, couriers with delivered orders, and remittances written
straight to the tables (``tests.cash.remittance_rows``), as the import leaves them."""

from django.contrib.auth import get_user_model
from django.test import Client

from cod_plugin.models import Courier
from cod_plugin.rules.reconciliation import LineStatus

from .cod_orders import make_orders

REMITTANCES = "/admin/cod_plugin/codremittance/"
EXCEPTIONS = "/admin/cod_plugin/codreconciliationexception/"
FINANCE = "finance@example.com"


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


def courier(code: str = "fastship") -> Courier:
    return Courier.objects.create(code=code, name=code.title(), webhook_secret="w" * 20, channels=["default-channel"])


def delivered(count: int, carrier: Courier, *, start: int = 7001):
    """Delivered orders of ``carrier``, 103.00 USD to collect each, tracked as ``T<number>``."""
    orders = make_orders(count, start=start, status="delivered", courier=carrier)
    for order in orders:
        order.tracking_number = f"T{order.order_number}"
    type(orders[0]).objects.bulk_update(orders, ["tracking_number"])
    return orders


def lines_of(orders, status=LineStatus.MATCHED, collected="103.00"):
    return [(order, collected, status) for order in orders]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
