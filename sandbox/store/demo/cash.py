"""The demo's courier cash, once the story has played and been dated: remittances from both couriers, recorded
through ``remittances.create`` as a courier's API would post them, so that finance's screens have something to
show. FastShip remits every order it collected more than eight days ago, a week ago, one of them five dollars
short (an open exception); SwiftBox, with three days to remit, remitted only its oldest order six days ago and
still holds the rest: one of its orders is overdue. With the orders collected over the last two weeks, the
overview's chart of cash with couriers rises and falls.

As in ``clock``, the only write that is no flow's moves the remittances' and their exceptions' "recorded at" to
the day they were remitted."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from cod_plugin.flows import remittances
from cod_plugin.models import CodOrder, CodReconciliationException, CodRemittance

from .steps import FINANCE

SHORT_BY = Decimal("5.00")  # what FastShip keeps back of one order's cash


def make_demo_remittances(now: datetime) -> list[CodRemittance]:
    today = timezone.localdate(now)
    made = []
    for currency in ("USD", "AED", "IDR"):
        old = [order for order in collected("fastship", currency) if order.payment.created_at < now - timedelta(days=8)]
        if old:
            short = old[-1] if currency == "USD" else None
            made.append(remit("fastship", old, on=today - timedelta(days=7), short=short))
    swiftbox = collected("swiftbox", "USD")
    made.append(remit("swiftbox", swiftbox[:1], on=today - timedelta(days=6)))
    return made


def collected(courier_code: str, currency: str) -> list[CodOrder]:
    """The courier's orders with a payment record in ``currency``, oldest collection first."""
    orders = CodOrder.objects.filter(courier__code=courier_code, payment__isnull=False)
    orders = orders.filter(amount_to_collect_currency=currency).select_related("payment", "courier")
    return list(orders.order_by("payment__created_at"))


def remit(courier_code: str, orders: list[CodOrder], *, on: date, short: CodOrder | None = None) -> CodRemittance:
    lines = [
        remittances.Line(
            row=row,
            reference=order.order_number,
            by="order",
            collected=order.payment.amount.amount - (SHORT_BY if order == short else 0),
            collected_on=timezone.localdate(order.payment.created_at),
        )
        for row, order in enumerate(orders, start=1)
    ]
    total = sum((line.collected for line in lines), Decimal(0))
    currency = str(orders[0].amount_to_collect.currency)
    reference = f"{courier_code.upper()}-{on:%Y%m%d}-{currency}"
    header = remittances.Header(reference=reference, remitted_on=on, currency=currency, total=total, net=total)
    remittance, _created = remittances.create(orders[0].courier, header, lines, actor=FINANCE, strict=False)
    recorded = timezone.make_aware(datetime.combine(on, time(17)))
    CodRemittance.objects.filter(pk=remittance.pk).update(created_at=recorded)
    CodReconciliationException.objects.filter(remittance=remittance).update(created_at=recorded)
    return remittance
