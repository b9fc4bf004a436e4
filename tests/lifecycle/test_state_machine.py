"""Random event sequences through the lifecycle flows, with the invariants that must hold after every step.

A few COD orders are placed by real checkouts; then staff, couriers and customers act on them in any order: confirm,
cancel, ship, set out with an appointment, fail, deliver (with the right amount, a wrong one or none), refuse (for
any reason), return, click "Paid", move the appointment, replay a delivery or a refusal, and refund (all that is
left or half of it, paid at once). A flow may refuse a step (INVALID_TRANSITION, RESCHEDULE_LIMIT, INVALID,
REFUND_TOO_LARGE), and then nothing may have changed; whatever it accepted must leave the orders, the timeline, the
payments, the refunds and the customers' standing consistent.

Each example runs inside a savepoint of the test's transaction that teardown() rolls back, so the fixtures are
loaded once per test and every example starts from them.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import delivery, lifecycle, payment, refunds
from cod_plugin.flows.checkout import complete_checkout
from cod_plugin.host import HostContext, get_adapter
from cod_plugin.models import (
    CodCustomerProfile,
    CodOrder,
    CodOrderEvent,
    CodPaymentClaim,
    CodPaymentRecord,
    CodPolicy,
    CodRefund,
)
from cod_plugin.money import round_money
from cod_plugin.rules.lifecycle import TERMINAL, Event, RefusalReason, is_strike, target
from cod_plugin.rules.statuses import CodStatus
from sandbox.store import services
from sandbox.store.models import DeliveryMethod, Order, OrderLine, Stock

REFUSALS = {
    CodErrorCode.INVALID_TRANSITION,
    CodErrorCode.RESCHEDULE_LIMIT,
    CodErrorCode.INVALID,
    CodErrorCode.REFUND_TOO_LARGE,
}
CUSTOMERS = ("new@example.com", "trusted@example.com")
ADDRESS = {
    "first_name": "Ann",
    "last_name": "Lee",
    "street": "1 Main St",
    "city": "New York",
    "area": "NY",
    "postal_code": "10001",
    "country": "US",
    "phone": "+12125550100",
}
CARTS = ({1: 2, 2: 1}, {1: 1}, {4: 1, 3: 1})  # t-shirts and headphones; one t-shirt; shoes and a rice cooker
STAFF = "agent@example.com"


def window(hours_ahead: int, length: int) -> delivery.Window:
    start = timezone.now() + timedelta(hours=hours_ahead)
    return delivery.Window(start, start + timedelta(hours=length))


windows = st.builds(window, st.integers(min_value=1, max_value=96), st.integers(min_value=1, max_value=6))


def place(email: str, cart: dict[int, int], method: str) -> CodOrder:
    """A real checkout of the sandbox store, placed as a COD order by the flow the API calls."""
    user = get_user_model().objects.get(email=email)
    checkout = services.create_checkout(
        user=user,
        channel_slug="default-channel",
        email=None,
        lines=[services.LineChange(product_pk=pk, quantity=qty) for pk, qty in cart.items()],
        address=ADDRESS,
    )
    services.set_delivery_method(checkout, DeliveryMethod.objects.get(channel=checkout.channel, name=method).pk)
    return complete_checkout(str(checkout.token), context=HostContext(user=user), accepted_terms_version=1)


def move(pk: int, event: Event, **kwargs) -> None:
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(pk), event, actor=STAFF, **kwargs)


def cancel(pk: int) -> None:
    """Staff cancel: the status moves and the store order is cancelled with it (stock released unless shipped)."""
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(pk), Event.CANCEL, actor=STAFF, reason="staff_cancelled")


class LifecycleMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        cache.clear()
        self.customers = {}  # profile key -> user
        self.baseline = {}  # profile key -> (strikes, completed orders, outstanding penalty) before this example
        self.strike_penalties = Counter()  # profile key -> sum of (2 x shipping + fee) over its struck orders
        self.strikes = Counter()  # profile key -> accepted refusals without a valid reason
        self.transitions = Counter()  # order pk -> accepted status changes, the placing included
        self.terminal = {}  # order pk -> the terminal status it reached
        self.replays = {}  # order pk -> the delivery or refusal update it accepted
        self.stock = {}  # product pk -> stock plus what open store orders hold, before the orders were placed
        self.max_reschedules = CodPolicy.objects.get(channel="default-channel").max_reschedules

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)
        cache.clear()

    # -- placing ----------------------------------------------------------------------------------------------

    @initialize(
        target=orders,
        placed=st.lists(
            st.tuples(st.sampled_from(CUSTOMERS), st.sampled_from(CARTS), st.sampled_from(["Standard", "Express"])),
            min_size=2,
            max_size=3,
        ),
    )
    def place_orders(self, placed):
        self.stock = self.stock_and_held()
        for email in CUSTOMERS:
            user = get_user_model().objects.get(email=email)
            key = get_adapter().get_customer(HostContext(user=user)).profile_key
            profile = CodCustomerProfile.objects.get(customer_key=key)
            self.customers[key] = user
            self.baseline[key] = (profile.strikes, profile.completed_orders, profile.outstanding_penalty.amount)
        pks = []
        for email, cart, method in placed:
            order = place(email, cart, method)
            assert order.status == CodStatus.PENDING_CONFIRMATION
            self.transitions[order.pk] = 1
            pks.append(order.pk)
        return multiple(*pks)

    # -- helpers ----------------------------------------------------------------------------------------------

    def snapshot(self, pk: int) -> tuple:
        order = CodOrder.objects.get(pk=pk)
        profile = CodCustomerProfile.objects.get(customer_key=order.customer_key)
        return (
            order.status,
            CodOrderEvent.objects.filter(order_id=pk).count(),
            CodPaymentClaim.objects.filter(order_id=pk).count(),
            CodPaymentRecord.objects.filter(order_id=pk).count(),
            list(CodRefund.objects.filter(order_id=pk).values_list("amount", "status")),
            order.reschedules,
            order.delivery_failures,
            order.appointment_start,
            (profile.strikes, profile.completed_orders, profile.outstanding_penalty),
            Order.objects.get(pk=order.order_ref).status,
        )

    def attempt(self, pk: int, action, *, event: Event | None = None) -> bool:
        """Run ``action``; True when the flow accepted it. A refusal must leave everything as it was."""
        before = self.snapshot(pk)
        status = before[0]
        try:
            action()
        except CodError as error:
            assert error.code in REFUSALS, (error.code, error.message)
            assert self.snapshot(pk) == before, "a refused step changed something"
            if event is not None and error.code == CodErrorCode.INVALID_TRANSITION:
                assert target(event, status) is None, f"{event} refused from {status}, which the table allows"
            return False
        after = CodOrder.objects.get(pk=pk).status
        if event is not None:
            assert target(event, status) is not None, f"{event} accepted from {status}, which the table forbids"
            self.transitions[pk] += 1
            if after == CodStatus.COMPLETED and event is Event.DELIVER:
                self.transitions[pk] += 1  # delivered, then completed by the courier's record in the same step
            else:
                assert after == target(event, status), (event, status, after)
        return True

    def update(self, pk: int, update: delivery.StatusUpdate) -> bool:
        event = delivery.EVENTS[update.status]
        accepted = self.attempt(pk, lambda: delivery.update_status(pk, update, actor=STAFF), event=event)
        if accepted and event in (Event.DELIVER, Event.REFUSE):
            self.replays[pk] = update
        return accepted

    # -- rules ------------------------------------------------------------------------------------------------

    @rule(pk=orders)
    def confirm(self, pk):
        self.attempt(pk, lambda: move(pk, Event.CONFIRM), event=Event.CONFIRM)

    @rule(pk=orders)
    def cancel(self, pk):
        self.attempt(pk, lambda: cancel(pk), event=Event.CANCEL)

    @rule(pk=orders, tracking=st.sampled_from(["", "FS-1", "FS-2"]))
    def ship(self, pk, tracking):
        self.update(pk, delivery.StatusUpdate(status=CodStatus.SHIPPED, tracking_number=tracking))

    @rule(pk=orders, window=windows | st.none())
    def out_for_delivery(self, pk, window):
        self.update(pk, delivery.StatusUpdate(status=CodStatus.OUT_FOR_DELIVERY, window=window))

    @rule(pk=orders)
    def delivery_failed(self, pk):
        self.update(pk, delivery.StatusUpdate(status=CodStatus.DELIVERY_FAILED, reason="nobody home"))

    @rule(pk=orders, amount=st.sampled_from(["right", "wrong", "none"]), off=st.sampled_from(["0.01", "-1", "10"]))
    def delivered(self, pk, amount, off):
        order = CodOrder.objects.get(pk=pk)
        due = order.amount_to_collect
        collected = None
        if amount != "none":
            value = due.amount + (Decimal(off) if amount == "wrong" else 0)
            collected = delivery.Collected(amount=value, currency=str(due.currency), method="cash", receipt="R-1")
        self.update(pk, delivery.StatusUpdate(status=CodStatus.DELIVERED, collected=collected))

    @rule(pk=orders, reason=st.sampled_from(RefusalReason))
    def refused(self, pk, reason):
        order = CodOrder.objects.get(pk=pk)
        if self.update(pk, delivery.StatusUpdate(status=CodStatus.REFUSED, reason=reason.value, note="at the door")):
            if is_strike(reason):
                self.strikes[order.customer_key] += 1
                self.strike_penalties[order.customer_key] += round_money(
                    order.shipping_amount.amount * 2 + order.fee.amount, str(order.fee.currency)
                )

    @rule(pk=orders)
    def return_to_origin(self, pk):
        self.update(pk, delivery.StatusUpdate(status=CodStatus.RETURNED_TO_ORIGIN, reason="back at the warehouse"))

    @rule(pk=orders, reference=st.sampled_from(["RCPT-1", "RCPT-2"]))
    def mark_paid(self, pk, reference):
        order = CodOrder.objects.get(pk=pk)
        customer = get_adapter().get_customer(HostContext(user=self.customers[order.customer_key]))
        first = CodPaymentClaim.objects.filter(order_id=pk).first()
        claims = []

        def click():
            claims.append(payment.mark_paid(pk, customer=customer, reference=reference, method="cash"))

        if self.attempt(pk, click) and first is not None:
            assert claims[0].pk == first.pk and claims[0].reference == first.reference, "a second claim"

    @rule(pk=orders, window=windows)
    def reschedule(self, pk, window):
        order = CodOrder.objects.get(pk=pk)
        self.attempt(pk, lambda: delivery.reschedule(pk, window, actor="customer", customer_key=order.customer_key))

    def pay_back(self, pk: int, share: str) -> bool:
        """Support refunds what is left, or half of it, as store credit, and pays it at once."""
        order = CodOrder.objects.get(pk=pk)
        currency = str(order.amount_to_collect.currency)

        def refund():
            left = refunds.left_to_refund(order)
            amount = left if share == "all" else round_money(left / 2, currency)
            key = f"{pk}-{CodRefund.objects.count()}"
            made = refunds.create(
                pk,
                amount=amount,
                currency=currency,
                method="store_credit",
                details={},
                idempotency_key=key,
                actor=STAFF,
            )
            refunds.mark_paid(made.pk, reference=f"SC-{key}", actor=STAFF)

        # the first refund moves a completed order to REFUNDED; a later one is recorded without a move
        return self.attempt(pk, refund, event=None if order.status == CodStatus.REFUNDED else Event.REFUND)

    @rule(pk=orders, share=st.sampled_from(["all", "half"]))
    def refund(self, pk, share):
        self.pay_back(pk, share)

    def paid_orders(self) -> list[int]:
        paid = (CodStatus.COMPLETED, CodStatus.REFUNDED)
        return sorted(self.placed().filter(status__in=paid).values_list("pk", flat=True))

    @precondition(lambda self: self.paid_orders())
    @rule(data=st.data(), share=st.sampled_from(["all", "half"]))
    def refund_a_paid_order(self, data, share):
        self.pay_back(data.draw(st.sampled_from(self.paid_orders()), label="refunded order"), share)

    @precondition(lambda self: self.replays)
    @rule(data=st.data())
    def replay_delivery_or_refusal(self, data):
        pk = data.draw(st.sampled_from(sorted(self.replays)), label="replayed order")
        update = self.replays[pk]
        before = self.snapshot(pk)
        with pytest.raises(CodError) as raised:
            delivery.update_status(pk, update, actor=STAFF)
        assert raised.value.code == CodErrorCode.INVALID_TRANSITION, raised.value.code
        assert self.snapshot(pk) == before, "a replayed update changed something"

    # -- invariants -------------------------------------------------------------------------------------------

    def placed(self):
        return CodOrder.objects.filter(pk__in=self.transitions).order_by("pk")

    @invariant()
    def statuses_are_known_and_terminal_ones_stay(self):
        for order in self.placed():
            assert order.status in CodStatus.values, order.status
            if order.pk in self.terminal:
                assert order.status == self.terminal[order.pk], (self.terminal[order.pk], order.status)
            elif order.status in TERMINAL:
                self.terminal[order.pk] = order.status

    @invariant()
    def amounts_add_up(self):
        for order in self.placed():
            assert order.amount_to_collect == order.order_amount + order.fee, order.pk
            assert order.reschedules <= self.max_reschedules, order.reschedules

    @invariant()
    def one_claim_one_record_and_completed_means_paid_in_full(self):
        claims = Counter(CodPaymentClaim.objects.filter(order_id__in=self.transitions).values_list("order", flat=True))
        claimed = Counter(
            CodOrderEvent.objects.filter(order_id__in=self.transitions, kind="paid_claimed").values_list(
                "order", flat=True
            )
        )
        records = {r.order_id: r for r in CodPaymentRecord.objects.filter(order_id__in=self.transitions)}
        assert max(claims.values(), default=0) <= 1 and claims == claimed, (claims, claimed)
        paid = set(Order.objects.filter(status=Order.Status.PAID).values_list("pk", flat=True))
        for order in self.placed():
            completed = order.status in (CodStatus.COMPLETED, CodStatus.REFUNDED)
            if completed:
                record = records.get(order.pk)
                assert record is not None and record.amount == order.amount_to_collect, (order.pk, record)
            assert completed == (int(order.order_ref) in paid), (order.pk, order.status, "store order paid?")

    @invariant()
    def every_status_change_has_one_timeline_event(self):
        for order in self.placed():
            changes = list(order.events.exclude(to_status="").values_list("from_status", "to_status"))
            assert len(changes) == self.transitions[order.pk], (order.pk, changes, self.transitions[order.pk])
            assert changes[0] == ("", CodStatus.PENDING_CONFIRMATION)
            for (_, reached), (left, _) in zip(changes, changes[1:], strict=False):
                assert left == reached, changes
            assert changes[-1][1] == order.status, (changes, order.status)

    @invariant()
    def refunds_never_exceed_what_was_collected_and_a_paid_one_makes_the_order_refunded(self):
        for order in self.placed():
            made = list(CodRefund.objects.filter(order=order))
            if not made:
                assert order.status != CodStatus.REFUNDED, order.pk
                continue
            collected = CodPaymentRecord.objects.get(order=order).amount
            assert sum(refund.amount.amount for refund in made) <= collected.amount, (order.pk, made)
            assert order.status == CodStatus.REFUNDED and all(r.status == CodRefund.Status.PAID for r in made)

    @invariant()
    def standing_follows_refusals_and_completions(self):
        done = (CodStatus.COMPLETED, CodStatus.REFUNDED)  # a refund does not undo a completion
        completed = Counter(self.placed().filter(status__in=done).values_list("customer_key", flat=True))
        for key, (strikes, done, penalty) in self.baseline.items():
            profile = CodCustomerProfile.objects.get(customer_key=key)
            assert profile.strikes == strikes + self.strikes[key], (key, profile.strikes)
            assert profile.completed_orders == done + completed[key], (key, profile.completed_orders)
            owed = profile.outstanding_penalty.amount if profile.outstanding_penalty is not None else Decimal(0)
            assert owed == penalty + self.strike_penalties[key], (key, owed)

    @staticmethod
    def stock_and_held() -> Counter:
        """Stock plus what orders hold: an open store order, or a cancelled one whose goods left and are not back
        (its COD order cancelled in transit, not yet returned to origin)."""
        total = Counter(dict(Stock.objects.values_list("product_id", "quantity")))
        out = CodOrder.objects.filter(status=CodStatus.CANCELLED).values_list("order_ref", flat=True)
        on_the_road = Q(order__status=Order.Status.CANCELED, order__shipped_at__isnull=False, order__pk__in=list(out))
        lines = OrderLine.objects.filter(
            Q(kind=OrderLine.Kind.PRODUCT) & (~Q(order__status=Order.Status.CANCELED) | on_the_road)
        )
        for product, quantity in lines.values_list("product_id", "quantity"):
            total[product] += quantity
        return total

    @invariant()
    def stock_comes_back_once_and_only_when_the_goods_do(self):
        if self.stock:
            assert self.stock_and_held() == self.stock


def test_random_event_sequences_keep_the_lifecycle_consistent(demo):
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
