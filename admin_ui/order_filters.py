"""The COD orders list's filters and flags: the channels by name, the regions the orders go to, every courier
(and "No courier"), and the flags raised on an order."""

from django.contrib import admin
from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import labels, models
from cod_plugin.host import channel_names

from .base import ChannelFilter

FLAGS = {
    "confirmation_overdue": _("Confirmation overdue"),
    "claim_unverified": _("Disputed claim"),
    "amount_discrepancy": _("Amount discrepancy"),
    "refund_overdue": _("Refund overdue"),
}


def raised_flags(order) -> list[str]:
    return [label for name, label in FLAGS.items() if getattr(order, name)]


def channel_names_for(request, slugs) -> dict[str, str]:
    """The store's names of ``slugs``, asked of the store once per request for the channels it has not named yet,
    so that the list's filter and its rows share one query."""
    known = request.__dict__.setdefault("_cod_channel_names", {})
    missing = set(slugs) - known.keys()
    if missing:
        known.update(channel_names(missing))
    return {slug: known[slug] for slug in slugs}


class ChannelNameFilter(ChannelFilter):
    """The channels with a COD policy, by the store's name for them."""

    def lookups(self, request, model_admin):
        channels = [channel for channel, _slug in super().lookups(request, model_admin)]
        names = channel_names_for(request, channels)
        return sorted(((channel, names[channel]) for channel in channels), key=lambda pair: pair[1].casefold())


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return list(FLAGS.items())

    def queryset(self, request, queryset):
        return queryset.filter(**{self.value(): True}) if self.value() in FLAGS else queryset


# The distinct (country, area) pairs by a loose scan of the index of regions: from each pair, the next one is a
# single probe of the index, so the cost is the number of regions (a dozen or so), not of orders (a DISTINCT over
# 100,000 orders read them all: 60 ms, more than the rest of the list's page).
REGIONS_SQL = """
WITH RECURSIVE regions AS (
    (SELECT country, area FROM {table} ORDER BY country, area LIMIT 1)
    UNION ALL
    SELECT next.country, next.area FROM regions, LATERAL (
        SELECT o.country, o.area FROM {table} o WHERE (o.country, o.area) > (regions.country, regions.area)
        ORDER BY o.country, o.area LIMIT 1
    ) next
)
SELECT country, area FROM regions
"""


def order_regions() -> list[tuple[str, str]]:
    """Every (country, area) the orders go to, in one query (a loose index scan on PostgreSQL; elsewhere, where
    tables are small, a DISTINCT)."""
    if connection.vendor != "postgresql":
        return list(models.CodOrder.objects.order_by().values_list("country", "area").distinct())
    with connection.cursor() as cursor:
        cursor.execute(REGIONS_SQL.format(table=connection.ops.quote_name(models.CodOrder._meta.db_table)))
        return cursor.fetchall()


class RegionFilter(admin.SimpleListFilter):
    """The regions the orders go to, a country or one of its areas (``KW`` or ``KW/Capital``), read as "Kuwait"
    and "Kuwait — Capital": one query over the orders (``order_regions``), whatever the policies cover today."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        pairs = order_regions()
        countries: dict[str, str] = {}
        areas: dict[str, list[str]] = {}
        for country, area in pairs:
            countries.setdefault(country, labels.country(country))
            if area:
                areas.setdefault(country, []).append(area)
        choices = []
        for country, name in sorted(countries.items(), key=lambda pair: pair[1].casefold()):
            choices.append((country, name))
            choices += [(f"{country}/{area}", labels.region(country, area)) for area in sorted(areas.get(country, []))]
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        country, _slash, area = self.value().partition("/")
        queryset = queryset.filter(country=country)
        return queryset.filter(area=area) if area else queryset


class CourierFilter(admin.RelatedFieldListFilter):
    """Every courier by name, also one that has no order yet, and the orders with no courier."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.empty_value_display = gettext("No courier")

    def field_choices(self, field, request, model_admin):
        return list(models.Courier.objects.order_by("name", "pk").values_list("pk", "name"))
