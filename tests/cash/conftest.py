"""Cash test plumbing: couriers and delivered orders made straight in the tables."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from cod_plugin.models import CodPaymentRecord
from cod_plugin.rules.statuses import CodStatus
from tests.jobs.conftest import make_courier, make_order


@pytest.fixture
def fastship(db):
    return make_courier("fastship")


@pytest.fixture
def slowship(db):
    return make_courier("slowship")


def delivered(courier, *, amount="100.00", fee="5.00", paid=True, currency="USD", status=CodStatus.COMPLETED):
    """An order of ``courier`` whose cash the courier collected (``paid``: with its payment record)."""
    order = make_order(courier=courier, amount=amount, fee=fee, currency=currency, status=status)
    if paid:
        CodPaymentRecord.objects.create(
            order=order, amount=Money(Decimal(amount) + Decimal(fee), currency), method="cash", source="courier"
        )
    return order
