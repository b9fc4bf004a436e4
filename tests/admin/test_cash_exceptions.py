"""The exceptions queue for finance: open ones oldest first with their remittance, line, order and amounts, the
filters, an exception's page, and resolving one (each error of the form, and what a resolved one shows)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cod_plugin.models import CodReconciliationException, CodRemittanceLine
from cod_plugin.rules.reconciliation import ExceptionKind, LineStatus, Outcome
from tests.cash.remittance_rows import remittance

from .cash_screens import EXCEPTIONS, FINANCE, REMITTANCES, courier, delivered, lines_of, messages_of, signed_in

pytestmark = pytest.mark.usefixtures("demo")
Status = CodReconciliationException.Status


@pytest.fixture
def finance():
    return signed_in(FINANCE)


@pytest.fixture
def fastship():
    return courier("fastship")


@pytest.fixture
def two(fastship):
    """A remittance of fastship with a short line (order 7002) and a line naming no order, raised a day apart."""
    orders = delivered(3, fastship)
    made = remittance(
        fastship,
        reference="R-7",
        lines=[*lines_of(orders[:1]), (orders[1], "90.00", LineStatus.SHORT), (None, "50.00", LineStatus.UNKNOWN)],
    )
    short = CodReconciliationException.objects.get(kind=ExceptionKind.SHORT)
    unknown = CodReconciliationException.objects.get(kind=ExceptionKind.UNKNOWN)
    CodReconciliationException.objects.filter(pk=unknown.pk).update(created_at=timezone.now() - timedelta(days=3))
    return made, short, unknown, orders


def kinds(response) -> list[str]:
    return re.findall(r'<th class="field-exception"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_queue_lists_open_exceptions_oldest_first_with_their_money(finance, two):
    response = finance.get(EXCEPTIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert kinds(response) == ["Unknown order", "Short payment"]
    assert "3 days" in html and "0 days" in html
    assert "Row 3: NO-SUCH-3" in html and "Row 2: 7002" in html
    assert "$103.00" in html and "$90.00" in html and "-$13.00" in html
    assert '<a href="/admin/cod_plugin/codremittance/' in html


def test_the_queue_filters_by_courier_kind_and_status(finance, two, fastship):
    made, short, unknown, _orders = two
    slowship = courier("slowship")
    remittance(slowship, reference="S-1", lines=[(None, "5.00", LineStatus.UNKNOWN)])
    CodReconciliationException.objects.filter(pk=short.pk).update(status=Status.RESOLVED, outcome=Outcome.WRITTEN_OFF)

    assert kinds(finance.get(EXCEPTIONS)) == ["Unknown order", "Unknown order"]
    assert kinds(finance.get(EXCEPTIONS, {"courier__id__exact": fastship.pk})) == ["Unknown order"]
    assert kinds(finance.get(EXCEPTIONS, {"status": "resolved"})) == ["Short payment"]
    assert len(kinds(finance.get(EXCEPTIONS, {"status": "all"}))) == 3
    assert kinds(finance.get(EXCEPTIONS, {"kind__exact": "short", "status": "all"})) == ["Short payment"]
    assert len(kinds(finance.get(EXCEPTIONS, {"remittance": made.pk, "status": "all"}))) == 2


def resolve(client, exception, **data):
    return client.post(f"{EXCEPTIONS}{exception.pk}/resolve/", data, follow=True)


def test_finance_resolves_an_exception_and_its_page_shows_who_and_when(finance, two):
    made, short, _unknown, _orders = two

    response = resolve(finance, short, outcome=Outcome.COURIER_PAYS_BACK, note="Fastship pays back on the 10th")

    assert messages_of(response) == ["Short payment resolved: Courier to pay back."]
    short.refresh_from_db()
    assert short.status == Status.RESOLVED and short.resolved_by == FINANCE
    page = finance.get(f"{EXCEPTIONS}{short.pk}/change/").content.decode()
    assert "Courier to pay back" in page and "Fastship pays back on the 10th" in page and FINANCE in page
    assert 'class="cod-resolve"' not in page
    made.refresh_from_db()
    assert made.open_exceptions == 1
    listed = finance.get(EXCEPTIONS, {"status": "resolved"}).content.decode()
    assert f"Courier to pay back (“Fastship pays back on the 10th”), by {FINANCE}" in listed


def test_an_unknown_line_is_matched_by_hand_to_an_order_of_the_courier(finance, two):
    made, _short, unknown, orders = two

    response = resolve(
        finance,
        unknown,
        outcome=Outcome.MATCHED_BY_HAND,
        note="Typo in the tracking number",
        order_number=orders[2].order_number,
        next=f"{REMITTANCES}{made.pk}/change/",
    )

    assert response.redirect_chain[-1][0] == f"{REMITTANCES}{made.pk}/change/"
    assert messages_of(response) == ["Unknown order resolved: Matched by hand to an order."]
    line = CodRemittanceLine.objects.get(pk=unknown.line_id)
    assert (line.order_id, line.status) == (orders[2].pk, LineStatus.SHORT)  # 50.00 of 103.00: decided again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": Outcome.WRITTEN_OFF, "note": ""}, "Note: This field is required."),
        ({"outcome": "", "note": "x"}, "Outcome: This field is required."),
        ({"outcome": "lost", "note": "x"}, "Outcome: Select a valid choice. lost is not one of the available choices."),
        (
            {"outcome": Outcome.WRITTEN_OFF, "note": "n" * 256},
            "Note: Ensure this value has at most 255 characters (it has 256).",
        ),
        (
            {"outcome": Outcome.MATCHED_BY_HAND, "note": "x"},
            "Order number: Give the number of the order this line pays for.",
        ),
        (
            {"outcome": Outcome.MATCHED_BY_HAND, "note": "x", "order_number": "999"},
            "Order number: No order has the number 999.",
        ),
    ],
)
def test_the_resolve_form_says_what_is_wrong_and_changes_nothing(finance, two, data, message):
    _made, _short, unknown, _orders = two
    assert messages_of(resolve(finance, unknown, **data)) == [message]
    unknown.refresh_from_db()
    assert unknown.status == Status.OPEN


def test_a_note_of_exactly_255_characters_is_taken(finance, two):
    _made, short, _unknown, _orders = two
    resolve(finance, short, outcome=Outcome.WRITTEN_OFF, note="n" * 255)
    short.refresh_from_db()
    assert short.status == Status.RESOLVED and short.note == "n" * 255


def test_another_couriers_order_cannot_be_matched_by_hand(finance, two):
    _made, _short, unknown, _orders = two
    [theirs] = delivered(1, courier("slowship"), start=8001)
    response = resolve(finance, unknown, outcome=Outcome.MATCHED_BY_HAND, note="x", order_number=theirs.order_number)
    assert len(messages_of(response)) == 1
    unknown.refresh_from_db()
    assert unknown.status == Status.OPEN


def test_an_exception_resolved_twice_is_resolved_once(finance, two):
    _made, short, _unknown, _orders = two
    resolve(finance, short, outcome=Outcome.WRITTEN_OFF, note="first")
    again = resolve(finance, short, outcome=Outcome.CORRECTED, note="second")
    assert messages_of(again) == [f"This exception was already resolved by {FINANCE}."]
    short.refresh_from_db()
    assert (short.outcome, short.note) == (Outcome.WRITTEN_OFF, "first")


@pytest.mark.parametrize("email", ["support@example.com", "dispatch@example.com"])
def test_staff_without_the_finance_role_are_refused(two, email):
    _made, short, _unknown, _orders = two
    client = signed_in(email)
    assert client.get(EXCEPTIONS).status_code == 403
    assert client.get(f"{EXCEPTIONS}{short.pk}/change/").status_code == 403
    assert client.post(f"{EXCEPTIONS}{short.pk}/resolve/", {"outcome": "written_off", "note": "x"}).status_code == 403
    short.refresh_from_db()
    assert short.status == Status.OPEN


def test_the_queue_takes_the_same_queries_for_2_exceptions_as_for_40(finance, two, fastship):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(EXCEPTIONS).status_code == 200
        return len(captured)

    few = queries()
    orders = delivered(38, fastship, start=9001)
    remittance(fastship, reference="R-MANY", lines=[(order, "1.00", LineStatus.SHORT) for order in orders])
    assert CodReconciliationException.objects.count() == 40
    assert queries() == few
