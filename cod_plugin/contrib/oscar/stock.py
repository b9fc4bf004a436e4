"""Oscar's stock records as the COD order needs them: locked in one order, checked before oscar allocates.

Oscar's ``StockRecord.allocate`` does not check what is left (``net_stock_level``); two orders for the last unit would
both get it. Locking the records in primary-key order before checking makes concurrent orders wait for each other
(and never deadlock), so the second one sees the first one's allocation.
"""

from collections import Counter

from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from ...host import HostError

StockRecord = get_model("partner", "StockRecord")


def lock_records(pks) -> dict[int, object]:
    rows = StockRecord.objects.select_for_update(of=("self",)).filter(pk__in=set(pks)).order_by("pk")
    return {row.pk: row for row in rows.select_related("product__product_class", "product__parent__product_class")}


def tracks_stock(record) -> bool:
    return record.product.get_product_class().track_stock


def require_available(needed: Counter, records: dict, names: dict[int, str]) -> None:
    """Raise ``insufficient_stock`` naming every product whose record cannot give the quantity asked."""
    short = sorted(names[pk] for pk, count in needed.items() if count > 0 and not gives(records.get(pk), count))
    if short:
        raise HostError("insufficient_stock", f"Not enough stock for: {', '.join(short)}", field="lines")


def gives(record, quantity: int) -> bool:
    return record is not None and (not tracks_stock(record) or record.net_stock_level >= quantity)


def put_back(quantities: Counter) -> None:
    """Shipped goods are sellable again: ``num_in_stock`` goes up by each record's quantity (rows locked first)."""
    records = lock_records(quantities)
    for pk, record in records.items():
        if tracks_stock(record):
            StockRecord.objects.filter(pk=pk).update(num_in_stock=F("num_in_stock") + quantities[pk])


def allocate(quantities: Counter) -> dict[int, object]:
    """Oscar's ``StockRecord.allocate`` of each record's quantity in one ``UPDATE`` (the records are locked and
    checked first, by ``lock_records`` and ``require_available``), and the records as they now are."""
    added = Case(*(When(pk=pk, then=Value(n)) for pk, n in quantities.items()), output_field=IntegerField())
    StockRecord.objects.filter(pk__in=quantities).update(num_allocated=Coalesce(F("num_allocated"), 0) + added)
    fields = ("num_in_stock", "num_allocated", "low_stock_threshold")
    return StockRecord.objects.only(*fields).in_bulk(list(quantities))
