"""The customers screens: the list by standing, the profile page, and support's five actions through it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cod_plugin.models import CodCustomerProfile, CodOrder, CodProfileEvent
from tests.lifecycle.helpers import place

LIST = "/admin/cod_plugin/codcustomerprofile/"


def page(profile: CodCustomerProfile) -> str:
    return f"{LIST}{profile.pk}/change/"


def action_url(profile: CodCustomerProfile, action: str) -> str:
    return f"{LIST}{profile.pk}/standing/{action}/"


def profile_of(email: str) -> CodCustomerProfile:
    return CodCustomerProfile.objects.get(email=email)


def signed_in(email: str, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def support(demo) -> Client:
    return signed_in("support@example.com")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def keys_listed(response) -> list[str]:
    """The customers listed, as the list names them (their email, never their key)."""
    return re.findall(r'<th class="field-customer"><a href="[^"]+">([^<]+)</a>', response.content.decode())


# ---- the list


def test_the_list_shows_each_customers_standing(support):
    # when support opens the customers list
    response = support.get(LIST, {"q": "penalty@example.com"})
    # then a row shows tier, limit, completed orders, strikes and the penalty owed
    html = response.content.decode()
    assert response.status_code == 200 and keys_listed(response) == ["penalty@example.com"]
    for cell in ('<td class="field-tier">New customer</td>', '<td class="field-limit">$500.00</td>'):
        assert cell in html
    assert '<td class="field-strikes">1</td>' in html and '<td class="field-penalty">$12.50</td>' in html


@pytest.mark.parametrize(
    ("standing", "keys"),
    [
        ("suspended", ["suspended@example.com"]),
        ("revoked", ["revoked@example.com"]),
        ("b2b", ["b2b@example.com"]),
        ("penalty", ["penalty@example.com"]),
    ],
)
def test_the_list_filters_by_standing(support, standing, keys):
    assert keys_listed(support.get(LIST, {"standing": standing})) == keys


@pytest.mark.parametrize(
    ("query", "key", "shown"),
    [("b2b@example", "customer:4", "b2b@example.com"), ("+12025550146", "customer:7", "penalty@example.com")],
)
def test_the_list_searches_email_phone_and_key(support, query, key, shown):
    assert keys_listed(support.get(LIST, {"q": query})) == [shown]
    assert keys_listed(support.get(LIST, {"q": key})) == [shown]


# ---- the profile page


def test_the_profile_page_shows_standing_orders_strikes_history_and_the_actions(api, token_for, support):
    # given a customer with 21 COD orders and a strike on record
    _, first = place(api, token_for("new@example.com"))
    CodOrder.objects.bulk_create(
        CodOrder(
            **{f.attname: getattr(first, f.attname) for f in CodOrder._meta.concrete_fields if f.name != "id"}
            | {"order_ref": f"r{n}", "checkout_ref": f"c{n}", "order_number": f"{2000 + n}"}
        )
        for n in range(20)
    )
    profile = profile_of("new@example.com")
    CodProfileEvent.objects.create(
        profile=profile, order=first, kind="strike", actor="courier", reason="no_reason", data={"penalty": "12.50"}
    )
    CodCustomerProfile.objects.filter(pk=profile.pk).update(strikes=1, outstanding_penalty=Decimal("12.50"))
    # when support opens the profile
    response = support.get(page(profile))
    html = response.content.decode()
    # then the standing, the latest 20 orders linked to the order page, the strike and the history are shown
    assert response.status_code == 200
    assert "$12.50" in html and "$500.00" in html and '<div class="readonly">New customer</div>' in html
    links = re.findall(r'<a href="/admin/cod_plugin/codorder/(\d+)/change/">(\d+)</a>', html)
    assert len(links) == 20 and first.order_number not in [number for _, number in links]
    assert "<td>No reason</td>" in html and "no_reason" not in html and "12.50" in html
    # and the five actions are POST forms with CSRF and a required reason
    forms = re.findall(r'<form method="post" action="([^"]+)" id="(\w+)_form"(.*?)</form>', html, re.S)
    assert [name for _, name, _ in forms] == ["suspend", "restore", "revoke", "verify_b2b", "settle_penalty"]
    for url, name, body in forms:
        assert url == action_url(profile, name) and 'name="csrfmiddlewaretoken"' in body
        assert re.search(r'<textarea name="reason"[^>]* required', body), name
    # and nothing is editable in place
    assert 'name="_save"' not in html and 'name="strikes"' not in html


def test_a_view_only_user_sees_the_profile_without_actions(staff_client, demo):
    client = staff_client("cod_plugin.view_codcustomerprofile")
    html = client.get(page(profile_of("new@example.com"))).content.decode()
    assert "new@example.com" in html and '<form method="post"' not in html
    assert "needs the permission to handle COD returns and refunds" in html


# ---- the actions


def post(client, profile, action, **data):
    return client.post(action_url(profile, action), data, follow=True)


def test_suspending_from_the_profile_page(support):
    # given a NEW customer
    profile = profile_of("new@example.com")
    # when support suspends COD for 30 days with a reason
    response = post(support, profile, "suspend", days="30", reason="Fake addresses")
    # then the page comes back with the news, the profile is suspended, the flow's event and the admin history exist
    assert response.redirect_chain == [(page(profile), 302)]
    assert messages_of(response) == ["COD is suspended for new@example.com."]
    profile.refresh_from_db()
    assert profile.suspended_until > timezone.now() + timedelta(days=29)
    event = CodProfileEvent.objects.get(profile=profile)
    assert (event.kind, event.actor, event.reason) == ("suspended", "support@example.com", "Fake addresses")
    entry = LogEntry.objects.get(object_id=str(profile.pk))
    assert (entry.action_flag, entry.user.email, entry.change_message) == (
        CHANGE,
        "support@example.com",
        "Suspend COD: Fake addresses",
    )
    assert 'class="readonly">Suspended</div>' in response.content.decode()


def test_suspending_until_a_date(support):
    profile = profile_of("new@example.com")
    until = (timezone.now() + timedelta(days=10)).date()
    post(support, profile, "suspend", until=until.isoformat(), reason="Until the dispute is settled")
    profile.refresh_from_db()
    assert profile.suspended_until.date() == until


@pytest.mark.parametrize(
    ("email", "action", "data", "message", "check"),
    [
        (
            "suspended@example.com",
            "restore",
            {},
            "COD is restored for suspended@example.com.",
            lambda p: not p.suspended_until,
        ),
        ("revoked@example.com", "restore", {}, "COD is restored for revoked@example.com.", lambda p: not p.revoked),
        ("new@example.com", "revoke", {}, "COD is revoked for new@example.com.", lambda p: p.revoked),
        (
            "new@example.com",
            "verify_b2b",
            {"limit": "7500", "currency": "USD"},
            "new@example.com is a verified B2B account.",
            lambda p: (p.b2b_verified, p.b2b_limit.amount) == (True, Decimal("7500")),
        ),
        (
            "penalty@example.com",
            "settle_penalty",
            {},
            "The penalty of penalty@example.com is settled.",
            lambda p: p.outstanding_penalty.amount == 0,
        ),
    ],
)
def test_each_action_changes_the_standing_with_an_audit_entry(support, email, action, data, message, check):
    profile = profile_of(email)
    response = post(support, profile, action, reason="Checked with the customer", **data)
    assert messages_of(response) == [message]
    profile.refresh_from_db()
    assert check(profile)
    event = CodProfileEvent.objects.get(profile=profile)
    assert (event.actor, event.reason) == ("support@example.com", "Checked with the customer")
    assert LogEntry.objects.filter(object_id=str(profile.pk), change_message__endswith=": Checked with the customer")


@pytest.mark.parametrize(
    ("email", "action", "data", "message"),
    [
        ("new@example.com", "revoke", {"reason": ""}, "Reason: This field is required."),
        ("new@example.com", "suspend", {"reason": "x"}, "Give a number of days or an end date (one of them)."),
        (
            "new@example.com",
            "suspend",
            {"reason": "x", "days": "3", "until": "2030-01-01"},
            "Give a number of days or an end date (one of them).",
        ),
        ("new@example.com", "restore", {"reason": "x"}, "COD is neither suspended nor revoked for this customer."),
        ("new@example.com", "settle_penalty", {"reason": "x"}, "This customer owes no penalty."),
        (
            "new@example.com",
            "verify_b2b",
            {"reason": "x", "limit": "0", "currency": "USD"},
            "The limit must be more than zero.",
        ),
        (
            "new@example.com",
            "verify_b2b",
            {"reason": "x", "limit": "10.005", "currency": "USD"},
            "USD amounts have 2 decimals at most.",
        ),
    ],
)
def test_errors_are_shown_and_change_nothing(support, email, action, data, message):
    profile = profile_of(email)
    response = post(support, profile, action, **data)
    assert response.redirect_chain == [(page(profile), 302)] and messages_of(response) == [message]
    assert not CodProfileEvent.objects.exists() and not LogEntry.objects.exists()


def test_an_action_is_a_post(support):
    assert support.get(action_url(profile_of("new@example.com"), "revoke")).status_code == 405
