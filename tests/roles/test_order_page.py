"""The order page offers each job only its own actions, and dispatch reports a delivery without the cash, which
finance then records."""

import pytest
from django.contrib.auth import get_user_model

from cod_plugin.models import CodOrder, CodPaymentRecord
from cod_plugin.rules.statuses import CodStatus
from tests.lifecycle.helpers import confirm, place

from .conftest import admin_client

PAGE = "/admin/cod_plugin/codorder/{}/change/"


@pytest.fixture
def order(api) -> CodOrder:
    """An order out for delivery."""
    _, placed = place(api, None)
    confirm(placed)
    CodOrder.objects.filter(pk=placed.pk).update(status=CodStatus.OUT_FOR_DELIVERY)
    placed.refresh_from_db()
    return placed


def client_of(email: str):
    return admin_client(get_user_model().objects.get(email=email))


def forms_on_page(client, order: CodOrder) -> set[str]:
    html = client.get(PAGE.format(order.pk)).content.decode()
    actions = ("status", "reschedule", "payment", "courier")
    shown = {action for action in actions if f"/codorder/{order.pk}/{action}/" in html}
    return shown | ({"collected amount"} if 'name="collected_amount"' in html else set())


def test_each_job_sees_its_own_actions(order):
    seen = {
        name: forms_on_page(client_of(f"{name}@example.com"), order)
        for name in ("agent", "dispatch", "finance", "support")
    }
    assert seen == {"agent": {"reschedule"}, "dispatch": {"status", "reschedule"}, "finance": set(), "support": set()}


def test_dispatch_reports_the_delivery_and_finance_records_the_cash(order):
    dispatch, finance = client_of("dispatch@example.com"), client_of("finance@example.com")
    base = f"/admin/cod_plugin/codorder/{order.pk}"
    amount = str(order.amount_to_collect.amount)
    # when dispatch reports it delivered with the cash, it is refused; without, it is taken
    assert dispatch.post(f"{base}/status/", {"status": "delivered", "collected_amount": amount}).status_code == 403
    taken = dispatch.post(f"{base}/status/", {"status": "delivered"}, follow=True)
    assert [m.level_tag for m in taken.context["messages"]] == ["success"]
    order.refresh_from_db()
    assert order.status == CodStatus.DELIVERED and not CodPaymentRecord.objects.exists()
    # then finance sees the payment form, and its record completes the order
    assert forms_on_page(finance, order) == {"payment"}
    answer = finance.post(f"{base}/payment/", {"amount": amount, "method": "cash", "receipt": "R-1"})
    order.refresh_from_db()
    assert answer.status_code == 302 and order.status == CodStatus.COMPLETED
