"""The demo's screening: waiting orders in the low, medium and high bands (the high one paid its deposit), a very
high risk checkout refused COD, and at the top of the queue the high-risk order, explained by its signals."""

import re

from django.utils import timezone
from django.utils.html import escape
from strawberry.relay import to_base64

from admin_ui.queue import queued
from cod_plugin.models import CodOrder
from cod_plugin.rules.risk import Signal
from cod_plugin.rules.statuses import CodStatus
from tests.graphql.conftest import Api
from tests.test_demo_orders import demo_orders  # noqa: F401

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
ELIGIBILITY = "query($id: ID!) { codEligibility(checkoutId: $id) { isEligible reasons { code } } }"


def test_every_band_has_its_waiting_orders_or_its_refused_checkout(demo_orders):  # noqa: F811
    waiting = CodOrder.objects.filter(status=CodStatus.PENDING_CONFIRMATION)
    assert sorted(waiting.values_list("risk_band", flat=True)) == [
        "high",
        "low",
        "low",
        "low",
        "low",
        "medium",
        "medium",
    ]
    assert "waiting for a call, by risk: high: 1, low: 4, medium: 2" in demo_orders
    # the very high one never became an order: its checkout is refused COD for its risk alone, as the shopper sees
    checkout = re.search(r"refused COD at checkout for a very high risk: checkout ([0-9a-f-]+)", demo_orders)[1]
    body = Api()(ELIGIBILITY, {"id": to_base64("Checkout", checkout)})["codEligibility"]
    assert body == {"isEligible": False, "reasons": [{"code": "RISK_TOO_HIGH"}]}


def test_the_high_risk_order_paid_its_deposit_and_waits_at_the_top_of_the_queue(demo_orders, superuser_client):  # noqa: F811
    top = queued(timezone.now()).first()
    assert (top.risk_score, top.risk_band, top.risk_action) == (65, "high", "deposit")
    assert top.deposit.status == "paid" and top.deposit_amount.amount > 0
    assert [signal["code"] for signal in top.risk_signals] == ["phone_history", "duplicate_order"]
    # explained: on the queue and on its order page, in words
    html = superuser_client.get(QUEUE).content.decode()
    assert re.search(r"Next call: order (\w+)</h2>", html)[1] == top.order_number
    assert "this phone refused earlier orders" in html and "Ask whether the customer placed the order twice." in html
    page = superuser_client.get(f"/admin/cod_plugin/codorder/{top.pk}/change/").content.decode()
    assert escape(Signal.from_dict(top.risk_signals[0]).detail) in page
    assert "High risk" in page and "Possible duplicate order" in page
