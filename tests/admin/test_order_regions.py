"""The orders list's region filter on PostgreSQL: a loose scan of the regions' index finds every (country, area) the
orders go to, each once, by one probe of the index per region rather than by reading every order."""

import pytest
from django.db import connection

from admin_ui.order_filters import REGIONS_SQL, order_regions
from cod_plugin.models import CodOrder

from .cod_orders import make_orders

pytestmark = [pytest.mark.postgres]


def test_every_region_once_with_and_without_an_area(postgres):
    # given orders to a country without an area, to areas that sort around each other, and many to one region
    make_orders(3, start=1001, country="KW", area="")
    make_orders(2, start=1101, country="AE", area="Dubai")
    make_orders(1, start=1201, country="AE", area="Abu Dhabi")
    make_orders(1, start=1301, country="AE", area="")
    make_orders(50, start=1401, country="US", area="NY")
    make_orders(1, start=1501, country="US", area="NY2")
    # then the loose scan finds what a DISTINCT finds, each pair once
    found = order_regions()
    assert len(found) == len(set(found))
    assert set(found) == set(CodOrder.objects.values_list("country", "area").distinct())
    assert set(found) == {("KW", ""), ("AE", "Dubai"), ("AE", "Abu Dhabi"), ("AE", ""), ("US", "NY"), ("US", "NY2")}


def test_no_order_no_region(postgres):
    assert order_regions() == []


def test_each_step_is_a_probe_of_the_regions_index(postgres):
    make_orders(20, start=1001, country="AE", area="Dubai")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + REGIONS_SQL.format(table='"cod_plugin_codorder"'))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using cod_order_region" in plan and "Seq Scan on cod_plugin_codorder" not in plan
