"""codOrder { risk }: the score, band, action and each signal in words for staff, null for customers and couriers;
read from the order's row, so a list of orders costs the same queries with it, whatever its length."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from cod_plugin.flows import screening
from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import Action, Assessment, Band, Signal, SignalCode
from cod_plugin.rules.statuses import CodStatus
from tests.lifecycle.helpers import courier_token, place, staff_token

from .conftest import US_PHONE, earlier_order

RISK = "risk { score band bandName action actionName signals { code weight name detail } }"
ORDER = f"query($id: ID!) {{ codOrder(orderId: $id) {{ id {RISK} }} }}"
ORDERS = f"query {{ codOrders(first: 50) {{ totalCount edges {{ node {{ id {RISK} }} }} }} }}"


def test_staff_read_the_score_and_each_signal_in_words(api):
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    order_id, _ = place(api, None)
    risk = api(ORDER, {"id": order_id}, token=staff_token())["codOrder"]["risk"]
    assert risk == {
        "score": 35,
        "band": "MEDIUM",
        "bandName": "Medium risk",
        "action": "AGENT_CALL",
        "actionName": "Require an agent's call",
        "signals": [
            {
                "code": "PHONE_HISTORY",
                "weight": 35,
                "name": "Earlier refusals with this phone",
                "detail": "Earlier orders with this phone: refused 1 (strikes 1), cancelled 0; customers: 1.",
            }
        ],
    }


def test_customers_and_couriers_never_see_the_risk(api, token_for):
    earlier_order(phone=US_PHONE, status=CodStatus.REFUSED, refusal_reason="fake_order")
    customer = token_for("new@example.com")
    order_id, order = place(api, customer)
    seen = api(ORDER, {"id": order_id}, token=customer)["codOrder"]
    assert seen == {"id": order_id, "risk": None}
    courier, courier_auth = courier_token()
    CodOrder.objects.filter(pk=order.pk).update(courier=courier, status=CodStatus.CONFIRMED)
    assert api(ORDER, {"id": order_id}, token=courier_auth)["codOrder"] == {"id": order_id, "risk": None}


def test_an_order_not_screened_yet_has_no_risk(api):
    order = earlier_order(status=CodStatus.PENDING_CONFIRMATION)
    order_id = to_base64("CodOrder", order.pk)
    assert api(ORDER, {"id": order_id}, token=staff_token())["codOrder"]["risk"] is None


def screened_orders(size: int) -> None:
    signals = (Signal(SignalCode.DUPLICATE_ORDER, 30, {"count": 1, "hours": 48}),)
    while CodOrder.objects.count() < size:
        order = earlier_order(status=CodStatus.PENDING_CONFIRMATION)
        assessment = Assessment(score=30, band=Band.MEDIUM, action=Action.AGENT_CALL, signals=signals)
        screening.store(order, assessment, actor="system", reason="placed")


def test_the_order_list_with_risk_reads_the_same_queries_for_1_and_20_orders(api):
    staff = staff_token()
    counts = {}
    for size in (1, 20):
        screened_orders(size)
        with CaptureQueriesContext(connection) as queries:
            data = api(ORDERS, token=staff)
        counts[size] = len(queries)
        edges = data["codOrders"]["edges"]
        assert len(edges) == size
        assert {edge["node"]["risk"]["signals"][0]["detail"] for edge in edges} == {
            "Other open COD orders with the same phone or address and a similar cart in the last 48 hours: 1."
        }
    assert counts[1] == counts[20], counts
