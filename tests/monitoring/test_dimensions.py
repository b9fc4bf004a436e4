"""The figures by channel, region, postal area, product, courier and agent; the week an order counts in (Monday
00:00 to Sunday 23:59 in the store's time zone); and the query count, the same for 10 orders as for 200."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows.metrics import MetricsFilter, metrics
from cod_plugin.models import CodOrderEvent, CodOrderLine, Courier
from cod_plugin.rules.metrics import Dimension
from cod_plugin.rules.statuses import CodStatus

from .history import build

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 2)
AT = datetime(2026, 11, 4, 10, tzinfo=UTC)


def by(dimension: Dimension, **spec):
    spec = {"first": WEEK, "last": WEEK, **spec}
    return [
        (row.key, row.label, row.placed, row.refused)
        for row in metrics(MetricsFilter(dimension=dimension, **spec)).rows
    ]


def test_by_region_country_and_area():
    build("refused", at=AT, count=2)
    build("completed", at=AT, area="Hawalli")
    build("completed", at=AT, country="SA", area="")
    assert by(Dimension.REGION) == [
        ("KW/Capital", "Kuwait — Capital", 2, 2),
        ("KW/Hawalli", "Kuwait — Hawalli", 1, 0),
        ("SA", "Saudi Arabia", 1, 0),
    ]


def test_by_postal_area_leaves_out_orders_without_a_postal_code():
    build("refused", at=AT, postal_code="13001")
    build("completed", at=AT, postal_code="13001")
    build("completed", at=AT)
    assert by(Dimension.POSTAL_AREA) == [("KW/13001", "Kuwait 13001", 2, 1)]


def test_by_product_an_order_counts_once_per_product_it_holds():
    (both,) = build("refused", at=AT, product="phone")
    CodOrderLine.objects.create(order=both, product_ref="case", sku="c", name="Case", quantity=1, unit_price=5)
    CodOrderLine.objects.create(order=both, product_ref="phone", sku="p2", name="Phone", quantity=1, unit_price=9)
    build("completed", at=AT, product="phone")
    rows = metrics(MetricsFilter(first=WEEK, last=WEEK, dimension=Dimension.PRODUCT)).rows
    assert [(row.key, row.label, row.placed, row.refused) for row in rows] == [
        ("case", "Case", 1, 1),
        ("phone", "Phone", 2, 1),
    ]
    assert rows[1].value == Decimal("200.00")  # the order's value, once, not once per line


def test_by_courier_leaves_out_orders_no_courier_took():
    fast = Courier.objects.create(code="fast", name="Fast Ship", webhook_secret="w" * 20)
    build("refused", at=AT, courier=fast)
    build("completed", at=AT, courier=fast)
    build("cancelled", at=AT)
    assert by(Dimension.COURIER) == [("fast", "Fast Ship", 2, 1)]


def test_by_agent_the_staff_who_confirmed_not_the_customer_nor_the_system():
    build("refused", at=AT, agent="sami@example.com")
    build("completed", at=AT, agent="sami@example.com")
    build("completed", at=AT, agent="lina@example.com")
    (by_link,) = build("completed", at=AT)
    CodOrderEvent.objects.filter(order=by_link, to_status=CodStatus.CONFIRMED).update(actor=by_link.customer_key)
    build("completed", at=AT, agent="system")
    assert by(Dimension.AGENT) == [
        ("lina@example.com", "lina@example.com", 1, 0),
        ("sami@example.com", "sami@example.com", 2, 1),
    ]


def test_by_channel_with_the_stores_names():
    build("completed", at=AT)
    ((key, label, placed, _refused),) = by(Dimension.CHANNEL)
    assert (key, placed) == ("default-channel", 1) and label


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kuwait"])
def test_sunday_2359_is_the_weeks_last_minute_and_monday_0000_the_next_weeks_first(settings, zone):
    # given the store's time zone, an order in the last minute of Sunday 8 November and one at Monday's midnight
    settings.TIME_ZONE = zone
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    build("completed", at=datetime(2026, 11, 8, 23, 59, 59, tzinfo=local))
    build("refused", at=datetime(2026, 11, 9, 0, 0, tzinfo=local), count=2)
    # when
    rows = metrics(MetricsFilter(first=WEEK, last=WEEK + timedelta(weeks=1))).rows
    # then
    assert [(row.week, row.placed) for row in rows] == [(WEEK, 1), (date(2026, 11, 9), 2)]
    assert [row.placed for row in metrics(MetricsFilter(first=WEEK, last=WEEK)).rows] == [1]


def _history(orders: int) -> None:
    """``orders`` orders over four weeks, half completed, half refused, with a courier, products and agents."""
    fast = Courier.objects.create(code=f"c{orders}", name="C", webhook_secret="w" * 20)
    for week in range(4):
        placed = orders // 4 + (1 if week < orders % 4 else 0)
        at = AT + timedelta(weeks=week)
        if placed // 2:
            build("completed", at=at, count=placed // 2, courier=fast, product="p", postal_code="1")
        build("refused", at=at, count=placed - placed // 2, courier=fast, product="q", refusal_reason="damaged")


@pytest.mark.parametrize("dimension", list(Dimension))
def test_the_queries_are_as_many_for_10_orders_as_for_200(dimension):
    spec = MetricsFilter(first=WEEK, last=WEEK + timedelta(weeks=3), dimension=dimension)
    _history(10)
    with CaptureQueriesContext(connection) as few:
        small = metrics(spec)
    _history(200)
    with CaptureQueriesContext(connection) as many:
        large = metrics(spec)
    assert len(few) == len(many) <= 3
    if dimension == Dimension.NONE:
        assert sum(row.placed for row in small.rows) == 10 and sum(row.placed for row in large.rows) == 210
