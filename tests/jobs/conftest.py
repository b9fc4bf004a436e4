"""Jobs test plumbing: COD orders made directly (the jobs read and assign them, they place nothing), couriers, staff
of each group, and a way to run what a request enqueued."""

from contextlib import contextmanager
from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from djmoney.money import Money

from cod_plugin.models import CodOrder, Courier
from cod_plugin.rules.statuses import CodStatus
from tests.admin.conftest import staff_client, superuser_client  # noqa: F401
from tests.graphql.conftest import demo  # noqa: F401
from tests.workers import tasks_run_here

NUMBERS = count(5001)


def make_order(*, channel="default-channel", currency="USD", amount="100.00", fee="5.00", **fields) -> CodOrder:
    number = str(next(NUMBERS))
    total = Decimal(amount) + Decimal(fee)
    defaults = {
        "order_ref": f"ref-{number}",
        "order_number": number,
        "checkout_ref": f"checkout-{number}",
        "channel": channel,
        "customer_key": f"guest:buyer{number}@example.com",
        "order_amount": Money(amount, currency),
        "fee": Money(fee, currency),
        "amount_to_collect": Money(total, currency),
        "shipping_amount": Money("0", currency),
        "tier": "NEW",
        "terms_version": 1,
        "terms_language": "en",
        "country": "US",
        "status": CodStatus.CONFIRMED,
    }
    return CodOrder.objects.create(**{**defaults, **fields})


def make_courier(code="fastship", channels=("default-channel",), **fields) -> Courier:
    fields = {"name": code.title(), "webhook_secret": "w" * 20, "channels": list(channels), **fields}
    return Courier.objects.create(code=code, **fields)


def group_client(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


@contextmanager
def run_enqueued(capture):
    """Run the tasks a request enqueues on commit, here, as eager Celery does in the sandbox."""
    with tasks_run_here(), capture(execute=True):
        yield


@pytest.fixture
def enqueued(django_capture_on_commit_callbacks):
    return lambda: run_enqueued(django_capture_on_commit_callbacks)
