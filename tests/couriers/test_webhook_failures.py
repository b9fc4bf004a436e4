"""A courier webhook that meets a busy database or an unexpected error: a coded 503 to retry, never a 500."""

import logging

import pytest
from django.db import IntegrityError, OperationalError

from cod_plugin.database import is_busy
from cod_plugin.flows import courier_events
from cod_plugin.models import CourierEvent

from .conftest import Events, place_order, post


@pytest.fixture
def order(api, courier):
    return place_order(api, "ann@example.com", courier=courier)


def failing(error: Exception):
    def receive(*args, **kwargs):
        raise error

    return receive


def test_a_locked_database_is_a_retryable_503(client, order, monkeypatch):
    # given a database that stays locked past the busy timeout
    monkeypatch.setattr(courier_events, "receive", failing(OperationalError("database is locked")))
    # when the courier reports a shipment
    response = post(client, Events()("shipped", order, tracking_number="FS-1"))
    # then it is asked to retry, and nothing is recorded
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert response.json() == {
        "error": {"code": "database_busy", "message": "The database is busy; try again in a moment.", "retryable": True}
    }
    assert not CourierEvent.objects.exists()


def test_an_unexpected_error_is_a_logged_503_without_its_text(client, order, monkeypatch, caplog):
    monkeypatch.setattr(courier_events, "receive", failing(ZeroDivisionError("secret internals")))
    with caplog.at_level(logging.ERROR, logger="cod_plugin"):
        response = post(client, Events()("shipped", order, tracking_number="FS-1"))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in response.content.decode() and "ZeroDivision" not in response.content.decode()
    [logged] = [record for record in caplog.records if record.name.startswith("cod_plugin")]
    assert logged.exc_info[0] is ZeroDivisionError


class PgError(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def wrapped(error: Exception, cause: Exception | None) -> Exception:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked: cod_plugin_codorder"), True),
        (wrapped(OperationalError("could not serialize access"), PgError("40001")), True),
        (wrapped(OperationalError("deadlock detected"), PgError("40P01")), True),
        (wrapped(OperationalError("could not obtain lock"), PgError("55P03")), True),
        (wrapped(OperationalError("connection refused"), PgError("08006")), False),
        (OperationalError("no such table: cod_plugin_codorder"), False),
        (IntegrityError("database is locked"), False),  # only the database's own failures to get a turn
    ],
)
def test_which_database_errors_are_worth_a_retry(error, busy):
    assert is_busy(error) is busy
