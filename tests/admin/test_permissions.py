"""Who may use the queue and the customers screens: 403 for anyone without the permission, on every view and
action, and no POST without its CSRF token."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cod_plugin.models import CodCustomerProfile, CodOrder, CodProfileEvent
from cod_plugin.rules.statuses import CodStatus
from tests.lifecycle.helpers import place

QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
CUSTOMERS = "/admin/cod_plugin/codcustomerprofile/"


def signed_in(email: str, **options) -> Client:
    client = Client(**options)
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def order(api) -> CodOrder:
    return place(api, None)[1]


@pytest.fixture
def profile(demo) -> CodCustomerProfile:
    return CodCustomerProfile.objects.get(email="penalty@example.com")


def queue_requests(order: CodOrder) -> list[tuple[str, str, dict]]:
    return [
        ("get", QUEUE, {}),
        ("post", f"{QUEUE}{order.pk}/outcome/", {"outcome": "confirmed", "attempts": "0"}),
        ("get", f"{QUEUE}{order.pk}/modify/", {}),
        ("post", f"{QUEUE}{order.pk}/modify/", {"country": "US", "quantity_0": "1", "quantity_1": "1"}),
    ]


def customer_requests(profile: CodCustomerProfile) -> list[tuple[str, str, dict]]:
    actions = ["suspend", "restore", "revoke", "verify_b2b", "settle_penalty"]
    return [
        ("get", CUSTOMERS, {}),
        ("get", f"{CUSTOMERS}{profile.pk}/change/", {}),
        *[("post", f"{CUSTOMERS}{profile.pk}/standing/{action}/", {"reason": "x", "days": "3"}) for action in actions],
    ]


def statuses(client: Client, requests) -> list[int]:
    return [getattr(client, method)(url, data).status_code for method, url, data in requests]


def assert_unchanged(order: CodOrder | None = None, profile: CodCustomerProfile | None = None) -> None:
    if order is not None:
        order.refresh_from_db()
        assert (order.status, order.confirmation_attempts) == (CodStatus.PENDING_CONFIRMATION, 0)
    if profile is not None:
        assert not CodProfileEvent.objects.filter(profile=profile).exists()


@pytest.mark.parametrize("email", ["support@example.com", "manager@example.com"])
def test_support_and_managers_get_403_on_every_queue_view(order, email):
    assert statuses(signed_in(email), queue_requests(order)) == [403, 403, 403, 403]
    assert_unchanged(order=order)


@pytest.mark.parametrize("email", ["agent@example.com", "manager@example.com"])
def test_agents_and_managers_get_403_on_every_customers_view_and_action(profile, email):
    assert statuses(signed_in(email), customer_requests(profile)) == [403] * 7
    assert_unchanged(profile=profile)


def test_seeing_the_queue_is_not_recording_outcomes(order, staff_client):
    # a user who may see the queue but not manage orders sees it, without the buttons, and cannot post
    viewer = staff_client("cod_admin_ui.view_confirmationqueue")
    page = viewer.get(QUEUE)
    assert page.status_code == 200 and f"Next call: order {order.order_number}" in page.content.decode()
    assert "outcome/" not in page.content.decode()
    assert statuses(viewer, queue_requests(order)[1:]) == [403, 403, 403]
    # and one who may record outcomes but not see the queue gets nothing
    manager_only = staff_client("cod_plugin.confirm_cod_orders")
    assert statuses(manager_only, queue_requests(order)) == [403, 403, 403, 403]
    assert_unchanged(order=order)


def test_viewing_a_profile_is_not_changing_the_standing(profile, staff_client):
    viewer = staff_client("cod_plugin.view_codcustomerprofile")
    assert statuses(viewer, customer_requests(profile)) == [200, 200] + [403] * 5
    refunds_only = staff_client("cod_plugin.handle_cod_refunds")
    assert statuses(refunds_only, customer_requests(profile)) == [403] * 7
    assert_unchanged(profile=profile)


def test_the_groups_open_exactly_their_screens(order, profile):
    agent, support = signed_in("agent@example.com"), signed_in("support@example.com")
    assert statuses(agent, queue_requests(order)[:1]) == [200]
    assert statuses(support, customer_requests(profile)[:2]) == [200, 200]


def test_signed_out_visitors_are_sent_to_the_login(order, profile):
    for method, url, data in queue_requests(order) + customer_requests(profile):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    assert_unchanged(order=order, profile=profile)


def test_a_post_without_its_csrf_token_is_refused(order, profile):
    # given browsers that enforce CSRF, signed in as an agent and as support
    agent = signed_in("agent@example.com", enforce_csrf_checks=True)
    support = signed_in("support@example.com", enforce_csrf_checks=True)
    # when they post an outcome, an edit and a standing action without the token, then each is refused
    assert statuses(agent, [r for r in queue_requests(order) if r[0] == "post"]) == [403, 403]
    assert statuses(support, [r for r in customer_requests(profile) if r[0] == "post"]) == [403] * 5
    assert_unchanged(order=order, profile=profile)
    # and with the token from the page, the same outcome goes through
    agent.get(QUEUE)
    token = agent.cookies["csrftoken"].value
    response = agent.post(
        f"{QUEUE}{order.pk}/outcome/", {"outcome": "confirmed", "attempts": "0", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == CodStatus.CONFIRMED
