"""The remittances list and a remittance's page for finance: columns in money format, filters, a page of lines
whatever their number (the same queries for 10 lines as for 200), its exceptions, the deposit and the bank
statement forms; staff without the finance role are refused."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admin_ui import cash_forms
from admin_ui.cash_remittance_page import EXCEPTIONS_SHOWN, LINES_PER_PAGE
from cod_plugin.models import CodReconciliationException, CodRemittance
from cod_plugin.rules.reconciliation import ExceptionKind, LineStatus
from tests.cash.remittance_rows import remittance

from .cash_screens import FINANCE, REMITTANCES, courier, delivered, lines_of, messages_of, signed_in

pytestmark = pytest.mark.usefixtures("demo")
Status = CodRemittance.Status


@pytest.fixture
def finance():
    return signed_in(FINANCE)


@pytest.fixture
def fastship():
    return courier("fastship")


def listed(response) -> list[str]:
    return re.findall(r'<th class="field-reference"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_list_shows_each_remittance_with_its_amounts_newest_first(finance, fastship):
    # given two remittances of fastship, one with a short line
    orders = delivered(3, fastship)
    remittance(fastship, reference="R-OLD", lines=lines_of(orders[:1]), remitted_on=date(2026, 11, 20))
    remittance(
        fastship,
        reference="R-NEW",
        lines=[*lines_of(orders[1:2]), (orders[2], "90.00", LineStatus.SHORT)],
        net="190.00",
        cod_charge=Decimal("3.00"),
    )

    # when finance opens the list
    response = finance.get(REMITTANCES)

    # then the newest comes first, with its courier, totals in money format, lines, open exceptions and status
    assert response.status_code == 200
    assert listed(response) == ["R-NEW", "R-OLD"]
    row = re.search(r"<tr>(?:(?!</tr>).)*R-NEW.*?</tr>", response.content.decode(), re.S).group(0)
    for shown in ("Fastship", "Nov 30, 2026", "$193.00", "$3.00", "$190.00", "Awaiting the bank deposit"):
        assert shown in row
    assert re.search(r'<td class="field-line_count">2</td>', row)
    assert re.search(r'<td class="field-exceptions_shown"><a class="cod-badge" href="[^"]+\?remittance=\d+">1</a>', row)


def test_the_list_filters_by_courier_status_and_period(finance, fastship):
    slowship = courier("slowship")
    remittance(fastship, reference="F-1", lines=lines_of(delivered(1, fastship)), remitted_on=date(2026, 11, 1))
    settled = remittance(fastship, reference="F-2", lines=lines_of(delivered(1, fastship, start=7100)))
    CodRemittance.objects.filter(pk=settled.pk).update(status=Status.SETTLED)
    remittance(slowship, reference="S-1", lines=lines_of(delivered(1, slowship, start=7200)))

    assert listed(finance.get(REMITTANCES, {"courier__id__exact": slowship.pk})) == ["S-1"]
    assert listed(finance.get(REMITTANCES, {"status__exact": Status.SETTLED})) == ["F-2"]
    period = {"remitted_on__gte": "2026-11-01", "remitted_on__lt": "2026-11-02"}
    assert listed(finance.get(REMITTANCES, period)) == ["F-1"]
    assert listed(finance.get(REMITTANCES, {"q": "S-1"})) == ["S-1"]


def test_the_list_sorts_by_its_dates(finance, fastship):
    remittance(fastship, reference="A", lines=lines_of(delivered(1, fastship)), remitted_on=date(2026, 11, 1))
    remittance(
        fastship, reference="B", lines=lines_of(delivered(1, fastship, start=7100)), remitted_on=date(2026, 11, 5)
    )
    # column 1 (from 0) is the remittance date: ascending, then descending
    assert listed(finance.get(REMITTANCES, {"o": "1"})) == ["A", "B"]
    assert listed(finance.get(REMITTANCES, {"o": "-1"})) == ["B", "A"]


def page_of(made) -> str:
    return f"{REMITTANCES}{made.pk}/change/"


def test_the_page_shows_totals_lines_in_words_and_exceptions(finance, fastship):
    # given a remittance with a matched line, a short one and one naming no order
    orders = delivered(2, fastship)
    lines = [*lines_of(orders[:1]), (orders[1], "90.00", LineStatus.SHORT), (None, "50.00", LineStatus.UNKNOWN)]
    made = remittance(fastship, reference="R-9", lines=lines)

    # when finance opens it
    response = finance.get(page_of(made))

    # then the totals, each line's status in words, and both exceptions with their amounts are there
    html = response.content.decode()
    assert response.status_code == 200
    assert "$243.00" in html  # total collected
    assert html.count('class="cod-line"') == 3
    statuses = re.findall(r'<td class="cod-line-status">([^<]+)</td>', html)
    assert statuses == ["Matched", "Short: less than the amount to collect", "Unknown order"]
    assert html.count('class="cod-exception"') == 2
    assert "Short payment" in html and "Unknown order" in html
    assert "-$13.00" in html  # the short line's difference
    assert 'id="deposit_form"' in html and 'id="statement_form"' in html
    assert html.count('class="cod-resolve"') == 2


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_takes_the_same_queries_for_10_lines_as_for_200(finance, fastship):
    counts = {}
    for size in (10, 200):
        orders = delivered(size, fastship, start=10000 + size * 10)
        short = [(order, "90.00", LineStatus.SHORT) for order in orders[: size // 5]]
        made = remittance(fastship, reference=f"R-{size}", lines=[*short, *lines_of(orders[size // 5 :])])
        counts[size] = queries(finance, page_of(made))
    assert counts[10] == counts[200], counts


def test_the_lines_come_a_page_at_a_time(finance, fastship):
    # given a remittance of more lines than a page
    made = remittance(fastship, reference="R-BIG", lines=lines_of(delivered(LINES_PER_PAGE + 5, fastship)))

    # then the first page shows a page of lines, the second the rest, and a page past the last shows the last
    first = finance.get(page_of(made)).content.decode()
    second = finance.get(page_of(made), {"page": "2"}).content.decode()
    assert first.count('class="cod-line"') == LINES_PER_PAGE
    assert second.count('class="cod-line"') == 5
    assert f"Lines {LINES_PER_PAGE + 1} to {LINES_PER_PAGE + 5} of {LINES_PER_PAGE + 5}." in second
    assert finance.get(page_of(made), {"page": "99"}).content.decode().count('class="cod-line"') == 5
    assert finance.get(page_of(made), {"page": "x"}).content.decode().count('class="cod-line"') == LINES_PER_PAGE


def deposit(client, made, **data):
    values = {"amount": str(made.net), "deposited_on": "2026-12-01", "bank_reference": "BANK-1", **data}
    return client.post(f"{REMITTANCES}{made.pk}/deposit/", values, follow=True)


def test_a_deposit_of_the_net_settles_the_remittance(finance, fastship):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(2, fastship)))

    response = deposit(finance, made)

    made.refresh_from_db()
    assert made.status == Status.SETTLED and made.bank_reference == "BANK-1"
    assert made.deposited_on == date(2026, 12, 1) and made.deposited_amount == Decimal("206.00")
    assert messages_of(response) == ["The deposit of $206.00 matches the net: settled."]
    assert 'id="deposit_form"' not in response.content.decode()


def test_a_deposit_other_than_the_net_raises_an_exception(finance, fastship):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(2, fastship)))

    response = deposit(finance, made, amount="200.00")

    made.refresh_from_db()
    assert made.status == Status.DEPOSIT_DIFFERS
    assert messages_of(response) == ["The deposit of $200.00 is not the net $206.00: an exception is raised."]
    exception = CodReconciliationException.objects.get(remittance=made)
    assert exception.kind == ExceptionKind.DEPOSIT and exception.difference == Decimal("-6.00")


def test_the_deposit_form_refuses_a_bank_reference_one_character_too_long(finance, fastship):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(1, fastship)))
    longest = cash_forms.max_length(CodRemittance, "bank_reference")

    refused = deposit(finance, made, bank_reference="B" * (longest + 1))
    made.refresh_from_db()
    assert made.status == Status.AWAITING_DEPOSIT
    assert "Bank reference: Ensure this value has at most 100 characters (it has 101)." in messages_of(refused)

    deposit(finance, made, bank_reference="B" * longest)
    made.refresh_from_db()
    assert made.status == Status.SETTLED and made.bank_reference == "B" * longest


def test_a_deposit_with_more_decimals_than_the_currency_has_is_refused(finance, fastship):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(1, fastship)))
    response = deposit(finance, made, amount="103.001")
    made.refresh_from_db()
    assert made.status == Status.AWAITING_DEPOSIT
    assert messages_of(response) == ["USD amounts have at most 2 decimals."]


def statement(client, made, content: bytes, name: str = "statement.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(f"{REMITTANCES}{made.pk}/statement/", {"statement": upload}, follow=True)


def test_a_bank_statement_settles_the_remittance_it_names(finance, fastship):
    made = remittance(fastship, reference="FS-2026-11", lines=lines_of(delivered(2, fastship)))
    csv = b"date,amount,currency,reference,description\n2026-12-02,206.00,USD,TRX-9,Fastship FS-2026-11\n"
    csv += b"2026-12-02,50.00,USD,TRX-10,Someone else\n"

    response = statement(finance, made, csv)

    made.refresh_from_db()
    assert made.status == Status.SETTLED and made.bank_reference == "TRX-9"
    assert messages_of(response) == [
        "Bank statement imported: 1 settled a remittance, 0 differ from its net (an exception each), 1 match no "
        "remittance awaiting its deposit, 0 were imported before."
    ]


def test_a_bad_statement_row_is_told_with_its_row(finance, fastship):
    made = remittance(fastship, reference="FS-1", lines=lines_of(delivered(1, fastship)))
    response = statement(finance, made, b"date,amount,currency,reference\n2026-12-02,abc,USD,TRX-9\n")
    assert messages_of(response) == ["Row 2: Not an amount: abc"]
    made.refresh_from_db()
    assert made.status == Status.AWAITING_DEPOSIT


def test_a_statement_is_taken_up_to_its_size_cap_and_refused_one_byte_past(finance, fastship, monkeypatch):
    made = remittance(fastship, reference="FS-1", lines=lines_of(delivered(1, fastship)))
    row = b"2026-12-02,103.00,USD,TRX-9,FS-1\n"
    monkeypatch.setattr(cash_forms, "MAX_STATEMENT_BYTES", len(row))

    refused = statement(finance, made, row + b"\n")
    assert messages_of(refused) == ["Bank statement (CSV): The file is 34\xa0bytes; at most 33\xa0bytes is taken."]

    statement(finance, made, row)
    made.refresh_from_db()
    assert made.status == Status.SETTLED


@pytest.mark.parametrize("email", ["support@example.com", "manager@example.com", "agent@example.com"])
def test_staff_without_the_finance_role_are_refused(fastship, email):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(1, fastship)))
    client = signed_in(email)
    assert client.get(REMITTANCES).status_code == 403
    assert client.get(page_of(made)).status_code == 403
    assert deposit(client, made).status_code == 403
    assert client.get(f"{REMITTANCES}upload/").status_code == 403
    made.refresh_from_db()
    assert made.status == Status.AWAITING_DEPOSIT


def test_a_remittance_that_does_not_exist_is_told_as_such(finance):
    response = finance.get(f"{REMITTANCES}999999/change/", follow=True)
    assert response.status_code == 200
    assert any("doesn’t exist" in message for message in messages_of(response))


def test_the_page_says_when_every_line_matched(finance, fastship):
    made = remittance(fastship, reference="R-1", lines=lines_of(delivered(1, fastship)))
    html = finance.get(page_of(made)).content.decode()
    assert "No exceptions: every line matched its order." in html


def test_the_list_takes_the_same_queries_for_1_remittance_as_for_20(finance, fastship):
    def add(index: int) -> None:
        orders = delivered(2, fastship, start=20000 + index * 10)
        remittance(fastship, reference=f"R-{index}", lines=[*lines_of(orders[:1]), (orders[1], "1.00", "short")])

    add(0)
    one = queries(finance, REMITTANCES)
    for index in range(1, 20):
        add(index)
    assert queries(finance, REMITTANCES) == one


def test_a_remittance_of_exactly_a_page_of_lines_has_no_next_page(finance, fastship):
    made = remittance(fastship, reference="R-PAGE", lines=lines_of(delivered(LINES_PER_PAGE, fastship)))
    page = finance.get(page_of(made)).content.decode()
    assert page.count('class="cod-line"') == LINES_PER_PAGE and 'id="cod-lines-next"' not in page
    more = remittance(
        fastship, reference="R-PAGE-1", lines=lines_of(delivered(LINES_PER_PAGE + 1, fastship, start=900))
    )
    assert 'id="cod-lines-next"' in finance.get(page_of(more)).content.decode()


@pytest.mark.parametrize(
    ("exceptions", "shown"), [(EXCEPTIONS_SHOWN, EXCEPTIONS_SHOWN), (EXCEPTIONS_SHOWN + 1, EXCEPTIONS_SHOWN)]
)
def test_the_page_shows_the_first_twenty_exceptions(finance, fastship, exceptions, shown):
    # given a remittance whose lines are all short: one exception each
    orders = delivered(exceptions, fastship, start=700)
    made = remittance(fastship, reference=f"R-EX-{exceptions}", lines=[(o, "90.00", LineStatus.SHORT) for o in orders])
    assert made.exceptions.count() == exceptions
    page = finance.get(page_of(made)).content.decode()
    assert page.count('class="cod-exception"') == shown
