"""codOrder and codOrders name the courier carrying the order, with its tracking number, and read the courier
in the same query as the order, however many orders there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.models import CodOrder, Courier
from tests.lifecycle.helpers import place, staff_token

DETAIL = "query($id: ID!) { codOrder(orderId: $id) { trackingNumber courier { name } } }"
LIST = "query { codOrders(first: 100) { edges { node { number courier { name } } } } }"


def test_an_order_names_its_courier_once_handed_over(api, token_for):
    order_id, order = place(api, token_for("new@example.com"))
    staff = staff_token()
    assert api(DETAIL, {"id": order_id}, token=staff)["codOrder"] == {"trackingNumber": "", "courier": None}
    courier = Courier.objects.create(code="fastship", name="FastShip", webhook_secret="s" * 20)
    CodOrder.objects.filter(pk=order.pk).update(courier=courier, tracking_number="FS-9")
    expected = {"trackingNumber": "FS-9", "courier": {"name": "FastShip"}}
    assert api(DETAIL, {"id": order_id}, token=staff)["codOrder"] == expected


def test_the_list_reads_the_couriers_without_a_query_per_order(api, token_for):
    token, staff = token_for("new@example.com"), staff_token()
    couriers = [Courier.objects.create(code=f"c{n}", name=f"Courier {n}", webhook_secret="s" * 20) for n in range(3)]
    counts = []
    for size in (1, 3):
        for n in range(size - CodOrder.objects.count()):
            _, order = place(api, token)
            CodOrder.objects.filter(pk=order.pk).update(courier=couriers[n % 3])
        with CaptureQueriesContext(connection) as captured:
            edges = api(LIST, token=staff)["codOrders"]["edges"]
        assert len(edges) == size and all(edge["node"]["courier"] for edge in edges)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
