"""Long work on many orders, run by a task and watched while it runs: bulk actions of the admin, and later the
imports of couriers' files.

``start`` records a queued ``CodJob`` and sends the task once the caller's transaction commits. ``run`` (the task)
claims the job with one conditional UPDATE from queued to running, so a task delivered twice, or two workers at
once, run it once; it then works through the orders in chunks and saves the progress with one UPDATE per chunk.
On PostgreSQL the runner also holds a session advisory lock on its job (``running``): a job found running with its
lock free lost its worker (the lock dies with the connection), and the task delivered again (``acks_late``) takes
it over and runs it again from the start. Every kind of job may run again: an order already handed to the courier
counts as such, an export is written afresh, an import clears the rows the dead worker staged.
An order that cannot be handled is counted with its reason; only an unexpected error fails the job, and staff read
a plain sentence while the traceback goes to the ``cod_plugin`` log. With eager Celery (the sandbox) the same code
runs inline when the request commits."""

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..error_codes import CodError, CodErrorCode
from ..models import CodCustomerProfile, CodJob, CodOrder, Courier
from ..money import round_money
from ..rules.statuses import CodStatus
from . import enqueue, lifecycle, shipping

CHUNK_SIZE = 100
log = logging.getLogger("cod_plugin")

# Why an order counts as it does: the keys of ``CodJob.counts``.
EXPORTED, MISSING = "exported", "missing"
ASSIGNED, ALREADY_WITH_COURIER = "assigned", "already_with_courier"
NOT_CONFIRMED, HAS_TRACKING_NUMBER, COURIER_UNAVAILABLE = "not_confirmed", "has_tracking_number", "courier_unavailable"


def start(kind: str, *, user, order_pks, params: dict | None = None) -> CodJob:
    """A queued job over ``order_pks`` (each once), started by ``user`` in the active language; its task is sent
    when the caller's transaction commits."""
    pks = sorted({int(pk) for pk in order_pks})
    job = CodJob.objects.create(
        kind=kind,
        created_by=user,
        language=translation.get_language() or "",
        params={**(params or {}), "orders": pks, "actor": user.get_username()},
        total=len(pks),
    )
    enqueue.on_commit("run_job", job.pk)
    return job


def claim(job_pk: int) -> bool:
    """Whether this call took the job from queued to running: true for exactly one caller."""
    claimed = CodJob.objects.filter(pk=job_pk, status=CodJob.Status.QUEUED)
    return claimed.update(status=CodJob.Status.RUNNING, started_at=timezone.now()) == 1


# The advisory locks of running jobs, keyed by the job's pk: "COD" in the high 32 bits.
LOCK_SPACE = 0x434F44 << 32


@contextmanager
def running(job_pk: int) -> Iterator[bool]:
    """Whether this call runs the job: claimed from queued, or (PostgreSQL) taken over from a dead worker; while
    the body runs, the job's advisory lock is held."""
    if connection.vendor != "postgresql":
        yield claim(job_pk)
        return
    key = LOCK_SPACE | int(job_pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        locked = cursor.fetchone()[0]
    if not locked:
        yield False
        return
    try:
        yield claim(job_pk) or take_over(job_pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def take_over(job_pk: int) -> bool:
    """The caller holds the job's lock: a job still running has lost its worker, and is this caller's now."""
    abandoned = CodJob.objects.filter(pk=job_pk, status=CodJob.Status.RUNNING)
    return abandoned.update(started_at=timezone.now()) == 1


def run(job_pk: int, *, chunk_size: int = CHUNK_SIZE) -> str:
    """Run a queued job to its end (or one whose worker died); a job another run holds is left to it. Returns what
    this call did."""
    with running(job_pk) as claimed:
        if not claimed:
            return "not_claimed"
        return _run(job_pk, chunk_size=chunk_size)


def _run(job_pk: int, *, chunk_size: int) -> str:
    job = CodJob.objects.get(pk=job_pk)
    try:
        with translation.override(job.language or None):
            work = WORK[job.kind](job)
            for chunk in chunks(job.params.get("orders", []), chunk_size):
                work.process(chunk)
                CodJob.objects.filter(pk=job_pk).update(done=work.done, counts=work.counts)
            result = work.result()
    except Exception:
        log.exception("COD job %s (%s) failed", job_pk, job.kind)
        with translation.override(job.language or None):
            error = gettext("The job stopped on an unexpected error. Orders it had handled keep their changes.")
        _finish(job_pk, CodJob.Status.FAILED, error=error)
        return CodJob.Status.FAILED
    _finish(job_pk, CodJob.Status.DONE, **result)
    return CodJob.Status.DONE


def chunks(items: list, size: int) -> Iterator[list]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def _finish(job_pk: int, status: str, **fields) -> None:
    CodJob.objects.filter(pk=job_pk).update(status=status, finished_at=timezone.now(), **fields)


class Work:
    """What a job does with each chunk; ``done`` and ``counts`` are its progress so far."""

    def __init__(self, job: CodJob):
        self.job = job
        self.done = 0
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] = self.counts.get(key, 0) + n

    def process(self, pks: list[int]) -> None:
        raise NotImplementedError

    def result(self) -> dict:
        return {}


# --- export ----------------------------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        gettext("Order number"),
        gettext("Channel"),
        gettext("Status"),
        gettext("Customer"),
        gettext("Phone"),
        gettext("Country"),
        gettext("Area"),
        gettext("Postal code"),
        gettext("Courier"),
        gettext("Tracking number"),
        gettext("Currency"),
        gettext("Order amount"),
        gettext("COD fee"),
        gettext("Shipping"),
        gettext("Amount to collect"),
        gettext("Collected"),
        gettext("Placed at"),
        gettext("Appointment from"),
        gettext("Appointment until"),
        gettext("Last change"),
    ]


# A cell a spreadsheet would read as a formula; a phone number such as +12125550100 is left as it is.
FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().-]*$))")


def cell(value: str) -> str:
    return f"'{value}" if FORMULA.match(value) else value


def plain(amount: Decimal | None, currency: str) -> str:
    """``12.500`` for KWD, ``1505600.00`` for IDR: the currency's minor units, no grouping, no symbol."""
    return "" if amount is None else format(round_money(amount, currency), "f")


def iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


class Export(Work):
    """The orders as CSV, one row each, in the job's language; the file is kept on the job when done."""

    def __init__(self, job: CodJob):
        super().__init__(job)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.writer.writerow(export_header())
        self.statuses = dict(CodStatus.choices)

    def process(self, pks: list[int]) -> None:
        found = list(CodOrder.objects.filter(pk__in=pks).select_related("courier", "payment").order_by("pk"))
        keys = {order.customer_key for order in found}
        emails = dict(CodCustomerProfile.objects.filter(customer_key__in=keys).values_list("customer_key", "email"))
        for order in found:
            self.writer.writerow(self.row(order, emails.get(order.customer_key, "")))
        self.count(EXPORTED, len(found))
        self.count(MISSING, len(pks) - len(found))
        self.done += len(pks)

    def row(self, order: CodOrder, email: str) -> list[str]:
        currency = str(order.amount_to_collect.currency)
        payment = getattr(order, "payment", None)
        texts = [
            order.order_number,
            order.channel,
            str(self.statuses.get(order.status, order.status)),
            email or order.customer_key.removeprefix("guest:"),
            order.phone,
            order.country,
            order.area,
            order.postal_code,
            order.courier.name if order.courier_id else "",
            order.tracking_number,
        ]
        amounts = [order.order_amount, order.fee, order.shipping_amount, order.amount_to_collect]
        return [
            *map(cell, texts),
            currency,
            *(plain(money.amount, currency) for money in amounts),
            plain(payment.amount.amount if payment else None, currency),
            iso(order.created_at),
            iso(order.appointment_start),
            iso(order.appointment_end),
            iso(order.updated_at),
        ]

    def result(self) -> dict:
        return {"file_name": f"cod-orders-{self.job.pk}.csv", "file_content": self.buffer.getvalue()}


# --- handing orders to a courier -----------------------------------------------------------------------------


class AssignCourier(Work):
    """Each confirmed order without a tracking number goes to the chosen courier through ``shipping.assign`` (the
    flow of ``codOrderAssignCourier``: the courier active and serving the order's channel), each in its own
    transaction under the order's row lock; any other order is counted with its reason and left alone."""

    def __init__(self, job: CodJob):
        super().__init__(job)
        self.code = job.params["courier"]
        self.actor = job.params.get("actor", "")
        self.courier_pk = Courier.objects.filter(code=self.code).values_list("pk", flat=True).first()

    def process(self, pks: list[int]) -> None:
        for pk in pks:
            self.count(self.assign(pk))
            self.done += 1

    def assign(self, pk: int) -> str:
        try:
            with transaction.atomic():
                order = lifecycle.lock(pk)
                if order.tracking_number:
                    return HAS_TRACKING_NUMBER
                if order.status != CodStatus.CONFIRMED:
                    return NOT_CONFIRMED
                if self.courier_pk is not None and order.courier_id == self.courier_pk:
                    return ALREADY_WITH_COURIER
                shipping.assign(pk, self.code, actor=self.actor)
                return ASSIGNED
        except CodError as error:
            return MISSING if error.code == CodErrorCode.NOT_FOUND else COURIER_UNAVAILABLE


WORK: dict[str, type[Work]] = {CodJob.Kind.EXPORT_ORDERS: Export, CodJob.Kind.ASSIGN_COURIER: AssignCourier}
