"""The COD plugin's host adapter for django-oscar.

In the shop's settings: ``COD_HOST_ADAPTER = "cod_plugin.contrib.oscar.adapter.OscarAdapter"``.

Every call reads or writes oscar's own models through oscar's own classes (``get_class``/``get_model``), so a shop
that forked an oscar app gets its fork. See ``settings.py`` for the settings, ``baskets.py`` for what a checkout is
here, ``orders.py`` for order creation and edits, ``lifecycle.py`` for status and stock.
"""

from __future__ import annotations

from decimal import Decimal

from ...host import (
    BaseHostAdapter,
    CheckoutSnapshot,
    CustomerSnapshot,
    HostContext,
    OrderChanges,
    OrderDraft,
    OrderSnapshot,
)
from . import baskets, lifecycle, orders


class OscarAdapter(BaseHostAdapter):
    """Implements ``cod_plugin.host.HostAdapter`` (and the optional lifecycle calls) on oscar's baskets and orders."""

    def get_checkout(self, checkout_ref: str, *, context: HostContext, lock: bool = False) -> CheckoutSnapshot | None:
        basket = baskets.find_basket(checkout_ref, context, lock=lock)
        if basket is None:
            return None
        return baskets.snapshot(baskets.prepare(basket, context), context)

    def get_customer(self, context: HostContext) -> CustomerSnapshot | None:
        user = context.user
        if user is None or not user.is_authenticated:
            return None
        return baskets.customer_snapshot(user)

    def create_order(self, draft: OrderDraft, *, context: HostContext) -> OrderSnapshot:
        return orders.create(draft, context)

    def get_order(self, order_ref: str) -> OrderSnapshot | None:
        return orders.get(order_ref)

    def update_order(self, order_ref: str, changes: OrderChanges) -> OrderSnapshot:
        return orders.update(order_ref, changes)

    def set_fee(self, order_ref: str, *, fee: Decimal, label: str) -> OrderSnapshot:
        return orders.set_fee(order_ref, fee=fee, label=label)

    def cancel_order(self, order_ref: str, *, reason: str) -> None:
        lifecycle.cancel(order_ref, reason=reason)

    def mark_order_paid(self, order_ref: str) -> None:
        lifecycle.paid(order_ref)

    def order_confirmed(self, order_ref: str) -> None:
        lifecycle.tell(order_ref, "confirmed")

    def order_shipped(self, order_ref: str) -> None:
        lifecycle.ship(order_ref)

    def order_delivered(self, order_ref: str) -> None:
        lifecycle.tell(order_ref, "delivered")

    def restock(self, order_ref: str, *, quantities: dict[str, int] | None, reason: str) -> None:
        lifecycle.restock(order_ref, quantities=quantities, reason=reason)

    def order_refunded(self, order_ref: str, *, amount: Decimal, currency: str) -> None:
        lifecycle.refunded(order_ref, amount=amount, currency=currency)

    def get_channel_names(self, slugs: list[str] | None) -> dict[str, str]:
        from django.conf import settings

        channel = baskets.oscar_settings.CHANNEL
        return {channel: settings.OSCAR_SHOP_NAME} if slugs is None or channel in slugs else {}
