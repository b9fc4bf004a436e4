"""Recording a remittance from the courier's API (``remittances.create``): each line matched to its order and
given the status the rules give it, the exceptions raised, replays answered, every bad input refused whole."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.error_codes import CodError
from cod_plugin.flows import remittances
from cod_plugin.models import CodReconciliationException, CodRemittance, CodRemittanceLine, CodRemittanceStaging
from cod_plugin.rules import reconciliation as rules
from cod_plugin.rules.bounds import LARGEST_AMOUNT
from cod_plugin.rules.statuses import CodStatus

from . import import_setup
from .import_setup import header, line, order_of

fastship, slowship = import_setup.fastship, import_setup.slowship  # fixtures

pytestmark = pytest.mark.django_db


def create(courier, lines, *, strict=False, **fields):
    return remittances.create(courier, header(**fields), lines, actor="courier:fastship", strict=strict)


def refused(courier, lines, **fields) -> CodError:
    """The CodError creating this remittance raises; nothing of it is written."""
    before = CodRemittance.objects.count(), CodRemittanceLine.objects.count()
    with pytest.raises(CodError) as caught:
        create(courier, lines, **fields)
    assert (CodRemittance.objects.count(), CodRemittanceLine.objects.count()) == before
    assert not CodRemittanceStaging.objects.exists()
    return caught.value


def facts_of(order, *, counted_before) -> rules.OrderFacts | None:
    if order is None:
        return None
    return rules.OrderFacts(order.courier_id, order.status, order.amount_to_collect.amount, counted_before)


def test_each_line_gets_the_status_the_rules_give_it(fastship, slowship):
    # given orders of every kind, one of them already remitted
    matched, short, excess, twice = (order_of(fastship) for _ in range(4))
    shipped = order_of(fastship, status=CodStatus.SHIPPED)
    cancelled = order_of(fastship, status=CodStatus.CANCELLED)
    theirs = order_of(slowship)
    create(fastship, [line(1, twice)], reference="R-0")
    lines = [
        line(1, matched),
        line(2, short, "100.00"),
        line(3, excess, "110.00"),
        line(4, twice),
        line(5, "NO-SUCH-AWB", "20.00"),
        line(6, theirs),
        line(7, shipped),
        line(8, cancelled, by="order"),
    ]
    # when the courier remits them (finance's way: not strict)
    remittance, created = create(fastship, lines)
    # then each line has the status line_status gives, and counts when the cash came for a delivered order
    assert created
    got = {line.row: line for line in remittance.lines.all()}
    expected = {
        1: rules.LineStatus.MATCHED,
        2: rules.LineStatus.SHORT,
        3: rules.LineStatus.EXCESS,
        4: rules.LineStatus.REMITTED_TWICE,
        5: rules.LineStatus.UNKNOWN,
        6: rules.LineStatus.OTHER_COURIER,
        7: rules.LineStatus.NOT_DELIVERED,
        8: rules.LineStatus.CANCELLED,
    }
    assert {row: got[row].status for row in got} == expected
    orders = {1: matched, 2: short, 3: excess, 4: twice, 5: None, 6: theirs, 7: shipped, 8: cancelled}
    for row, order in orders.items():
        facts = facts_of(order, counted_before=row == 4)
        status = rules.line_status(facts, courier_id=fastship.pk, collected=got[row].collected)
        assert got[row].status == status, row
        assert got[row].order_id == (order.pk if order else None)
        assert got[row].counted == (status in rules.COUNTED)
    # and one exception per line that is not matched, of its status's kind, with the difference
    exceptions = {e.line.row: e for e in CodReconciliationException.objects.filter(remittance=remittance)}
    assert sorted(exceptions) == [2, 3, 4, 5, 6, 7, 8]
    assert exceptions[2].kind == "short" and exceptions[2].difference == Decimal("-5.00")
    assert exceptions[3].kind == "excess" and exceptions[3].difference == Decimal("5.00")
    assert exceptions[5].kind == "unknown" and exceptions[5].expected is None and exceptions[5].order_id is None
    assert exceptions[6].order_id == theirs.pk
    # and the remittance adds up
    assert (remittance.line_count, remittance.open_exceptions) == (8, 7)
    assert remittance.total == Decimal("100.00") + Decimal("110.00") + Decimal("20.00") + 5 * Decimal("105.00")
    assert remittance.net == remittance.total and remittance.source == "api"


def test_a_line_by_order_number_matches_too(fastship):
    order = order_of(fastship)
    remittance, _ = create(fastship, [line(1, order, by="order")])
    assert remittance.lines.get().status == rules.LineStatus.MATCHED
    assert remittance.lines.get().order_id == order.pk


def test_the_same_reference_with_the_same_content_is_the_same_remittance(fastship):
    order = order_of(fastship)
    first, created = create(fastship, [line(1, order, "105.0")])
    # the same amount written otherwise is the same content
    again, created_again = create(fastship, [line(1, order, "105.00")])
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert CodRemittanceLine.objects.count() == 1


def test_the_same_reference_with_other_content_is_refused(fastship):
    order = order_of(fastship)
    create(fastship, [line(1, order)])
    with pytest.raises(CodError) as caught:
        create(fastship, [line(1, order, "100.00")])
    assert caught.value.code == "duplicate_reference" and caught.value.field == "reference"
    assert CodRemittance.objects.count() == 1


@pytest.mark.parametrize(
    "amount, code",
    [
        ("-0.01", "negative_amount"),
        ("1.001", "amount_precision"),
        (LARGEST_AMOUNT + Decimal("0.001"), "amount_too_large"),
    ],
)
def test_an_amount_that_does_not_fit_is_refused(fastship, amount, code):
    error = refused(fastship, [line(1, order_of(fastship)), line(2, order_of(fastship), amount)])
    assert (error.code, error.field) == (code, "lines.1.collected")


def test_the_largest_amount_is_taken(fastship):
    largest = LARGEST_AMOUNT.quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    remittance, _ = create(fastship, [line(1, order_of(fastship), largest)])
    assert remittance.total == largest and remittance.lines.get().status == rules.LineStatus.EXCESS


def test_kwd_takes_three_decimals_and_no_more(fastship):
    order = order_of(fastship, currency="KWD", amount="10.000", fee="0.500")
    remittance, _ = create(fastship, [line(1, order, "10.500")], currency="KWD")
    assert remittance.total == Decimal("10.500")
    error = refused(fastship, [line(1, order, "10.5001")], currency="KWD", reference="R-2")
    assert error.code == "amount_precision"


def test_an_order_in_another_currency_is_refused(fastship):
    error = refused(fastship, [line(1, order_of(fastship)), line(2, order_of(fastship, currency="EUR"))])
    assert (error.code, error.field) == ("currency_mismatch", "lines.1")


def test_sums_that_do_not_add_up_are_refused(fastship):
    lines = [line(1, order_of(fastship), "105.00", cod_charge=Decimal("2.00"))]
    assert refused(fastship, lines, total=Decimal("105.01")).code == "total_mismatch"
    assert refused(fastship, lines, net=Decimal("105.00")).code == "net_mismatch"
    assert refused(fastship, lines, deductions={"cod_charge": Decimal("1.00")}).code == "deductions_mismatch"
    remittance, _ = create(fastship, lines, total=Decimal("105.00"), net=Decimal("103.00"))
    assert (remittance.total, remittance.cod_charge, remittance.net) == (Decimal(105), Decimal(2), Decimal(103))


def test_a_line_remitting_other_than_collected_less_deductions_is_refused(fastship):
    bad = line(1, order_of(fastship), cod_charge=Decimal("2.00"), remitted=Decimal("104.00"))
    error = refused(fastship, [bad])
    assert (error.code, error.field) == ("line_mismatch", "lines.0.remitted")


def test_no_lines_is_refused(fastship):
    assert refused(fastship, []).code == "empty_remittance"


def test_an_order_named_twice_is_refused(fastship):
    order = order_of(fastship)
    error = refused(fastship, [line(1, order), line(2, order_order := order, by="order")])
    assert (error.code, error.field) == ("duplicate_line", "lines.1") and order_order
    error = refused(fastship, [line(1, "NOPE"), line(2, "NOPE")])
    assert (error.code, error.field) == ("duplicate_line", "lines.1")


def test_strict_refuses_lines_naming_no_order_of_the_courier(fastship, slowship):
    mine = order_of(fastship)
    error = refused(fastship, [line(1, mine), line(2, "NO-SUCH-AWB")], strict=True)
    assert (error.code, error.field) == ("unknown_order", "lines.1")
    error = refused(fastship, [line(1, mine), line(2, order_of(slowship))], strict=True)
    assert (error.code, error.field) == ("other_courier_order", "lines.1")


def test_references_at_their_length_and_one_past(fastship):
    remittance, _ = create(fastship, [line(1, order_of(fastship))], reference="R" * 100)
    assert remittance.reference == "R" * 100
    assert refused(fastship, [line(1, "x")], reference="R" * 101).field == "reference"
    order = order_of(fastship, tracking_number="T" * 64)
    remittance, _ = create(fastship, [line(1, order)], reference="R-64")
    assert remittance.lines.get().reference == "T" * 64
    error = refused(fastship, [line(1, "T" * 65)], reference="R-65")
    assert (error.code, error.field) == ("invalid", "lines.0.reference")


def test_lines_at_the_limit_and_one_past(fastship, monkeypatch):
    monkeypatch.setattr(remittances, "MAX_LINES", 3)
    orders = [order_of(fastship) for _ in range(4)]
    remittance, _ = create(fastship, [line(row, order) for row, order in enumerate(orders[:3], 1)])
    assert remittance.line_count == 3
    error = refused(fastship, [line(row, order) for row, order in enumerate(orders, 1)], reference="R-4")
    assert (error.code, error.field) == ("invalid", "lines")


def test_deductions_other_than_agreed_raise_an_exception(fastship):
    # given a courier agreed to 2% of the cash plus 1.00 per order: 3.10 of 105.00
    fastship.charges_currency, fastship.charge_percent, fastship.charge_fixed = "USD", Decimal(2), Decimal(1)
    fastship.save()
    agreed, other = order_of(fastship), order_of(fastship)
    lines = [
        line(1, agreed, cod_charge=Decimal("3.10")),
        line(2, other, cod_charge=Decimal("3.00"), shipping=Decimal("1")),
    ]
    remittance, _ = create(fastship, lines)
    exceptions = list(CodReconciliationException.objects.filter(remittance=remittance))
    assert [(e.line.row, e.kind, e.expected, e.actual) for e in exceptions] == [
        (2, "deductions", Decimal("3.10"), Decimal("4.00"))
    ]
    assert remittance.open_exceptions == 1 and remittance.net == Decimal("210.00") - Decimal("7.10")


def test_matching_takes_the_same_queries_for_10_and_200_lines(fastship):
    counts = []
    for size, reference in ((10, "R-10"), (200, "R-200")):
        lines = [line(row, order_of(fastship)) for row in range(1, size + 1)]
        with CaptureQueriesContext(connection) as queries:
            remittance, _ = create(fastship, lines, reference=reference)
        assert remittance.line_count == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "value, code",
    [(None, "required"), ("ten", "bad_number"), (Decimal("NaN"), "bad_number"), (True, "bad_number")],
)
def test_an_amount_that_is_no_amount_is_refused(fastship, value, code):
    bad = remittances.Line(row=1, reference=order_of(fastship).tracking_number, by="tracking", collected=value)
    error = refused(fastship, [bad])
    assert (error.code, error.field) == (code, "lines.0.collected")


def test_a_line_naming_neither_an_order_nor_a_tracking_number_is_refused(fastship):
    odd = remittances.Line(row=1, reference="X", by="parcel", collected=Decimal(1))
    assert refused(fastship, [odd]).field == "lines.0.by"
    assert refused(fastship, [line(1, "A"), line(1, "B")]).field == "lines.1.row"
