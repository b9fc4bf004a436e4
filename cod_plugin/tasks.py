"""Celery tasks: thin wrappers that call flows."""

from celery import shared_task

from .flows import rates, sweeps


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_exchange_rates() -> int:
    """Periodic: keep the rates that tier limits are checked with fresh (a provider outage is retried)."""
    return rates.refresh_rates()


@shared_task
def cancel_overdue_deliveries() -> int:
    """Periodic: cancel orders unpaid past their appointment or with too many failed attempts."""
    return sweeps.cancel_overdue_deliveries()


@shared_task
def flag_unverified_claims() -> int:
    """Periodic: hand "Paid" claims that no courier record backs to support."""
    return sweeps.flag_unverified_claims()


@shared_task
def end_suspensions() -> int:
    """Periodic: suspensions that ran out end; the customer's tier follows."""
    return sweeps.end_suspensions()
