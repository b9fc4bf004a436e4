"""Refreshing exchange rates from the configured django-money backend, seen at once by every process."""

from itertools import permutations

from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string
from djmoney import settings as djmoney_settings
from djmoney.contrib.exchange.models import Rate


def refresh_rates() -> int:
    """Fetch and store the backend's rates; forget the cached conversions. Returns how many rates were stored."""
    backend = import_string(djmoney_settings.EXCHANGE_BACKEND)()
    with transaction.atomic():
        backend.update_rates(base_currency=djmoney_settings.BASE_CURRENCY)
        currencies = set(Rate.objects.filter(backend=backend.name).values_list("currency", flat=True))
    currencies.add(djmoney_settings.BASE_CURRENCY)
    # djmoney caches each conversion it served; a stale one would outlive the new rates.
    cache.delete_many([f"djmoney:get_rate:{a}:{b}:{backend.name}" for a, b in permutations(sorted(currencies), 2)])
    return len(currencies) - 1
