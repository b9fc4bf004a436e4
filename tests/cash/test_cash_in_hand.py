"""Cash in hand: what each courier holds, aged in the four buckets, against its deadline; remitted cash leaves it;
the same count of queries for 5 orders as for 50."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows.cash_in_hand import cash_in_hand
from cod_plugin.rules.reconciliation import BUCKETS

from .holding import TODAY, collected, courier, days_before, remit

pytestmark = pytest.mark.django_db


def held(**kwargs):
    return cash_in_hand(today=TODAY, **kwargs)


def test_a_courier_holds_the_cash_it_collected_per_currency():
    # given a courier with two USD orders and one KWD order, and another courier with one
    fastship, slowship = courier("fastship"), courier("slowship")
    collected(fastship, TODAY, n=2, amount="103.50")
    collected(fastship, days_before(1), amount="12.125", currency="KWD")
    collected(slowship, TODAY, amount="7")
    # when
    rows = held()
    # then one row per courier and currency, sorted, with every bucket named
    assert [(r.courier_code, r.currency, r.total, r.orders) for r in rows] == [
        ("fastship", "KWD", Decimal("12.125"), 1),
        ("fastship", "USD", Decimal("207.00"), 2),
        ("slowship", "USD", Decimal("7"), 1),
    ]
    assert all(set(row.buckets) == {name for name, _first, _last in BUCKETS} for row in rows)
    assert rows[1].courier_name == "Fastship" and rows[1].deadline_days == 7


@pytest.mark.parametrize(
    "days, bucket",
    [(0, "0-3"), (3, "0-3"), (4, "4-7"), (7, "4-7"), (8, "8-14"), (14, "8-14"), (15, "15+"), (200, "15+")],
)
def test_cash_is_aged_in_its_bucket_at_every_edge(days, bucket):
    # given cash collected ``days`` days ago
    collected(courier(days=90), days_before(days), amount="10")
    # when
    (row,) = held()
    # then it is in exactly that bucket, and it is that old
    assert row.buckets == {name: Decimal(10 if name == bucket else 0) for name, _f, _l in BUCKETS}
    assert row.counts == {name: int(name == bucket) for name, _f, _l in BUCKETS}
    assert row.oldest_days == days


def test_cash_dated_after_today_counts_as_fresh():
    collected(courier(), days_before(-1))
    (row,) = held()
    assert row.counts["0-3"] == 1 and row.oldest_days == 0


@pytest.mark.parametrize("days, late", [(7, False), (8, True)])
def test_cash_is_overdue_one_day_past_the_deadline_not_on_it(days, late):
    # given a courier with 7 days to remit, cash collected ``days`` days ago and some collected today
    fastship = courier(days=7)
    collected(fastship, days_before(days), amount="40")
    collected(fastship, TODAY, amount="2")
    # when
    (row,) = held()
    # then only the old cash is overdue, one day past the deadline
    assert row.overdue is late
    assert (row.overdue_amount, row.overdue_orders) == ((Decimal(40), 1) if late else (Decimal(0), 0))
    assert row.total == Decimal(42) and row.oldest_days == days


def test_each_courier_is_held_to_its_own_deadline():
    # given the same age of cash with a 3-day courier and a 10-day one
    quick, slow = courier("quick", days=3), courier("slow", days=10)
    collected(quick, days_before(5))
    collected(slow, days_before(5))
    # then only the 3-day courier is overdue
    assert {row.courier_code: row.overdue for row in held()} == {"quick": True, "slow": False}


def test_remitted_cash_leaves_the_couriers_hands():
    # given three orders collected; one remitted (counted), one on a line that does not count (e.g. twice)
    fastship = courier()
    remitted, uncounted, kept = (collected(fastship, days_before(2)) for _ in range(3))
    remit(remitted)
    remit(uncounted, counted=False, status="remitted_twice")
    # when
    (row,) = held()
    # then the counted order's cash is no longer held; the other two are
    assert (row.orders, row.total) == (2, Decimal(206))


def test_orders_without_a_payment_record_or_a_courier_hold_nothing():
    from tests.admin.cod_orders import make_orders

    fastship = courier()
    make_orders(2, start=9100, courier=fastship, status="delivered")  # no payment record
    assert held() == []


def test_one_courier_only():
    fastship, slowship = courier("fastship"), courier("slowship")
    collected(fastship, TODAY)
    collected(slowship, TODAY)
    assert [row.courier_code for row in held(courier_pk=slowship.pk)] == ["slowship"]


def queries_for(n: int) -> int:
    fastship, slowship = courier(f"fast{n}"), courier(f"slow{n}", days=3)
    for back in range(n):
        collected(fastship if back % 2 else slowship, days_before(back % 20), currency="USD" if back % 3 else "EUR")
    with CaptureQueriesContext(connection) as queries:
        rows = held()
    assert sum(row.orders for row in rows if row.courier_code in {f"fast{n}", f"slow{n}"}) == n
    return len(queries)


def test_the_query_count_does_not_grow_with_the_orders():
    # when 5 orders, then 50 (two couriers, two currencies, every bucket)
    assert queries_for(5) == queries_for(50) == 2


def test_no_courier_no_cash():
    assert held() == []
