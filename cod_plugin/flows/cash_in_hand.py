"""Cash in hand: what each courier collected and has not yet remitted, aged against its remittance deadline; the
same over the last days for the overview's chart; the e-mail that tells finance of overdue cash; the rows of a
period's reconciliation for the accountant's CSV.

The cash a courier holds is the collected amount of each of its orders with a payment record (the courier's
record of the cash) that no counted remittance line covers. It is collected on the payment record's date in the
store's time zone; each day's edges are local midnights, so the ageing buckets and the deadline are sums of
CASE expressions over those instants (``rules.reconciliation.BUCKETS``): one query whatever the number of orders.
Read-only: nothing here writes but the e-mail."""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Case, Count, DateField, DecimalField, F, FilteredRelation, Min, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .. import formatting
from ..models import CodOrder, CodReconciliationException, CodRemittanceLine, Courier
from ..models.base import AMOUNT
from ..permissions import RECONCILE_CASH
from ..rules.reconciliation import BUCKETS, LineStatus, days_held
from .jobs import cell, plain

log = logging.getLogger("cod_plugin")
ZERO = Decimal(0)
HISTORY_DAYS = 30
MAX_PERIOD_DAYS = 366  # the longest history, and the longest period exported at once
EXPORT_CHUNK = 500
AMOUNT_FIELD = DecimalField(**AMOUNT)
GROUPED = ("courier_id", "courier__code", "courier__name", "courier__remittance_days", "payment__amount_currency")


@dataclass(frozen=True)
class CashHeld:
    """The cash one courier holds in one currency, aged."""

    courier_id: int
    courier_code: str
    courier_name: str
    currency: str
    deadline_days: int
    total: Decimal
    orders: int
    buckets: dict[str, Decimal]  # keyed by BUCKETS names, every key present
    counts: dict[str, int]
    overdue_amount: Decimal
    overdue_orders: int
    oldest_days: int

    @property
    def overdue(self) -> bool:
        return self.overdue_orders > 0


@dataclass(frozen=True)
class HistoryPoint:
    day: date
    courier_code: str
    currency: str
    amount: Decimal
    courier_name: str = ""


def midnight(day: date) -> datetime:
    """The start of ``day`` in the store's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def held_orders():
    """Orders whose cash a courier collected (a payment record), each with the remittance line that counts for it
    as ``counted_line`` (at most one: a unique constraint; null while no remittance covers the order)."""
    counted = FilteredRelation("remittance_lines", condition=Q(remittance_lines__counted=True))
    return CodOrder.objects.filter(payment__isnull=False, courier__isnull=False).annotate(counted_line=counted)


def _amount_when(condition: Q):
    return Sum(Case(When(condition, then="payment__amount"), default=Value(ZERO), output_field=AMOUNT_FIELD))


def _count_when(condition: Q):
    return Count("pk", filter=condition)


def _collected_between(first_days: int, last_days: int | None, today: date) -> Q:
    """Collected ``first_days`` to ``last_days`` days before ``today`` (no end: that long or longer); the first
    bucket also takes a record dated after today, as ``days_held`` does."""
    condition = Q()
    if first_days > 0:
        condition &= Q(payment__created_at__lt=midnight(today - timedelta(days=first_days - 1)))
    if last_days is not None:
        condition &= Q(payment__created_at__gte=midnight(today - timedelta(days=last_days)))
    return condition


def _overdue(deadlines: Iterable[int], today: date) -> Q:
    """Held longer than its courier's deadline: collected before the start of the day ``deadline`` days ago."""
    condition = Q(pk__in=[])
    for days in deadlines:
        late = Q(payment__created_at__lt=midnight(today - timedelta(days=days)))
        condition |= Q(courier__remittance_days=days) & late
    return condition


def cash_in_hand(*, courier_pk: int | None = None, today: date | None = None) -> list[CashHeld]:
    """One row per courier and currency holding cash, by courier code then currency: two queries."""
    today = today or timezone.localdate()
    couriers = Courier.objects.filter(pk=courier_pk) if courier_pk is not None else Courier.objects.all()
    deadlines = couriers.order_by("remittance_days").values_list("remittance_days", flat=True).distinct()
    orders = held_orders().filter(counted_line__isnull=True)
    if courier_pk is not None:
        orders = orders.filter(courier_id=courier_pk)
    sums = {}
    for name, first, last in BUCKETS:
        condition = _collected_between(first, last, today)
        sums[f"amount_{name}"], sums[f"count_{name}"] = _amount_when(condition), _count_when(condition)
    overdue = _overdue(deadlines, today)
    rows = (
        orders.values(*GROUPED)
        .annotate(
            total=Sum("payment__amount"),
            orders=Count("pk"),
            overdue_amount=_amount_when(overdue),
            overdue_orders=_count_when(overdue),
            oldest=Min("payment__created_at"),
            **sums,
        )
        .order_by("courier__code", "payment__amount_currency")
    )
    return [_held(row, today) for row in rows]


def _held(row: dict, today: date) -> CashHeld:
    return CashHeld(
        courier_id=row["courier_id"],
        courier_code=row["courier__code"],
        courier_name=row["courier__name"],
        currency=row["payment__amount_currency"],
        deadline_days=row["courier__remittance_days"],
        total=row["total"] or ZERO,
        orders=row["orders"],
        buckets={name: row[f"amount_{name}"] or ZERO for name, _first, _last in BUCKETS},
        counts={name: row[f"count_{name}"] for name, _first, _last in BUCKETS},
        overdue_amount=row["overdue_amount"] or ZERO,
        overdue_orders=row["overdue_orders"],
        oldest_days=days_held(timezone.localdate(row["oldest"]), today),
    )


# --- over time ---------------------------------------------------------------------------------------------------


def history(*, days: int = HISTORY_DAYS, today: date | None = None) -> list[HistoryPoint]:
    """The cash with each courier, per currency, at the end of each of the last ``days`` days (today last): a
    point for every day of every courier and currency that held cash in the window. One query: the collected
    amounts summed per local day of collection (all days before the window as its first) and day of remittance,
    a few rows per courier and day; each day's end is then added up here. (A sum per day in SQL, a CASE for each
    of the window's days, gave the same figures, but building its 30 expressions took the ORM longer than the
    whole of the rest of the overview page.)"""
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise ValueError(f"history covers 1 to {MAX_PERIOD_DAYS} days, not {days}")
    today = today or timezone.localdate()
    window = [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
    not_yet_remitted = Q(counted_line__isnull=True) | Q(counted_line__remittance__remitted_on__gte=window[0])
    orders = held_orders().filter(not_yet_remitted, payment__created_at__lt=midnight(today + timedelta(days=1)))
    # Collected before the end of ``day`` is collected on a local date up to ``day`` (its edges are local
    # midnights, as ``midnight`` makes them).
    collected_on = Case(
        When(payment__created_at__lt=midnight(window[0]), then=Value(window[0])),
        default=TruncDate("payment__created_at", tzinfo=timezone.get_current_timezone()),
        output_field=DateField(),
    )
    rows = (
        orders.annotate(collected_on=collected_on, remitted_on=F("counted_line__remittance__remitted_on"))
        .values("courier__code", "courier__name", "payment__amount_currency", "collected_on", "remitted_on")
        .annotate(amount=Sum("payment__amount"))
        .order_by()
    )
    held: dict[tuple[str, str, str], list[Decimal]] = {}
    for row in rows:
        series = held.setdefault((row["courier__code"], row["payment__amount_currency"], row["courier__name"]), [])
        if not series:
            series.extend(ZERO for _day in window)
        for index, day in enumerate(window):
            if row["collected_on"] <= day and (row["remitted_on"] is None or row["remitted_on"] > day):
                series[index] += row["amount"] or ZERO
    return [
        HistoryPoint(day, code, currency, amounts[index], name)
        for (code, currency, name), amounts in sorted(held.items())
        for index, day in enumerate(window)
    ]


# --- the alert ---------------------------------------------------------------------------------------------------


def finance_staff():
    """Active staff holding the cash permission (through a group or their own), with an e-mail address; a
    superuser is not finance unless given it. Read from Django's permission tables (the store may add other
    authentication backends, which know nothing of these)."""
    app_label, codename = RECONCILE_CASH.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
    users = get_user_model().objects.filter(holders, is_active=True, is_staff=True).exclude(email="")
    return users.distinct().order_by("pk")


def alert_overdue(*, today: date | None = None) -> int:
    """E-mail the finance staff which couriers hold overdue cash, how much and how old; the number of couriers
    alerted (none when no cash is overdue or nobody is there to tell)."""
    today = today or timezone.localdate()
    late = [held for held in cash_in_hand(today=today) if held.overdue]
    if not late:
        return 0
    recipients = list(finance_staff().values_list("email", flat=True))
    if not recipients:
        log.warning("Overdue courier cash, but no active finance staff with an e-mail to tell")
        return 0
    couriers = {held.courier_id for held in late}
    subject = ngettext(
        "COD: overdue cash with %(count)d courier", "COD: overdue cash with %(count)d couriers", len(couriers)
    ) % {"count": len(couriers)}
    send_mail(subject, _alert_text(late, today), settings.DEFAULT_FROM_EMAIL, recipients)
    return len(couriers)


def _alert_text(late: list[CashHeld], today: date) -> str:
    lines = [gettext("Cash collected and not remitted past the courier's deadline, on %(day)s:") % {"day": today}]
    for held in late:
        values = {
            "courier": held.courier_name,
            "amount": formatting.money(held.overdue_amount, held.currency),
            "orders": held.overdue_orders,
            "days": held.oldest_days,
            "deadline": held.deadline_days,
            "total": formatting.money(held.total, held.currency),
        }
        text = ngettext(
            "%(courier)s: %(amount)s overdue in %(orders)d order, the oldest held %(days)d days (deadline "
            "%(deadline)d days); %(total)s in hand in all.",
            "%(courier)s: %(amount)s overdue in %(orders)d orders, the oldest held %(days)d days (deadline "
            "%(deadline)d days); %(total)s in hand in all.",
            held.overdue_orders,
        )
        lines.append("- " + text % values)
    return "\n".join(lines) + "\n"


# --- the accountant's export ------------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        gettext("Order number"),
        gettext("Courier"),
        gettext("Tracking number"),
        gettext("Currency"),
        gettext("Expected"),
        gettext("Collected"),
        gettext("Collected on"),
        gettext("Remittance reference"),
        gettext("Remitted on"),
        gettext("Line status"),
        gettext("Deposited on"),
        gettext("Open exceptions"),
    ]


def period_orders(start: date, end: date):
    """The orders of a period: collected in it (their payment record's local date), or, without a payment record,
    named by a remittance remitted in it."""
    collected = Q(payment__created_at__gte=midnight(start), payment__created_at__lt=midnight(end + timedelta(days=1)))
    remitted = CodRemittanceLine.objects.filter(remittance__remitted_on__range=(start, end), order__isnull=False)
    named = Q(payment__isnull=True, pk__in=remitted.values("order_id"))
    return CodOrder.objects.filter(collected | named).select_related("courier", "payment").order_by("pk")


def reconciliation_rows(start: date, end: date) -> Iterator[list[str]]:
    """The CSV of a period, header first, one row per order, read in chunks of ``EXPORT_CHUNK`` orders (three
    queries each) so that a long period streams. Amounts plain in the currency's minor units; text cells that a
    spreadsheet would run as a formula are quoted."""
    yield export_header()
    orders, last = period_orders(start, end), 0
    while chunk := list(orders.filter(pk__gt=last)[:EXPORT_CHUNK]):
        yield from _export_chunk(chunk)
        last = chunk[-1].pk


def _export_chunk(orders: list[CodOrder]) -> Iterator[list[str]]:
    pks = [order.pk for order in orders]
    lines: dict[int, CodRemittanceLine] = {}
    found = CodRemittanceLine.objects.filter(order__in=pks).select_related("remittance")
    for line in found.order_by("order_id", "-counted", "-pk"):
        lines.setdefault(line.order_id, line)
    open_ = CodReconciliationException.objects.filter(order__in=pks, status=CodReconciliationException.Status.OPEN)
    exceptions = dict(open_.values("order").annotate(n=Count("pk")).values_list("order", "n"))
    for order in orders:
        yield _export_row(order, lines.get(order.pk), exceptions.get(order.pk, 0))


def _export_row(order: CodOrder, line: CodRemittanceLine | None, open_exceptions: int) -> list[str]:
    currency = str(order.amount_to_collect.currency)
    payment = getattr(order, "payment", None)
    remittance = line.remittance if line else None
    return [
        cell(order.order_number),
        cell(order.courier.name if order.courier_id else ""),
        cell(order.tracking_number),
        currency,
        plain(order.amount_to_collect.amount, currency),
        plain(payment.amount.amount if payment else None, currency),
        timezone.localdate(payment.created_at).isoformat() if payment else "",
        cell(remittance.reference if remittance else ""),
        remittance.remitted_on.isoformat() if remittance else "",
        cell(str(LineStatus(line.status).label)) if line else "",
        remittance.deposited_on.isoformat() if remittance and remittance.deposited_on else "",
        str(open_exceptions),
    ]
