"""``codMetrics``: the weekly figures for managers, money as ``{amount, currency}``; a span of 53 weeks and not 54;
too long a channel refused, not cut; nobody else may ask."""

from datetime import UTC, datetime

import pytest

from tests.graphql.conftest import Api

from .history import build

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 4, 10, tzinfo=UTC)
QUERY = """query($filter: CodMetricsFilterInput) { codMetrics(filter: $filter) {
  weeks rows { week key label currency placed atDoor refused signOffRate refusalRate collectionRate
               refusals { reason orders } toCollect { amount currency } collected { amount currency }
               fees { amount currency } }
  penaltiesOutstanding { amount currency } } }"""


@pytest.fixture
def manager(demo, token_for):
    return token_for("manager@example.com")


def ask(token, **spec):
    return Api().raw(QUERY, {"filter": {"from": "2026-11-02", "to": "2026-11-08", **spec}}, token=token)


def test_a_manager_reads_a_weeks_figures_by_region(manager):
    build("refused", at=AT, refusal_reason="damaged")
    build("completed", at=AT, collected="104.99")
    body = ask(manager, dimension="REGION")
    assert "errors" not in body, body
    (row,) = body["data"]["codMetrics"]["rows"]
    assert body["data"]["codMetrics"]["weeks"] == ["2026-11-02"]
    assert (row["key"], row["label"], row["currency"], row["placed"], row["atDoor"]) == (
        "KW/Capital",
        "Kuwait — Capital",
        "USD",
        2,
        2,
    )
    assert (row["signOffRate"], row["refusalRate"], row["collectionRate"]) == ("50.0", "50.0", "50.0")
    assert {"reason": "DAMAGED", "orders": 1} in row["refusals"]
    assert row["toCollect"] == {"amount": "210.00", "currency": "USD"}
    assert row["collected"] == {"amount": "104.99", "currency": "USD"}
    assert row["fees"] == {"amount": "5.00", "currency": "USD"}


def test_53_weeks_may_be_asked_and_54_are_refused(manager):
    ok = ask(manager, **{"from": "2025-11-03", "to": "2026-11-08"})
    assert "errors" not in ok and len(ok["data"]["codMetrics"]["weeks"]) == 53
    refused = ask(manager, **{"from": "2025-10-27", "to": "2026-11-08"})
    (error,) = refused["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": "filter.from"}
    assert error["message"] == "Ask for at most 53 weeks at once."


def test_weeks_that_end_before_they_start_are_refused(manager):
    (error,) = ask(manager, **{"from": "2026-11-09", "to": "2026-11-08"})["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": "filter.to"}


def test_a_channel_too_long_is_refused_not_cut(manager):
    (error,) = ask(manager, channel="c" * 101)["errors"]
    assert error["extensions"]["code"] == "INVALID" and error["extensions"]["field"] == "filter.channel"
    assert "errors" not in ask(manager, channel="c" * 100)


@pytest.mark.parametrize("email", ["agent@example.com", "finance@example.com", "support@example.com"])
def test_other_staff_may_not_read_the_figures(token_for, demo, email):
    (error,) = ask(token_for(email))["errors"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"


def test_a_currency_code_of_three_letters_and_not_four(manager):
    build("completed", at=AT, currency="KWD", amount="10.000", fee="0.500")
    (row,) = ask(manager, currency="kwd")["data"]["codMetrics"]["rows"]
    assert row["currency"] == "KWD"
    (error,) = ask(manager, currency="KWDX")["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": "filter.currency"}


def test_the_api_reads_as_many_queries_for_10_orders_as_for_200(manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for orders in (10, 200):
        build("completed", at=AT, count=orders // 2, area=f"A{orders}")
        build("refused", at=AT, count=orders // 2, area=f"B{orders}")
        with CaptureQueriesContext(connection) as queries:
            assert "errors" not in ask(manager, dimension="REGION")
        counts.append(len(queries))
    assert counts[0] == counts[1]
