"""Cash with couriers, made straight in the tables: couriers, collected orders dated as a test needs, and the
remittance lines that take their cash off the couriers' hands."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone
from djmoney.money import Money

from cod_plugin.models import CodPaymentRecord, CodRemittance, CodRemittanceLine, Courier
from tests.admin.cod_orders import make_orders

TODAY = date(2026, 6, 15)
_numbers = count(7001, 100)


def courier(code: str = "fastship", *, days: int = 7, **fields) -> Courier:
    defaults = {"name": code.capitalize(), "webhook_secret": "w" * 20, "remittance_days": days}
    return Courier.objects.create(code=code, **{**defaults, **fields})


def collected(courier: Courier, on: date, *, n: int = 1, amount: str = "103", currency: str = "USD"):
    """``n`` completed orders of ``courier`` whose cash (``amount`` each) was collected at noon on ``on``."""
    orders = make_orders(n, start=next(_numbers), currency=currency, courier=courier, status="completed")
    CodPaymentRecord.objects.bulk_create(
        CodPaymentRecord(order=order, amount=Money(Decimal(amount), currency), method="cash", source="courier")
        for order in orders
    )
    at = timezone.make_aware(datetime.combine(on, time(12)))
    CodPaymentRecord.objects.filter(order__in=orders).update(created_at=at)
    return orders


def days_before(n: int, today: date = TODAY) -> date:
    return today - timedelta(days=n)


def remit(
    orders, *, on: date = TODAY, counted: bool = True, status: str = "matched", reference: str = ""
) -> CodRemittance:
    """A remittance of ``orders`` by their courier, remitted on ``on``; its lines counted or not."""
    first = orders[0]
    currency = str(first.amount_to_collect.currency)
    remittance = CodRemittance.objects.create(
        courier_id=first.courier_id,
        reference=reference or f"R-{first.pk}-{counted}",
        remitted_on=on,
        currency=currency,
        source="api",
        fingerprint="f" * 64,
    )
    CodRemittanceLine.objects.bulk_create(
        CodRemittanceLine(
            remittance=remittance,
            row=row,
            reference=order.order_number,
            order=order,
            expected=order.amount_to_collect.amount,
            collected=order.amount_to_collect.amount,
            remitted=order.amount_to_collect.amount,
            status=status,
            counted=counted,
        )
        for row, order in enumerate(orders, start=1)
    )
    return remittance
