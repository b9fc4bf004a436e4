"""Support's changes to a customer's standing: each needs a reason, leaves an audit event, and shows at once in
codProfile and codEligibility."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cod_plugin.error_codes import CodError
from cod_plugin.flows import customers
from cod_plugin.models import CodCustomerProfile, CodProfileEvent
from tests.graphql.shop import new_checkout

PROFILE = """{ codProfile { tier limit { amount currency } strikes suspendedUntil revoked
  outstandingPenalty { amount } } }"""
ELIGIBILITY = "query($id: ID!) { codEligibility(checkoutId: $id) { isEligible reasons { code } } }"
SUPPORT = "support@example.com"


def profile_of(email: str) -> CodCustomerProfile:
    return CodCustomerProfile.objects.get(email=email)


def standing_over_api(api, token) -> tuple[dict, list[str]]:
    """The customer's codProfile, and the reasons codEligibility gives for a small US cart."""
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=token)
    reasons = api(ELIGIBILITY, {"id": checkout}, token=token)["codEligibility"]["reasons"]
    return api(PROFILE, token=token)["codProfile"], [reason["code"] for reason in reasons]


def only_event(profile: CodCustomerProfile) -> CodProfileEvent:
    (event,) = CodProfileEvent.objects.filter(profile=profile)
    return event


def raised_code(call) -> tuple[str, str | None]:
    with pytest.raises(CodError) as raised:
        call()
    return raised.value.code, raised.value.field


def test_suspending_for_days_closes_cod_at_once_with_an_audit_entry(api, token_for):
    # given a NEW customer who can pay at the door
    token, profile = token_for("new@example.com"), profile_of("new@example.com")
    assert standing_over_api(api, token)[1] == []
    # when support suspends COD for 30 days
    customers.suspend(profile.pk, days_or_until=30, reason="Three fake addresses this week", actor=SUPPORT)
    # then codProfile says SUSPENDED until then and codEligibility refuses
    shown, reasons = standing_over_api(api, token)
    assert shown["tier"] == "SUSPENDED" and reasons == ["CUSTOMER_SUSPENDED"]
    profile.refresh_from_db()
    assert abs(profile.suspended_until - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert profile.suspensions == 1
    # and one event keeps who, why, and the standing before and after
    event = only_event(profile)
    assert (event.kind, event.actor, event.reason) == ("suspended", SUPPORT, "Three fake addresses this week")
    assert (event.data["before"]["tier"], event.data["after"]["tier"]) == ("new", "suspended")
    assert event.data["after"]["suspended_until"] == profile.suspended_until.isoformat()


def test_suspending_again_moves_the_end_and_counts_one_suspension(db, demo):
    profile = profile_of("suspended@example.com")
    until = timezone.now() + timedelta(days=5)
    customers.suspend(profile.pk, days_or_until=until, reason="Paid part of the debt", actor=SUPPORT)
    profile.refresh_from_db()
    assert (profile.suspended_until, profile.suspensions) == (until, 1)


def test_restoring_a_suspended_customer_keeps_strikes_and_record(api, token_for):
    # given a customer suspended after three strikes
    profile = profile_of("suspended@example.com")
    # when support restores COD
    customers.restore(profile.pk, reason="Refusals were the courier's fault", actor=SUPPORT)
    # then COD is offered again at the NEW tier, the strikes stay on record
    shown, reasons = standing_over_api(api, token_for("suspended@example.com"))
    assert (shown["tier"], shown["suspendedUntil"], shown["strikes"], reasons) == ("NEW", None, 3, [])
    event = only_event(profile)
    assert (event.kind, event.data["before"]["tier"], event.data["after"]["tier"]) == ("restored", "suspended", "new")


def test_restoring_a_revoked_customer_and_the_penalty_stays_owed(api, token_for):
    # given a revoked customer who also owes a penalty
    profile = profile_of("revoked@example.com")
    CodCustomerProfile.objects.filter(pk=profile.pk).update(outstanding_penalty=Decimal("7.50"))
    # when restored, then the revocation ends but the unpaid penalty still closes COD
    customers.restore(profile.pk, reason="Appeal accepted", actor=SUPPORT)
    shown, reasons = standing_over_api(api, token_for("revoked@example.com"))
    assert (shown["tier"], shown["revoked"], shown["outstandingPenalty"]) == ("NEW", False, {"amount": "7.50"})
    assert reasons == ["UNPAID_PENALTY"]


def test_restoring_a_customer_in_good_standing_is_refused(db, demo):
    profile = profile_of("new@example.com")
    assert raised_code(lambda: customers.restore(profile.pk, reason="x", actor=SUPPORT)) == ("invalid", None)
    assert not CodProfileEvent.objects.exists()


def test_revoking_closes_cod_for_good_and_twice_is_refused(api, token_for):
    profile = profile_of("trusted@example.com")
    customers.revoke(profile.pk, reason="Resold goods bought on COD", actor=SUPPORT)
    shown, reasons = standing_over_api(api, token_for("trusted@example.com"))
    assert (shown["tier"], shown["revoked"], shown["limit"]["amount"], reasons) == (
        "REVOKED",
        True,
        "0.00",
        ["CUSTOMER_REVOKED"],
    )
    event = only_event(profile)
    assert (event.kind, event.data["before"]["tier"], event.data["after"]["tier"]) == ("revoked", "trusted", "revoked")
    assert raised_code(lambda: customers.revoke(profile.pk, reason="again", actor=SUPPORT)) == ("invalid", None)
    assert raised_code(lambda: customers.suspend(profile.pk, days_or_until=3, reason="x", actor=SUPPORT)) == (
        "invalid",
        "until",
    )


def test_verifying_a_b2b_account_sets_its_limit(api, token_for):
    # given a NEW customer limited to USD 500
    profile = profile_of("new@example.com")
    # when support verifies the company account with a USD 7,500 limit
    customers.verify_b2b(profile.pk, limit=Decimal("7500.00"), currency="usd", reason="KYB documents", actor=SUPPORT)
    # then the tier is B2B with that limit, at once
    shown, reasons = standing_over_api(api, token_for("new@example.com"))
    assert (shown["tier"], shown["limit"], reasons) == ("B2B", {"amount": "7500.00", "currency": "USD"}, [])
    event = only_event(profile)
    assert event.kind == "b2b_verified" and event.data["before"]["b2b_limit"] is None
    assert event.data["after"]["b2b_limit"] == {"amount": "7500.00", "currency": "USD"}


@pytest.mark.parametrize(
    ("limit", "currency", "expected"),
    [
        (Decimal("0"), "USD", ("invalid", "limit")),
        (Decimal("-5"), "USD", ("invalid", "limit")),
        (Decimal("100.005"), "USD", ("invalid", "limit")),
        (Decimal("1e20"), "USD", ("invalid", "limit")),
        (Decimal("NaN"), "USD", ("invalid", "limit")),
        (Decimal("100"), "XYZ", ("invalid", "currency")),
        (Decimal("100"), "EUR", ("currency_mismatch", "currency")),
    ],
)
def test_a_b2b_limit_must_be_positive_in_minor_units_of_a_limit_currency(db, demo, limit, currency, expected):
    profile = profile_of("new@example.com")
    call = lambda: customers.verify_b2b(profile.pk, limit=limit, currency=currency, reason="x", actor=SUPPORT)  # noqa: E731
    assert raised_code(call) == expected
    profile.refresh_from_db()
    assert not profile.b2b_verified and not CodProfileEvent.objects.exists()


def test_settling_the_penalty_reopens_cod(api, token_for):
    # given a customer owing USD 12.50
    profile = profile_of("penalty@example.com")
    assert standing_over_api(api, token_for("penalty@example.com"))[1] == ["UNPAID_PENALTY"]
    # when the payment is recorded
    customers.settle_penalty(profile.pk, reason="Paid at the counter, receipt 8812", actor=SUPPORT)
    # then nothing is owed any more, the strike stays
    shown, reasons = standing_over_api(api, token_for("penalty@example.com"))
    assert (shown["outstandingPenalty"], shown["strikes"], reasons) == (None, 1, [])
    event = only_event(profile)
    assert event.kind == "penalty_settled" and event.data["settled"] == {"amount": "12.50", "currency": "USD"}
    assert event.data["after"]["outstanding_penalty"] == {"amount": "0.00", "currency": "USD"}
    # and a second settlement is refused
    assert raised_code(lambda: customers.settle_penalty(profile.pk, reason="x", actor=SUPPORT)) == ("invalid", None)


ACTIONS = {
    "suspend": lambda pk, reason: customers.suspend(pk, days_or_until=10, reason=reason, actor=SUPPORT),
    "restore": lambda pk, reason: customers.restore(pk, reason=reason, actor=SUPPORT),
    "revoke": lambda pk, reason: customers.revoke(pk, reason=reason, actor=SUPPORT),
    "verify_b2b": lambda pk, reason: customers.verify_b2b(
        pk, limit=Decimal(1000), currency="USD", reason=reason, actor=SUPPORT
    ),
    "settle_penalty": lambda pk, reason: customers.settle_penalty(pk, reason=reason, actor=SUPPORT),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_action_needs_a_reason_and_changes_nothing_without_one(db, demo, action, reason):
    profile = profile_of("penalty@example.com")
    before = customers.standing(profile)
    assert raised_code(lambda: ACTIONS[action](profile.pk, reason)) == ("required", "reason")
    profile.refresh_from_db()
    assert customers.standing(profile) == before and not CodProfileEvent.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_profile_is_not_found(db, demo, action):
    assert raised_code(lambda: ACTIONS[action](987654, "a reason")) == ("not_found", "profile")


@pytest.mark.parametrize("days", [0, -1, 3651, "7", True])
def test_a_suspension_takes_one_to_3650_days_or_a_future_end(db, demo, days):
    profile = profile_of("new@example.com")
    call = lambda: customers.suspend(profile.pk, days_or_until=days, reason="x", actor=SUPPORT)  # noqa: E731
    assert raised_code(call) == ("invalid", "until")
    past = timezone.now() - timedelta(minutes=1)
    call = lambda: customers.suspend(profile.pk, days_or_until=past, reason="x", actor=SUPPORT)  # noqa: E731
    assert raised_code(call) == ("invalid", "until")
