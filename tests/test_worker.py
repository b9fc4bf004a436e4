"""A real Celery worker on Redis refreshes the exchange rates over HTTP; every process converts with them at once."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import override_settings

from cod_plugin.tasks import refresh_exchange_rates

from .graphql.conftest import Api
from .graphql.shop import new_checkout
from .graphql.test_eligibility import codes, eligibility
from .local_http import LocalJsonServer
from .workers import running_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

OXR = "openexchangerates.org"  # the name djmoney's OpenExchangeRatesBackend stores its rates under
APP_ID = "test-app-id"
PROVIDER_RATES = {"AED": 3.6725, "EUR": 0.92, "IDR": 8000, "JPY": 150, "KWD": 0.3075}  # IDR: 16250 in the fixture
IDR_TO_USD = f"djmoney:get_rate:IDR:USD:{OXR}"


class Provider(LocalJsonServer):
    """An OpenExchangeRates look-alike on 127.0.0.1: answers with the given statuses in turn, then 200."""

    path = "/api/latest.json"

    def __init__(self, statuses=()):
        super().__init__()
        self.statuses = list(statuses)
        self.requests: list[str] = []

    def answer(self, method, path, headers, body):
        self.requests.append(path)
        status = self.statuses.pop(0) if self.statuses else 200
        return status, ({"base": "USD", "rates": PROVIDER_RATES} if status == 200 else {"error": True})


def rates_from(provider: Provider, cache_env: dict) -> dict:
    """The worker's settings: the shared cache, and django-money reading rates from ``provider``."""
    return {
        **cache_env,
        "EXCHANGE_BACKEND": "djmoney.contrib.exchange.backends.OpenExchangeRatesBackend",
        "OPEN_EXCHANGE_RATES_URL": provider.url,
        "OPEN_EXCHANGE_RATES_APP_ID": APP_ID,
    }


def provider_rates_in_the_database() -> dict[str, Decimal]:
    from djmoney.contrib.exchange.models import Rate

    return dict(Rate.objects.filter(backend=OXR).values_list("currency", "value"))


def expected_rates() -> dict[str, Decimal]:
    return {currency: Decimal(str(value)) for currency, value in PROVIDER_RATES.items()}


def as_if_refreshed_from_the_fixture():
    """The provider's rates as an earlier refresh left them: the fixture's values, IDR at 16250."""
    from djmoney.contrib.exchange.models import ExchangeBackend, Rate

    backend = ExchangeBackend.objects.create(name=OXR, base_currency="USD")
    for rate in Rate.objects.filter(backend="fixture"):
        Rate.objects.create(backend=backend, currency=rate.currency, value=rate.value)


@override_settings(COD_EXCHANGE_BACKEND=OXR)
def test_the_worker_refreshes_rates_over_http_and_eligibility_follows(demo_data, shared_cache, redis_client, tmp_path):
    # given a cart in rupiah that is within the new customer's USD 500 at the rate of the last refresh (16250)
    as_if_refreshed_from_the_fixture()
    api = Api()
    checkout = new_checkout(api, "channel-id", {"HEADPHONES-001": 3})
    before = eligibility(api, checkout)
    assert before["isEligible"] and codes(before) == [], before
    assert cache.get(IDR_TO_USD) == 1 / Decimal("16250")  # the conversion is cached in the shared cache
    with Provider() as provider, running_worker(rates_from(provider, shared_cache), redis_client, tmp_path) as worker:
        # when the periodic refresh runs in the worker and the provider now says 8000 rupiah to the dollar
        stored = worker.run(refresh_exchange_rates)
    # then the provider was asked once, with the app id, for USD-based rates
    assert len(provider.requests) == 1, provider.requests
    query = parse_qs(urlsplit(provider.requests[0]).query)
    assert urlsplit(provider.requests[0]).path == "/api/latest.json"
    assert query["app_id"] == [APP_ID] and query["base"] == ["USD"]
    # and its rates are stored under its name
    assert stored == len(PROVIDER_RATES)
    assert provider_rates_in_the_database() == expected_rates()
    # and the worker forgot the cached conversion for this process too: the same cart is now over the limit
    assert cache.get(IDR_TO_USD) is None
    after = eligibility(api, checkout)
    assert codes(after) == ["AMOUNT_OVER_LIMIT"], after
    assert after["orderAmount"] == before["orderAmount"] and after["limit"] == before["limit"]


def test_a_provider_outage_is_retried_until_the_rates_arrive(demo_data, shared_cache, redis_client, tmp_path):
    # given a provider that fails once with a 500
    with (
        Provider(statuses=[500]) as provider,
        running_worker(rates_from(provider, shared_cache), redis_client, tmp_path) as worker,
    ):
        # when the refresh runs in the worker
        stored = worker.run(refresh_exchange_rates)
    # then the task retried by itself and the second answer was stored
    assert len(provider.requests) == 2, provider.requests
    assert stored == len(PROVIDER_RATES)
    assert provider_rates_in_the_database() == expected_rates()
