"""The overview's reads of the orders and of the timeline are served by the indexes made for them (``CodOrder.Meta``,
``CodOrderEvent.Meta``), each an index-only scan, so that their cost is the rows they count and not the tables. An
index whose condition no longer matches the overview's filters (a status added to one and not the other), or that
lacks a column a query reads, is not used, and the page falls back to reading the table: these plans show it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .cod_orders import make_moves, make_orders

pytestmark = [pytest.mark.postgres]
OVERVIEW = "/admin/cod_admin_ui/codoverview/"
EVENTS = '"cod_plugin_codorderevent"'


ORDERS = '"cod_plugin_codorder"'


def reads(client, url: str, table: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries if f"FROM {table} " in query["sql"]]


def plan(sql: str) -> str:
    """The plan PostgreSQL picks when reading the table itself is ruled out: an index that can serve the query is
    then taken, one that cannot leaves a scan of the table (at its disabled cost) or of an unrelated index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_rates_and_the_refusals_are_index_only_scans(postgres, demo, superuser_client):
    # given moves of the last days: confirmed, delivered, refused with a reason
    orders = make_orders(20, status="refused")
    at = timezone.now() - timedelta(days=3)
    make_moves(orders, [("pending_confirmation", "confirmed"), ("confirmed", "refused")], at=at, reason="damaged")
    # when the overview is rendered, then it reads the timeline twice, each from its own index and nothing else
    rates, refusals = reads(superuser_client, OVERVIEW, EVENTS)
    assert "Index Only Scan using cod_order_event_rates" in plan(rates)
    assert "Index Only Scan using cod_order_event_refusals" in plan(refusals)
    for sql in (rates, refusals):
        assert f"Seq Scan on {EVENTS.strip(chr(34))}" not in plan(sql)


def test_todays_orders_per_status_are_an_index_only_scan(postgres, demo, superuser_client):
    make_orders(20, status="confirmed")
    # (the other read of the orders is the cash with couriers, by their payment records)
    (today,) = [sql for sql in reads(superuser_client, OVERVIEW, ORDERS) if f'{ORDERS}."created_at" >=' in sql]
    # (``cod_order_placed`` on a full table; on these few rows PostgreSQL may take the channel's index, which holds
    # the status and the date too: either way, no row of the table is read)
    assert "Index Only Scan using cod_order_" in plan(today) or "Index Only Scan using cod_plugin__channel" in plan(
        today
    )
