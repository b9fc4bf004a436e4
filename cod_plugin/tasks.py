"""Celery tasks: thin wrappers that call flows."""

from celery import shared_task

from .flows import rates


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_exchange_rates() -> int:
    """Periodic: keep the rates that tier limits are checked with fresh (a provider outage is retried)."""
    return rates.refresh_rates()
