"""The COD order creator: oscar's ``OrderCreator`` (the shop's fork of it, found by ``get_class``) writing the lines,
their prices and attributes with ``bulk_create`` and allocating the stock in one ``UPDATE``, so that placing an order
takes the same number of queries for 1, 10 or 100 lines.

Oscar does the same work line by line, and its signals add more per line; here that work is done once per order:
- the stock alerts of oscar's partner app (``post_save`` of each ``StockRecord``) and the eager "back in stock"
  product alerts of its customer app (``OSCAR_EAGER_ALERTS``) are worked out for all the records at once, so
  ``StockRecord.post_save`` is not sent for the COD allocation;
- oscar's analytics (``order_placed``) count the purchases in bulk: ``order_placed`` is still sent once, with this
  creator as its sender, and ``order_placed_analytics`` (connected in the place of oscar's receiver by the app's
  ``ready``) counts in bulk for this sender and calls oscar's own receiver for every other one.

When the shop's fork overrides a per-line method, its lines are written by that method, line by line, as oscar does.
"""

from collections import Counter

from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.timezone import now
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_class, get_model

from . import stock

OrderCreator = get_class("order.utils", "OrderCreator")
OrderLine = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
LineAttribute = get_model("order", "LineAttribute")
OrderLineDiscount = get_model("order", "OrderLineDiscount")
StockAlert = get_model("partner", "StockAlert")

PER_LINE_METHODS = (
    "create_line_models",
    "create_line_price_models",
    "create_line_attributes",
    "create_line_discount_models",
    "update_stock_records",
)


def shop_writes_lines_itself() -> bool:
    """True when the shop's fork of ``OrderCreator`` overrides one of oscar's per-line methods."""
    return any(getattr(OrderCreator, name) is not getattr(oscar_utils.OrderCreator, name) for name in PER_LINE_METHODS)


class CodOrderCreator(OrderCreator):
    """Oscar calls ``create_line_models`` and ``update_stock_records`` once per basket line; the first call writes
    (or allocates) every line of the basket, the others find their line done."""

    records_purchases_in_bulk = True

    def place_order(self, basket, *args, **kwargs):
        self.order_lines = None
        self.stock_allocated = False
        return super().place_order(basket, *args, **kwargs)

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        if shop_writes_lines_itself():
            return super().create_line_models(order, basket_line, extra_line_fields)
        if self.order_lines is None:
            self.order_lines = self.create_all_line_models(order, list(basket_line.basket.all_lines()))
        return self.order_lines[basket_line.pk]

    def update_stock_records(self, line):
        if shop_writes_lines_itself():
            return super().update_stock_records(line)
        if not self.stock_allocated:
            self.stock_allocated = True
            allocate(list(line.basket.all_lines()))

    def create_all_line_models(self, order, basket_lines) -> dict:
        """The order's lines, prices, attributes and line discounts in one ``bulk_create`` each, by basket line."""
        for basket_line in basket_lines:
            if not basket_line.stockrecord:
                raise oscar_utils.exceptions.UnableToPlaceOrder(f"Basket line #{basket_line.id} has no stockrecord")
        lines = OrderLine._default_manager.bulk_create([self.line_model(order, line) for line in basket_lines])
        pairs = list(zip(lines, basket_lines, strict=True))
        LinePrice._default_manager.bulk_create(price for pair in pairs for price in self.line_prices(order, *pair))
        LineAttribute._default_manager.bulk_create(attr for pair in pairs for attr in line_attributes(*pair))
        OrderLineDiscount._default_manager.bulk_create(line_discounts(order, pairs))
        for order_line, basket_line in pairs:
            self.create_additional_line_models(order, order_line, basket_line)
        return {basket_line.pk: order_line for order_line, basket_line in pairs}

    def line_model(self, order, basket_line):
        """The unsaved line, with the fields oscar's ``create_line_models`` gives it."""
        product, record = basket_line.product, basket_line.stockrecord
        fields = {
            "order": order,
            "partner": record.partner,
            "partner_name": record.partner.name,
            "partner_sku": record.partner_sku,
            "stockrecord": record,
            "product": product,
            "title": product.get_title(),
            "upc": product.upc,
            "quantity": basket_line.quantity,
            "line_price_excl_tax": basket_line.line_price_excl_tax_incl_discounts,
            "line_price_incl_tax": basket_line.line_price_incl_tax_incl_discounts,
            "line_price_before_discounts_excl_tax": basket_line.line_price_excl_tax,
            "line_price_before_discounts_incl_tax": basket_line.line_price_incl_tax,
            "unit_price_incl_tax": basket_line.unit_price_incl_tax,
            "unit_price_excl_tax": basket_line.unit_price_excl_tax,
            "tax_code": basket_line.tax_code,
            "num_allocated": basket_line.quantity,
        }
        if hasattr(settings, "OSCAR_INITIAL_LINE_STATUS"):
            fields["status"] = settings.OSCAR_INITIAL_LINE_STATUS
        return OrderLine(**fields)

    def line_prices(self, order, order_line, basket_line):
        return [
            LinePrice(
                order=order,
                line=order_line,
                quantity=quantity,
                price_incl_tax=incl_tax,
                price_excl_tax=excl_tax,
                tax_code=basket_line.tax_code,
            )
            for incl_tax, excl_tax, quantity in basket_line.get_price_breakdown()
        ]


def line_attributes(order_line, basket_line):
    return [
        LineAttribute(line=order_line, option=attr.option, type=attr.option.code, value=attr.value)
        for attr in basket_line.attributes.all()
    ]


def line_discounts(order, pairs):
    """Each line's share of the offers the order records (oscar skips a discount whose offer it did not record)."""
    if not any(discount.offer for _, basket_line in pairs for discount in basket_line.discounts):
        return []
    recorded = {}
    discounts = order.discounts.all()
    for order_discount in discounts if discounts.ordered else discounts.order_by("pk"):
        recorded.setdefault(order_discount.offer_id, order_discount)
    return [
        OrderLineDiscount(
            line=order_line,
            order_discount=recorded[discount.offer.id],
            is_incl_tax=discount.incl_tax,
            amount=discount.amount,
        )
        for order_line, basket_line in pairs
        for discount in basket_line.discounts
        if discount.offer and discount.offer.id in recorded
    ]


def allocate(basket_lines) -> None:
    """Oscar's ``StockRecord.allocate`` for every line at once, then what its ``post_save`` receivers do."""
    quantities = Counter()
    for line in basket_lines:
        if line.product.get_product_class().track_stock:
            quantities[line.stockrecord_id] += line.quantity
    if not quantities:
        return
    records = stock.allocate(quantities)
    for line in basket_lines:
        if line.stockrecord_id in records:
            line.stockrecord.num_allocated = records[line.stockrecord_id].num_allocated
    update_stock_alerts(records)
    send_product_alerts([line.product for line in basket_lines if line.stockrecord_id in records])


def update_stock_alerts(records: dict) -> None:
    """Oscar's ``update_stock_alerts`` for these records: an alert opened for each record below its threshold that
    has none open, and the open ones closed for the records above it."""
    open_alerts = StockAlert.objects.filter(stockrecord_id__in=records, status=StockAlert.OPEN)
    alerted = set(open_alerts.values_list("stockrecord_id", flat=True))
    below = {pk for pk, record in records.items() if record.is_below_threshold}
    StockAlert.objects.bulk_create(
        StockAlert(stockrecord_id=pk, threshold=records[pk].low_stock_threshold) for pk in sorted(below - alerted)
    )
    if alerted - below:
        open_alerts.filter(stockrecord_id__in=alerted - below).update(status=StockAlert.CLOSED, date_closed=now())


def send_product_alerts(products) -> None:
    """Oscar's eager "back in stock" alerts (``OSCAR_EAGER_ALERTS``): sent by oscar's own dispatcher, only for the
    products that someone waits for (found in one query)."""
    if not getattr(settings, "OSCAR_EAGER_ALERTS", False):
        return
    ProductAlert = get_model("customer", "ProductAlert")
    ids = {product.id for product in products} | {product.parent_id for product in products if product.parent_id}
    waited = set(
        ProductAlert.objects.filter(product_id__in=ids, status=ProductAlert.ACTIVE).values_list("product_id", flat=True)
    )
    if not waited:
        return
    dispatcher = get_class("customer.alerts.utils", "AlertsDispatcher")()
    for product in products:
        if product.id in waited or product.parent_id in waited:
            dispatcher.send_product_alert_email_for_user(product)


def connect_analytics() -> None:
    """Put ``order_placed_analytics`` in the place of oscar's analytics receiver of ``order_placed``, when oscar's
    own is the one connected (a shop whose analytics app connects its own receivers keeps them as they are)."""
    from django.apps import apps

    if not apps.is_installed("oscar.apps.analytics"):
        return
    from oscar.apps.analytics import receivers

    order_placed = get_class("order.signals", "order_placed")
    if order_placed.disconnect(receivers.receive_order_placed):
        order_placed.connect(order_placed_analytics, dispatch_uid="cod_oscar.order_placed_analytics")


def order_placed_analytics(sender, order, user, **kwargs):
    """Oscar's analytics of a placed order: in bulk for the COD creator, by oscar's own receiver for anyone else."""
    from oscar.apps.analytics import receivers

    if not getattr(sender, "records_purchases_in_bulk", False):
        return receivers.receive_order_placed(sender, order=order, user=user, **kwargs)
    if kwargs.get("raw", False):
        return None
    record_purchases(order)
    if user and user.is_authenticated:
        receivers._record_user_order(user, order)
    return None


def record_purchases(order) -> None:
    """Oscar's analytics ``num_purchases`` for the order's products: the missing records created, then one
    ``UPDATE`` adding each product's quantity (a record is a row with a unique product, so writers meet there)."""
    ProductRecord = get_model("analytics", "ProductRecord")
    bought = Counter()
    for product_id, quantity in order.lines.exclude(product=None).values_list("product_id", "quantity"):
        bought[product_id] += quantity
    if not bought:
        return
    ProductRecord.objects.bulk_create(
        [ProductRecord(product_id=pk, num_purchases=0) for pk in sorted(bought)], ignore_conflicts=True
    )
    added = Case(*(When(product_id=pk, then=Value(n)) for pk, n in bought.items()), output_field=IntegerField())
    ProductRecord.objects.filter(product_id__in=bought).update(num_purchases=F("num_purchases") + added)
