"""An address has two street lines: a confirmation call may change both, the store keeps them, the agent sees both."""

from dataclasses import replace

import pytest

from admin_ui.queue import call_script
from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import confirmation
from cod_plugin.host import OrderChanges, get_adapter
from cod_plugin.models import CodOrder
from cod_plugin.rules.lifecycle import ConfirmationOutcome
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import Order
from tests.lifecycle.helpers import place


@pytest.fixture
def order(api, token_for) -> CodOrder:
    return place(api, token_for("new@example.com"))[1]


def modify(order: CodOrder, street_1: str, street_2: str) -> CodOrder:
    address = replace(get_adapter().get_order(order.order_ref).shipping_address, street_1=street_1, street_2=street_2)
    return confirmation.confirm_by_agent(
        order.pk, ConfirmationOutcome.MODIFIED, actor="agent", changes=OrderChanges(address=address)
    )


def test_both_street_lines_reach_the_store_and_come_back(order):
    modify(order, "5 Park Ave", "Apt 3B")
    assert Order.objects.get(pk=order.order_ref).street == "5 Park Ave\nApt 3B"
    address = get_adapter().get_order(order.order_ref).shipping_address
    assert (address.street_1, address.street_2) == ("5 Park Ave", "Apt 3B")
    assert (
        "5 Park Ave, Apt 3B, New York" in call_script(CodOrder.objects.get(pk=order.pk), agent="", channels={}).address
    )


def test_one_street_line_reads_back_with_an_empty_second(order):
    address = get_adapter().get_order(order.order_ref).shipping_address
    assert (address.street_1, address.street_2) == ("1 Main St", "")


def test_lines_too_long_for_the_stores_one_field_are_refused_and_nothing_changes(order):
    with pytest.raises(CodError) as raised:
        modify(order, "x" * 200, "y" * 100)
    assert (raised.value.code, raised.value.field) == (CodErrorCode.STORE_REFUSED, "address")
    assert CodOrder.objects.get(pk=order.pk).status == CodStatus.PENDING_CONFIRMATION
    assert Order.objects.get(pk=order.order_ref).street == "1 Main St"
