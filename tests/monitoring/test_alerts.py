"""The alerts: a subject whose week's refusal rate is above the threshold (40% is not, 40.1% is) with enough
orders at the door (19 are not, 20 are), a phone or address refusing again across accounts; each raised once per
subject and week, e-mailed to the active managers once, acknowledged with who and when."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from cod_plugin import tasks
from cod_plugin.flows import alerts
from cod_plugin.models import CodOrderLine, CodRiskAlert, Courier

from .history import build

pytestmark = pytest.mark.django_db
RUNNING = date(2026, 11, 9)  # the running week's Monday
NOW = datetime(2026, 11, 11, 8, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 4, 10, tzinfo=UTC)
Kind = CodRiskAlert.Kind


@pytest.fixture
def managers():
    make = get_user_model().objects.create_user
    group = Group.objects.get(name="COD managers")
    users = {
        "manager": make("man", "man@example.com", "x", is_staff=True),
        "inactive": make("gone", "gone@example.com", "x", is_staff=True, is_active=False),
        "agent": make("agent", "agent@example.com", "x", is_staff=True),
    }
    users["manager"].groups.add(group)
    users["inactive"].groups.add(group)
    users["agent"].groups.add(Group.objects.get(name="COD agents"))
    return users


def door(refused: int, delivered: int, *, at=LAST_WEEK, **fields) -> None:
    """Orders that reached the door in the region KW/Capital (unless ``fields`` say otherwise)."""
    if refused:
        build("refused", at=at, count=refused, refusal_reason="changed_mind", **fields)
    if delivered:
        build("completed", at=at, count=delivered, **fields)


def raised(kind=Kind.REFUSAL_RATE, dimension="region"):
    return list(CodRiskAlert.objects.filter(kind=kind, dimension=dimension).values_list("key", "week", "rate"))


def test_a_refusal_rate_of_40_percent_is_not_above_the_threshold(managers):
    door(8, 12)
    assert alerts.raise_alerts(NOW) == 0
    assert raised() == [] and mail.outbox == []


def test_9_of_20_refused_raises_the_region_and_tells_the_managers(managers):
    door(9, 11)
    assert alerts.raise_alerts(NOW) == 1
    ((key, week, rate),) = raised()
    assert (key, week, str(rate)) == ("KW/Capital", RUNNING - timedelta(weeks=1), "45.0")
    (message,) = mail.outbox
    assert message.to == ["man@example.com"]
    assert message.subject == "COD: 1 new alert"
    assert "Region Kuwait — Capital: 45.0% refused in the week of 2026-11-02 (9 of 20 orders at the door)." in (
        message.body
    )
    assert CodRiskAlert.objects.get().sent_at == NOW


def test_401_of_1000_refused_is_above_40_percent(managers):
    door(401, 599)
    alerts.raise_alerts(NOW)
    assert [str(rate) for _key, _week, rate in raised()] == ["40.1"]


def test_400_of_1000_refused_is_not():
    door(400, 600)
    alerts.raise_alerts(NOW)
    assert raised() == []


def test_19_orders_at_the_door_are_too_few_and_20_are_enough():
    door(19, 0)
    alerts.raise_alerts(NOW)
    assert raised() == []
    door(0, 1, at=LAST_WEEK + timedelta(hours=1))  # cancelled or pending orders would not count
    alerts.raise_alerts(NOW)
    assert [str(rate) for _key, _week, rate in raised()] == ["95.0"]


def test_the_threshold_and_the_minimum_are_settings(settings):
    settings.COD_ALERT_REFUSAL_PERCENT = "10"
    settings.COD_ALERT_MIN_ORDERS = 5
    door(1, 4)
    alerts.raise_alerts(NOW)
    assert [str(rate) for _key, _week, rate in raised()] == ["20.0"]


def test_the_running_week_is_watched_and_older_weeks_are_not():
    door(20, 0, at=NOW - timedelta(hours=1))
    door(20, 0, at=LAST_WEEK - timedelta(weeks=1), area="Hawalli")
    alerts.raise_alerts(NOW)
    assert [(key, week) for key, week, _rate in raised()] == [("KW/Capital", RUNNING)]


def test_postal_area_product_and_courier_are_watched():
    fast = Courier.objects.create(code="fast", name="Fast Ship", webhook_secret="w" * 20)
    door(20, 0, postal_code="13001", courier=fast, product="phone")
    alerts.raise_alerts(NOW)
    found = set(CodRiskAlert.objects.values_list("dimension", "key", "label"))
    assert {("postal_area", "KW/13001", "Kuwait 13001"), ("product", "phone", "Phone")} <= found
    assert ("courier", "fast", "Fast Ship") in found and ("region", "KW/Capital", "Kuwait — Capital") in found


def test_an_alert_is_raised_once_per_subject_and_week_and_sent_once(managers):
    door(20, 0)
    assert alerts.raise_alerts(NOW) == 1
    door(5, 0)
    assert alerts.raise_alerts(NOW + timedelta(days=1)) == 0
    assert len(raised()) == 1 and len(mail.outbox) == 1


def test_nothing_is_sent_without_a_manager_and_it_waits_for_one():
    door(20, 0)
    assert alerts.raise_alerts(NOW) == 0
    assert CodRiskAlert.objects.get().sent_at is None
    manager = get_user_model().objects.create_user("m2", "m2@example.com", "x", is_staff=True)
    manager.groups.add(Group.objects.get(name="COD managers"))
    assert alerts.raise_alerts(NOW) == 1 and mail.outbox[0].to == ["m2@example.com"]


def _refused(customer: str, *, at=LAST_WEEK, **fields):
    return build("refused", at=at, customer_key=customer, refusal_reason="not_at_home", **fields)


def test_a_phone_refusing_again_from_another_account(managers):
    # given a phone refused on two accounts' orders, another refused twice on one account
    _refused("guest:a@example.com", phone_e164="+96550000001", at=LAST_WEEK - timedelta(weeks=5))
    _refused("customer:7", phone_e164="+96550000001")
    _refused("customer:8", phone_e164="+96550000002")
    _refused("customer:8", phone_e164="+96550000002")
    # when
    alerts.raise_alerts(NOW)
    # then the first phone only, in the week of its latest refusal, with its figures
    alert = CodRiskAlert.objects.get(kind=Kind.REPEAT_REFUSER)
    assert (alert.dimension, alert.key, alert.week) == ("phone", "+96550000001", RUNNING - timedelta(weeks=1))
    assert alert.data == {"refusals": 2, "accounts": 2}
    assert "Phone +96550000001: 2 refusals from 2 customers, the latest in the week of 2026-11-02." in (
        mail.outbox[0].body
    )


def test_an_address_refusing_again_from_another_account():
    _refused("guest:a@example.com", address_key="f" * 64, postal_code="13001")
    _refused("guest:b@example.com", address_key="f" * 64, postal_code="13001")
    alerts.raise_alerts(NOW)
    assert raised(Kind.REPEAT_REFUSER, "address") == [("f" * 64, RUNNING - timedelta(weeks=1), None)]
    assert CodRiskAlert.objects.get().label == "KW 13001"


def test_a_repeat_refuser_whose_latest_refusal_is_older_is_not_raised_again():
    _refused("guest:a@example.com", phone_e164="+96550000001", at=LAST_WEEK - timedelta(weeks=2))
    _refused("guest:b@example.com", phone_e164="+96550000001", at=LAST_WEEK - timedelta(weeks=1))
    alerts.raise_alerts(NOW)
    assert raised(Kind.REPEAT_REFUSER, "phone") == []


def test_the_matching_orders_are_the_refused_orders_of_the_subject_and_week():
    door(20, 3)
    door(20, 0, at=LAST_WEEK - timedelta(weeks=1))
    door(20, 0, area="Hawalli")
    alerts.raise_alerts(NOW)
    alert = CodRiskAlert.objects.get(dimension="region", key="KW/Capital")
    assert alerts.matching_orders(alert).count() == 20


def test_the_matching_orders_of_a_product():
    door(20, 0, product="phone")
    (other,) = build("refused", at=LAST_WEEK)
    CodOrderLine.objects.create(order=other, product_ref="case", sku="c", name="Case", quantity=1, unit_price=1)
    alerts.raise_alerts(NOW)
    assert alerts.matching_orders(CodRiskAlert.objects.get(dimension="product")).count() == 20


def test_acknowledging_records_who_and_when_once():
    door(20, 0)
    alerts.raise_alerts(NOW)
    alert = CodRiskAlert.objects.get()
    assert alerts.acknowledge(alert.pk, actor="man@example.com", now=NOW) is True
    assert alerts.acknowledge(alert.pk, actor="other@example.com") is False
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == ("man@example.com", NOW)


def test_the_daily_task_raises_the_alerts(managers, settings):
    door(20, 0, at=datetime.now(UTC) - timedelta(minutes=5))
    assert tasks.raise_risk_alerts.apply().get() == 1
    assert tasks.raise_risk_alerts in tasks.SWEEPS
    assert settings.CELERY_BEAT_SCHEDULE["cod-raise-risk-alerts"]["task"] == "cod_plugin.tasks.raise_risk_alerts"


def test_the_last_full_week_starts_on_monday_0000_and_the_sunday_before_is_not_watched():
    door(20, 0, at=datetime(2026, 11, 2, 0, 0, tzinfo=UTC), area="Monday")
    door(20, 0, at=datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC), area="Sunday")
    alerts.raise_alerts(NOW)
    assert [key for key, _week, _rate in raised()] == ["KW/Monday"]
