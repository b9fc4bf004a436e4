"""The figures of orders moved by the real flows (placed through the API, confirmed by an agent through the
queue's flow, refused at the door with a reason over the API): the timeline they leave is what is read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cod_plugin.flows import confirmation
from cod_plugin.flows.metrics import MetricsFilter, metrics
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from cod_plugin.rules.metrics import Dimension
from tests.lifecycle.helpers import place, staff_token
from tests.lifecycle.test_refusals_and_standing import refuse
from tests.workers import tasks_run_here

pytestmark = pytest.mark.django_db


def this_weeks(dimension: Dimension):
    today = timezone.localdate()
    return metrics(MetricsFilter(first=today - timedelta(days=6), last=today, dimension=dimension)).rows


def test_orders_through_the_flows_count_by_agent_and_by_reason(api, token_for):
    # given three orders placed through the API: one confirmed by sami and refused as damaged, one confirmed by
    # sami, one still waiting
    customer, staff = token_for("new@example.com"), staff_token()
    with tasks_run_here():
        placed = [place(api, customer, {"TSHIRT-001": 1}) for _ in range(3)]
        for _order_id, order in placed[:2]:
            confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="sami@example.com")
    refuse(api, placed[0][0], "DAMAGED", staff)
    # when
    (total,) = this_weeks(Dimension.NONE)
    (sami,) = this_weeks(Dimension.AGENT)
    # then
    assert (total.placed, total.left_pending, total.confirmed, total.at_door, total.refused) == (3, 2, 2, 1, 1)
    assert total.refusals["damaged"] == 1 and total.refusal.percent == 100
    assert (sami.key, sami.placed, sami.refused) == ("sami@example.com", 2, 1)
