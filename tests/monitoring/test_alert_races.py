"""On PostgreSQL, two runs of the alerts at the same moment (a beat and a manual sweep): the unique key records
each alert once and the row locks send it once. Each run is a thread with its own database connection."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connections

from cod_plugin.flows import alerts
from cod_plugin.models import CodRiskAlert

from .history import build

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RUNS = 4
NOW = datetime(2026, 11, 11, 8, tzinfo=UTC)


def test_runs_at_once_record_one_alert_and_send_it_once(postgres):
    # given a region above the threshold and a manager to tell
    build("refused", at=datetime(2026, 11, 4, 10, tzinfo=UTC), count=20, refusal_reason="changed_mind")
    manager = get_user_model().objects.create_user("m", "m@example.com", "x", is_staff=True)
    manager.groups.add(Group.objects.get(name="COD managers"))
    barrier = Barrier(RUNS)

    def run(_):
        try:
            barrier.wait()
            return alerts.raise_alerts(NOW)
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(RUNS) as pool:
        sent = list(pool.map(run, range(RUNS)))
    # then
    assert CodRiskAlert.objects.filter(dimension="region").count() == 1
    assert sum(sent) == CodRiskAlert.objects.count() and len(mail.outbox) == 1
