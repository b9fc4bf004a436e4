"""Matching staged rows to orders stops once every row has its order: told how many rows are without one, it runs
only the UPDATEs it needs, and still finds the courier's own order first, then another courier's."""

from decimal import Decimal

from cod_plugin.flows import remittance_staging as staging
from cod_plugin.flows.remittance_lines import StagedLine
from cod_plugin.models import CodRemittanceStaging

from . import import_setup
from .import_setup import order_of

fastship, slowship = import_setup.fastship, import_setup.slowship  # fixtures


def staged(row: int, reference: str, by: str = "tracking") -> StagedLine:
    zero = Decimal(0)
    return StagedLine(
        row, reference, by, Decimal("105.00"), zero, zero, zero, zero, Decimal("105.00"), None, None, False
    )


def orders_of(token: str) -> dict[int, int | None]:
    return dict(CodRemittanceStaging.objects.filter(token=token).values_list("row", "order_id"))


def test_rows_all_matched_by_the_first_update_run_no_other(fastship, django_assert_num_queries):
    orders = [order_of(fastship) for _ in range(3)]
    loaded = staging.load([staged(n + 2, order.tracking_number) for n, order in enumerate(orders)], token="t")
    with django_assert_num_queries(1):
        assert staging.match(token="t", courier_pk=fastship.pk, unmatched=loaded) == 0
    assert orders_of("t") == {2: orders[0].pk, 3: orders[1].pk, 4: orders[2].pk}
    with django_assert_num_queries(0):  # matching again under the courier's lock: nothing left to match
        assert staging.match(token="t", courier_pk=fastship.pk, unmatched=0) == 0


def test_rows_left_unmatched_go_on_to_the_other_updates(fastship, slowship, django_assert_num_queries):
    own, others, by_number = order_of(fastship), order_of(slowship), order_of(fastship)
    lines = [staged(2, own.tracking_number), staged(3, others.tracking_number), staged(4, "NOSUCH")]
    lines.append(staged(5, by_number.order_number, by="order"))
    loaded = staging.load(lines, token="u")
    with django_assert_num_queries(4):
        assert staging.match(token="u", courier_pk=fastship.pk, unmatched=loaded) == 1  # "NOSUCH"
    assert orders_of("u") == {2: own.pk, 3: others.pk, 4: None, 5: by_number.pk}


def test_without_a_count_every_update_runs(fastship, django_assert_num_queries):
    order = order_of(fastship)
    staging.load([staged(2, order.tracking_number)], token="v")
    with django_assert_num_queries(4):
        assert staging.match(token="v", courier_pk=fastship.pk) is None
    assert orders_of("v") == {2: order.pk}
