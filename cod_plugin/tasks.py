"""Celery tasks: thin wrappers that call flows."""

from celery import shared_task

from .couriers.client import RetryableCourierError
from .flows import (
    alerts,
    cash_in_hand,
    confirmation,
    jobs,
    notifications,
    rates,
    refunds,
    remittance_imports,
    shipping,
    sweeps,
)
from .notifications import RetryableError


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_exchange_rates() -> int:
    """Periodic: keep the rates that tier limits are checked with fresh (a provider outage is retried)."""
    return rates.refresh_rates()


@shared_task
def cancel_overdue_deliveries() -> int:
    """Periodic: cancel orders unpaid past their appointment or with too many failed attempts."""
    return sweeps.cancel_overdue_deliveries()


@shared_task
def expire_deposits() -> int:
    """Periodic: cancel the orders whose deposit is unpaid past its deadline (nothing is owed)."""
    return sweeps.expire_deposits()


@shared_task
def flag_unverified_claims() -> int:
    """Periodic: hand "Paid" claims that no courier record backs to support."""
    return sweeps.flag_unverified_claims()


@shared_task
def end_suspensions() -> int:
    """Periodic: suspensions that ran out end; the customer's tier follows."""
    return sweeps.end_suspensions()


@shared_task(autoretry_for=(RetryableError,), retry_backoff=True, retry_backoff_max=300, max_retries=8, acks_late=True)
def send_notification(notification_pk: int) -> str:
    """Send one message: a provider outage is retried with backoff, and a message already sent is not sent again.

    acks_late: a worker that dies mid-send leaves the task queued; the row's status makes the rerun harmless.
    """
    return notifications.send(notification_pk)


@shared_task
def send_pending_notifications() -> int:
    """Periodic: send again the messages still pending ten minutes after they were queued."""
    return notifications.send_pending()


@shared_task
def flag_overdue_confirmations() -> int:
    """Periodic: flag pending orders nobody reviewed within their channel's business days."""
    return confirmation.flag_overdue()


@shared_task
def rescreen_unopened_links() -> int:
    """Periodic: screen again, once, the pending orders whose confirmation link was never opened."""
    return sweeps.rescreen_unopened_links()


@shared_task
def flag_overdue_refunds() -> int:
    """Periodic: flag returns whose goods came back and whose refund is past its due date."""
    return refunds.flag_overdue_refunds()


@shared_task
def alert_overdue_cash() -> int:
    """Periodic (daily): e-mail the finance staff which couriers hold cash past their remittance deadline."""
    return cash_in_hand.alert_overdue()


@shared_task
def raise_risk_alerts() -> int:
    """Periodic (daily): raise the monitoring's alerts of the last full week and the running one (refusal rates
    above the threshold, repeat refusers across accounts) and e-mail the new ones to the COD managers."""
    return alerts.raise_alerts()


@shared_task(autoretry_for=(RetryableCourierError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def book_shipment(order_pk: int) -> str:
    """Book the confirmed order's shipment (a courier outage is retried with backoff); returns the tracking number.

    Booking twice is harmless: the flow skips an order with a tracking number and the courier de-duplicates by
    the order number.
    """
    return shipping.book_shipment(order_pk).tracking_number


@shared_task(acks_late=True)
def run_job(job_pk: int) -> str:
    """Run a queued job (a bulk action on orders) in chunks, saving its progress as it goes.

    acks_late: a job is claimed once, so a task delivered again after a worker died does not run it twice.
    """
    return jobs.run(job_pk)


@shared_task(acks_late=True)
def import_remittance(job_pk: int) -> str:
    """Import a courier's remittance report: stream it into the staging table, then apply it in one transaction.

    acks_late: a worker killed mid-import leaves the task queued; the next delivery takes the job over and starts
    again (nothing was applied: the remittance is made in the last, single transaction).
    """
    return remittance_imports.run_import(job_pk)


# The periodic tasks, in the order a sweep runs them: a Celery beat schedule names them (``cod_plugin.tasks.<name>``),
# and ``manage.py cod_sweep`` runs them from cron where there is no beat (``COD_TASKS = "inline"``).
SWEEPS = (
    refresh_exchange_rates,
    send_pending_notifications,
    flag_overdue_confirmations,
    rescreen_unopened_links,
    cancel_overdue_deliveries,
    expire_deposits,
    flag_unverified_claims,
    end_suspensions,
    flag_overdue_refunds,
    alert_overdue_cash,
    raise_risk_alerts,
)
