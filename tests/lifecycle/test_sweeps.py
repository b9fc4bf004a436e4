"""The periodic sweeps: overdue deliveries cancelled, unbacked "Paid" claims flagged, ended suspensions lifted.

The flows are called here directly, then the same sweeps run as Celery tasks in a real worker on Redis.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money
from strawberry.relay import to_base64

from cod_plugin.flows import delivery, payment, sweeps
from cod_plugin.host import HostContext, get_adapter
from cod_plugin.models import (
    CodCustomerProfile,
    CodOrder,
    CodOrderEvent,
    CodPaymentClaim,
    CodPaymentRecord,
    CodPolicy,
    CodProfileEvent,
)
from cod_plugin.rules.statuses import CodStatus
from cod_plugin.tasks import cancel_overdue_deliveries, end_suspensions, flag_unverified_claims
from sandbox.store.auth import create_token
from sandbox.store.models import Order, Stock
from tests.graphql.conftest import Api
from tests.workers import running_worker, tasks_run_here

from .helpers import confirm, place

PROFILE = '{ codProfile(channel: "default-channel") { tier suspendedUntil } }'
SUSPENDED_UNTIL = datetime(2027, 3, 1, tzinfo=UTC)  # suspended@example.com, in the fixtures
LINES = {"TSHIRT-001": 2, "HEADPHONES-001": 1}


def stock() -> dict[str, int]:
    return dict(Stock.objects.values_list("product__sku", "quantity"))


def out_for_delivery(order: CodOrder, *, ended_hours_ago: float) -> None:
    """Confirmed and out with the courier, the two-hour appointment over ``ended_hours_ago`` hours ago."""
    confirm(order)
    end = timezone.now() - timedelta(hours=ended_hours_ago)
    window = delivery.Window(start=end - timedelta(hours=2), end=end)
    delivery.update_status(order.pk, delivery.StatusUpdate(status=CodStatus.OUT_FOR_DELIVERY, window=window), actor="c")


def failed_attempts(order: CodOrder, count: int) -> None:
    confirm(order)
    for _ in range(count):
        for status in (CodStatus.OUT_FOR_DELIVERY, CodStatus.DELIVERY_FAILED):
            delivery.update_status(order.pk, delivery.StatusUpdate(status=status, reason="nobody home"), actor="c")


def claimed(order: CodOrder, email: str, reference="RCPT-1") -> None:
    customer = get_adapter().get_customer(HostContext(user=get_user_model().objects.get(email=email)))
    payment.mark_paid(order.pk, customer=customer, reference=reference, method="cash")


def cancellations(order: CodOrder) -> list[tuple[str, str]]:
    return list(CodOrderEvent.objects.filter(order=order, kind="cancel").values_list("reason", "to_status"))


def test_an_order_unpaid_past_its_appointment_and_the_channels_grace_is_cancelled(api, token_for):
    # given grace periods of 6 hours in the default channel and 48 in the Emirates
    CodPolicy.objects.filter(channel="default-channel").update(unpaid_grace_hours=6)
    CodPolicy.objects.filter(channel="channel-ae").update(unpaid_grace_hours=48)
    before = stock()
    customer = token_for("new@example.com")
    _, overdue = place(api, customer, LINES)
    _, within = place(api, customer, LINES)
    _, elsewhere = place(api, customer, {"TSHIRT-001": 1}, channel="channel-ae")
    out_for_delivery(overdue, ended_hours_ago=7)
    out_for_delivery(within, ended_hours_ago=5)
    out_for_delivery(elsewhere, ended_hours_ago=7)
    # when the sweep runs
    assert sweeps.cancel_overdue_deliveries() == 1
    # then only the order past its own channel's grace is cancelled, with the reason, and its stock is back
    overdue.refresh_from_db()
    assert overdue.status == CodStatus.CANCELLED
    assert cancellations(overdue) == [("unpaid_after_appointment", CodStatus.CANCELLED)]
    assert Order.objects.get(pk=overdue.order_ref).status == Order.Status.CANCELED
    for order in (within, elsewhere):
        order.refresh_from_db()
        assert order.status == CodStatus.OUT_FOR_DELIVERY and cancellations(order) == []
        assert Order.objects.get(pk=order.order_ref).status != Order.Status.CANCELED
    # and the overdue order's goods are still with the courier: its stock comes back with the parcel
    assert stock() == {**before, "TSHIRT-001": before["TSHIRT-001"] - 5, "HEADPHONES-001": before["HEADPHONES-001"] - 2}
    returned = delivery.StatusUpdate(status=CodStatus.RETURNED_TO_ORIGIN)
    delivery.update_status(overdue.pk, returned, actor="c")
    after = stock()
    assert after["TSHIRT-001"] == before["TSHIRT-001"] - 2 - 1  # within's two and the Emirates' one are still out
    assert after["HEADPHONES-001"] == before["HEADPHONES-001"] - 1
    # and a second run has nothing left to do
    assert sweeps.cancel_overdue_deliveries() == 0


def test_an_order_with_more_failed_attempts_than_reschedules_allowed_is_cancelled(api, token_for):
    customer = token_for("new@example.com")
    allowed = CodPolicy.objects.get(channel="default-channel").max_reschedules
    _, too_many = place(api, customer, LINES)
    _, at_the_limit = place(api, customer, LINES)
    failed_attempts(too_many, allowed + 1)
    failed_attempts(at_the_limit, allowed)
    assert sweeps.cancel_overdue_deliveries() == 1
    too_many.refresh_from_db()
    at_the_limit.refresh_from_db()
    assert too_many.status == CodStatus.CANCELLED
    assert cancellations(too_many) == [("too_many_failed_attempts", CodStatus.CANCELLED)]
    assert Order.objects.get(pk=too_many.order_ref).status == Order.Status.CANCELED
    assert at_the_limit.status == CodStatus.DELIVERY_FAILED and cancellations(at_the_limit) == []


def test_an_order_with_a_payment_record_is_never_cancelled(api, token_for):
    # given two orders long past their appointment and with too many failed attempts, whose cash the courier holds
    customer = token_for("new@example.com")
    _, late = place(api, customer, LINES)
    _, failed = place(api, customer, LINES)
    out_for_delivery(late, ended_hours_ago=24 * 30)
    failed_attempts(failed, 5)
    for order in (late, failed):
        # the courier's record, as a remittance batch may bring it before the delivery scan
        CodPaymentRecord.objects.create(order=order, amount=order.amount_to_collect, method="cash", source="courier")
    # and a delivered one with a collected amount that differs, its appointment long over too
    _, short = place(api, customer, LINES)
    out_for_delivery(short, ended_hours_ago=24 * 30)
    collected = delivery.Collected(amount=short.amount_to_collect.amount - 1, currency="USD", method="cash")
    delivery.update_status(short.pk, delivery.StatusUpdate(status=CodStatus.DELIVERED, collected=collected), actor="c")
    # when the sweep runs, then none of them is cancelled
    assert sweeps.cancel_overdue_deliveries() == 0
    statuses = {o.pk: o.status for o in CodOrder.objects.filter(pk__in=[late.pk, failed.pk, short.pk])}
    assert statuses == {
        late.pk: CodStatus.OUT_FOR_DELIVERY,
        failed.pk: CodStatus.DELIVERY_FAILED,
        short.pk: CodStatus.DELIVERED,
    }


def test_a_claim_without_a_courier_record_after_the_grace_days_is_flagged_once(api, token_for):
    # given three "Paid" claims: one unbacked, one backed by the courier's record, one made later
    customer = token_for("new@example.com")
    grace = CodPolicy.objects.get(channel="default-channel").claim_grace_days
    orders = []
    for _ in range(3):
        _, order = place(api, customer, LINES)
        out_for_delivery(order, ended_hours_ago=-24)  # tomorrow's appointment
        orders.append(order)
    unbacked, backed, recent = orders
    claimed(unbacked, "new@example.com")
    claimed(backed, "new@example.com")
    CodPaymentRecord.objects.create(order=backed, amount=Money(1, "USD"), method="cash", source="courier")
    later = timezone.now() + timedelta(days=grace, hours=1)
    CodPaymentClaim.objects.filter(order__in=[unbacked, backed]).update(created_at=timezone.now() - timedelta(hours=2))
    claimed(recent, "new@example.com")
    CodPaymentClaim.objects.filter(order=recent).update(created_at=timezone.now() + timedelta(hours=2))
    # when the sweep runs past the grace days of the first two, twice
    assert sweeps.flag_unverified_claims(now=later) == 1
    assert sweeps.flag_unverified_claims(now=later) == 0
    # then only the unbacked claim is flagged, with one timeline event
    flagged = dict(CodOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("pk", "claim_unverified"))
    assert flagged == {unbacked.pk: True, backed.pk: False, recent.pk: False}
    events = CodOrderEvent.objects.filter(kind="claim_unverified")
    assert list(events.values_list("order_id", "actor", "data")) == [(unbacked.pk, "system", {"reference": "RCPT-1"})]
    # and the flag shows in the API
    detail = api(
        "query($id: ID!) { codOrder(orderId: $id) { flags { claimUnverified } } }",
        {"id": to_base64("CodOrder", unbacked.pk)},
        token=customer,
    )
    assert detail["codOrder"]["flags"]["claimUnverified"] is True


def test_a_suspension_that_ran_out_ends_and_the_tier_follows(api, token_for):
    # given a suspended customer, and another one suspended for longer
    suspended = token_for("suspended@example.com")
    CodCustomerProfile.objects.filter(email="penalty@example.com").update(
        suspended_until=SUSPENDED_UNTIL + timedelta(days=30)
    )
    assert api(PROFILE, token=suspended)["codProfile"]["tier"] == "SUSPENDED"
    # when the sweep runs once the first suspension is over, twice
    after_it = SUSPENDED_UNTIL + timedelta(minutes=1)
    assert sweeps.end_suspensions(now=after_it) == 1
    assert sweeps.end_suspensions(now=after_it) == 0
    # then that suspension ended, with one event, and the customer is back to their tier
    profile = CodCustomerProfile.objects.get(email="suspended@example.com")
    assert profile.suspended_until is None
    events = CodProfileEvent.objects.filter(kind="suspension_ended")
    assert list(events.values_list("profile__email", "actor")) == [("suspended@example.com", "system")]
    assert api(PROFILE, token=suspended)["codProfile"] == {"tier": "NEW", "suspendedUntil": None}
    # and the longer suspension stands
    assert CodCustomerProfile.objects.get(email="penalty@example.com").suspended_until is not None


# ---- the same sweeps as Celery tasks, in a real worker on Redis against the test's PostgreSQL database


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_sweeps(demo_data, shared_cache, redis_client, tmp_path):
    # given an order unpaid a day past its appointment and the grace, a claim older than the grace days, and a
    # suspension that ended an hour ago (the tasks sweep as of now)
    api = Api()
    token = create_token(get_user_model().objects.get(email="new@example.com"))
    policy = CodPolicy.objects.get(channel="default-channel")
    with tasks_run_here():  # the confirmation messages are sent here, not left on the broker
        _, overdue = place(api, token, LINES)
        _, paid = place(api, token, LINES)
    before = stock()
    out_for_delivery(overdue, ended_hours_ago=policy.unpaid_grace_hours + 24)
    out_for_delivery(paid, ended_hours_ago=-24)
    claimed(paid, "new@example.com")
    long_ago = timezone.now() - timedelta(days=policy.claim_grace_days, hours=1)
    CodPaymentClaim.objects.filter(order=paid).update(created_at=long_ago)
    CodCustomerProfile.objects.filter(email="suspended@example.com").update(
        suspended_until=timezone.now() - timedelta(hours=1)
    )
    # when the worker runs each sweep twice
    with running_worker(shared_cache, redis_client, tmp_path) as worker:
        counts = [worker.run(task) for task in (cancel_overdue_deliveries, flag_unverified_claims, end_suspensions)]
        again = [worker.run(task) for task in (cancel_overdue_deliveries, flag_unverified_claims, end_suspensions)]
    # then each did its one thing, once
    assert counts == [1, 1, 1], worker.output()
    assert again == [0, 0, 0]
    overdue.refresh_from_db()
    paid.refresh_from_db()
    assert overdue.status == CodStatus.CANCELLED
    assert cancellations(overdue) == [("unpaid_after_appointment", CodStatus.CANCELLED)]
    assert stock()["TSHIRT-001"] == before["TSHIRT-001"]  # with the courier: it comes back with the parcel
    assert paid.status == CodStatus.OUT_FOR_DELIVERY and paid.claim_unverified
    assert CodOrderEvent.objects.filter(order=paid, kind="claim_unverified").count() == 1
    profile = CodCustomerProfile.objects.get(email="suspended@example.com")
    assert profile.suspended_until is None
    assert CodProfileEvent.objects.filter(profile=profile, kind="suspension_ended").count() == 1
