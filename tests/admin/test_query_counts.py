"""The orders list (with a filter) and the overview make as many queries for 1,000 orders as for 10."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cod_plugin.models import CodOrder, Courier

from .cod_orders import make_moves, make_orders

SIZES = (10, 1000)
PAGES = {
    "orders list, filtered": "/admin/cod_plugin/codorder/?status__exact=confirmed&flag=claim_unverified",
    "orders list, searched": "/admin/cod_plugin/codorder/?q=5001",
    "overview": "/admin/cod_admin_ui/codoverview/",
    "overview, one channel": "/admin/cod_admin_ui/codoverview/?channel=default-channel",
}


def fill(size: int, couriers: list[Courier]) -> None:
    """``size`` orders spread over statuses, couriers and flags, with their moves of the last days."""
    CodOrder.objects.all().delete()
    statuses = ["pending_confirmation", "confirmed", "delivered", "refused"]
    for index, status in enumerate(statuses):
        count = size // len(statuses)
        orders = make_orders(
            count,
            start=5001 + index * size,
            status=status,
            courier=couriers[index % len(couriers)],
            claim_unverified=index % 2 == 1,
        )
        if status != "pending_confirmation":
            make_moves(orders, [("pending_confirmation", "confirmed")], at=timezone.now() - timedelta(days=2))
        if status in ("delivered", "refused"):
            make_moves(orders, [("confirmed", status)], reason="damaged" if status == "refused" else "")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_the_same_number_of_queries_for_10_and_for_1000_orders(demo, superuser_client, page):
    couriers = [Courier.objects.create(code=f"c{n}", name=f"Courier {n}", webhook_secret="s" * 20) for n in range(3)]
    counts = {}
    for size in SIZES:
        # given the table filled with ``size`` orders
        fill(size, couriers)
        # when the page is rendered, then it makes a fixed number of queries
        counts[size] = queries(superuser_client, PAGES[page])
    assert counts[10] == counts[1000], counts


def test_the_list_shows_a_full_page_of_1000_orders_in_eight_queries(demo, superuser_client, django_assert_num_queries):
    # given 1,000 orders with a courier each
    courier = Courier.objects.create(code="c", name="Courier", webhook_secret="s" * 20)
    make_orders(1000, status="confirmed", courier=courier)
    # then session, user, the filters' tables (policies, the store's channel names, the orders' distinct regions,
    # couriers), the page's count and the page itself with its couriers: no query per row, no second full count
    with django_assert_num_queries(8):
        response = superuser_client.get(PAGES["orders list, filtered"].replace("&flag=claim_unverified", ""))
    assert len(response.context["cl"].result_list) == 100


def test_the_overview_takes_eight_queries(demo, superuser_client, django_assert_num_queries):
    # session, user, the channels and the store's names for them, today's counts, the rates, the refusal reasons,
    # and (the superuser may see the cash in hand) the cash with couriers over the window
    fill(100, [Courier.objects.create(code="c", name="Courier", webhook_secret="s" * 20)])
    with django_assert_num_queries(8):
        superuser_client.get(PAGES["overview"])
