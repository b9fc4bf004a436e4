"""The facts gathered for a checkout: the history that follows the person across accounts and guests, duplicates,
velocity, the usual and typical orders, the region; in the same few queries whatever the history's size."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows import screening
from cod_plugin.host import AddressSnapshot, CustomerSnapshot, HostContext
from cod_plugin.rules.risk import History, RiskSettings, SignalCode
from cod_plugin.rules.statuses import CodStatus
from tests.rules.builders import checkout, line

from .conftest import US_ADDRESS, earlier_order

pytestmark = pytest.mark.django_db

SETTINGS = RiskSettings()
AE_ADDRESS = {"country": "AE", "postal_code": "", "city": "Dubai", "street_1": "Sheikh Zayed Rd, Tower 3"}


def shopper(phone="(212) 555-0100", *, street="1 Main St", city="New York", country="US", postal_code="10001"):
    address = AddressSnapshot(
        country=country, area="NY", city=city, postal_code=postal_code, phone=phone, street_1=street
    )
    return checkout(
        line("TSHIRT-001", price="25.00"),
        shipping_address=address,
        customer=CustomerSnapshot(ref="77", email="new@example.com"),
    )


def context(ip="203.0.113.9") -> HostContext:
    return HostContext(request=RequestFactory().get("/", REMOTE_ADDR=ip))


def facts(snapshot, settings=SETTINGS, *, ip="203.0.113.9"):
    subject = screening.checkout_subject(snapshot, amount=snapshot.subtotal, context=context(ip))
    return screening.facts_for(subject, settings, joined_at=None)


def fired(snapshot) -> dict:
    assessment = screening.assess_checkout(snapshot, SETTINGS, amount=snapshot.subtotal, context=context())
    return {signal.code: signal for signal in assessment.signals}


def test_a_refuser_is_found_by_phone_across_accounts_whatever_the_format():
    # given: refusals by two other accounts, the number written in the international form
    earlier_order(phone="+1 212 555 0100", status=CodStatus.REFUSED, refusal_reason="fake_order")
    earlier_order(phone="+12125550100", status=CodStatus.REFUSED, refusal_reason="damaged")
    earlier_order(phone="+12125550100", status=CodStatus.CANCELLED)
    earlier_order(phone="+12125550199", status=CodStatus.REFUSED, refusal_reason="fake_order")  # another person
    # when: a new account checks out with the local form
    found = fired(shopper("(212) 555-0100", street="9 Other Rd"))
    # then: the phone's history, the damaged parcel no strike
    assert found[SignalCode.PHONE_HISTORY].data == {"refusals": 2, "strikes": 1, "cancellations": 1, "accounts": 3}
    assert SignalCode.ADDRESS_HISTORY not in found


def test_a_refuser_is_found_by_address_whatever_the_spelling():
    earlier_order(address=AE_ADDRESS, status=CodStatus.REFUSED, refusal_reason="no_reason", customer_key="customer:5")
    earlier_order(address=AE_ADDRESS, status=CodStatus.REFUSED, refusal_reason="not_at_home", customer_key="customer:5")
    snapshot = shopper("+971501234567", street="SHEIKH ZAYED RD. TOWER 3", city="dubai", country="AE", postal_code="")
    found = fired(replace(snapshot, currency="AED"))
    assert found[SignalCode.ADDRESS_HISTORY].data == {"refusals": 2, "strikes": 2, "cancellations": 0, "accounts": 1}
    assert SignalCode.PHONE_HISTORY not in found


def test_refusals_without_the_customers_fault_alone_are_no_signal():
    earlier_order(phone="+12125550100", status=CodStatus.REFUSED, refusal_reason="damaged")
    earlier_order(phone="+12125550100", status=CodStatus.REFUSED, refusal_reason="delivery_delay")
    assert facts(shopper()).phone_history == History(refusals=2, strikes=0, cancellations=0, accounts=2)
    assert SignalCode.PHONE_HISTORY not in fired(shopper())


def test_delivered_orders_are_no_history():
    earlier_order(phone="+12125550100", address=US_ADDRESS, status=CodStatus.COMPLETED)
    assert facts(shopper()).phone_history == History()
    assert facts(shopper()).address_history == History()


def test_an_open_order_with_the_same_products_within_the_window_is_a_duplicate():
    earlier_order(phone="+12125550100", status=CodStatus.PENDING_CONFIRMATION, age=timedelta(hours=47, minutes=59))
    earlier_order(phone="+12125550100", status=CodStatus.CONFIRMED, age=timedelta(hours=48, minutes=1))
    earlier_order(phone="+12125550100", status=CodStatus.CANCELLED, age=timedelta(hours=1))  # not open
    earlier_order(phone="+12125550100", products=("MUG-001",), status=CodStatus.SHIPPED, age=timedelta(hours=1))
    assert facts(shopper()).duplicates == 1


def test_the_duplicate_window_is_the_channels():
    earlier_order(address=US_ADDRESS, status=CodStatus.PENDING_CONFIRMATION, age=timedelta(hours=5))
    assert facts(shopper(), RiskSettings(duplicate_window_hours=4)).duplicates == 0
    assert facts(shopper(), RiskSettings(duplicate_window_hours=6)).duplicates == 1


def test_velocity_counts_the_last_24_hours_and_this_order():
    for hours in (1, 2, 23):
        earlier_order(phone="+12125550100", products=("MUG-001",), age=timedelta(hours=hours), client_ip="203.0.113.9")
    earlier_order(phone="+12125550100", age=timedelta(hours=24, seconds=1), client_ip="203.0.113.9")
    found = facts(shopper())
    assert (found.phone_orders_today, found.address_orders_today, found.client_orders_today) == (4, 1, 4)
    assert SignalCode.PHONE_VELOCITY in fired(shopper())


def test_three_orders_in_a_day_are_no_velocity():
    for hours in (1, 2):
        earlier_order(phone="+12125550100", products=("MUG-001",), age=timedelta(hours=hours))
    assert facts(shopper()).phone_orders_today == 3
    assert SignalCode.PHONE_VELOCITY not in fired(shopper())


def test_the_usual_order_is_the_median_of_the_customers_completed_orders():
    for amount in ("10.00", "20.00", "30.00", "40.00"):
        earlier_order(customer_key="customer:77", amount=amount)
    earlier_order(customer_key="customer:77", amount="900.00", status=CodStatus.REFUSED, refusal_reason="no_reason")
    assert facts(shopper()).customer_median == Decimal("25.00")


def test_the_typical_order_is_the_median_of_the_channels_last_90_days():
    for amount in ("10.00", "30.00", "70.00"):
        earlier_order(amount=amount, age=timedelta(days=89))
    earlier_order(amount="1000.00", age=timedelta(days=91))
    assert facts(shopper()).channel_median == Decimal("30.00")


def test_the_postal_areas_refusal_rate_when_it_has_enough_orders_else_the_areas():
    refused = {"status": CodStatus.REFUSED, "refusal_reason": "changed_mind"}
    for i in range(20):
        earlier_order(postal_code="10001", area="NY", **(refused if i < 7 else {}))
    earlier_order(postal_code="10001", area="NY", age=timedelta(days=91), **refused)  # too old
    earlier_order(postal_code="10001", area="NY", status=CodStatus.PENDING_CONFIRMATION)  # not finished
    region = facts(shopper()).region
    assert (region.place, region.finished, region.refused) == ("10001", 20, 7)
    assert SignalCode.REGION_REFUSALS in fired(shopper())
    fewer = facts(shopper(postal_code="10002")).region
    assert (fewer.place, fewer.finished, fewer.refused) == ("NY", 20, 7)


def test_screening_a_checkout_takes_the_same_queries_whatever_the_history():
    counts = []
    for size in (0, 30):
        for i in range(size):
            earlier_order(
                phone="+12125550100",
                address=US_ADDRESS,
                customer_key="customer:77",
                status=CodStatus.REFUSED if i % 2 else CodStatus.COMPLETED,
                refusal_reason="fake_order" if i % 2 else "",
                postal_code="10001",
            )
        with CaptureQueriesContext(connection) as queries:
            fired(shopper())
        counts.append(len(queries))
    assert counts == [5, 5]


def test_the_client_address_is_remote_addr_only():
    forwarded = HostContext(
        request=RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    )
    assert screening.client_ip(forwarded) == "203.0.113.9"
    assert screening.client_ip(context("not an ip")) is None
    assert screening.client_ip(HostContext()) is None
    assert screening.client_ip(None) is None
