"""The oscar adapter, called as the plugin calls it: baskets read as checkouts, orders placed and taken through the
COD lifecycle, with oscar's status, stock and payment records following."""

from decimal import Decimal

import pytest
from django.db import transaction
from oscar.core.loading import get_model
from oscar.test import factories

from cod_plugin.contrib.oscar.adapter import OscarAdapter
from cod_plugin.host import AddressSnapshot, HostContext, HostError, OrderChanges, OrderDraft, delivery_facts

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

adapter = OscarAdapter()


def place(shop, basket, context, *, fee="2.00"):
    checkout = adapter.get_checkout(str(basket.pk), context=context, lock=True)
    fee = Decimal(fee)
    draft = OrderDraft(
        checkout=checkout,
        fee=fee,
        fee_label="Cash on delivery fee",
        amount_to_collect=checkout.subtotal + checkout.shipping_price + fee,
    )
    return adapter.create_order(draft, context=context)


def stock_of(product):
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


@pytest.fixture
def placed(shop, customer):
    """A customer's order of 2 shirts (10.00) and a mug (5.50) with a 2.00 fee, both products with 10 in stock."""
    shirt, mug = shop.product("T-shirt", price="10.00"), shop.product("Mug", price="5.50")
    basket = shop.basket((shirt, 2), (mug, 1), owner=customer)
    order = place(shop, basket, shop.context(user=customer, basket=basket))
    return order, shirt, mug


def test_a_basket_is_read_with_its_lines_flags_categories_address_and_method(shop, customer):
    # given
    watch = shop.product("Watch", price="120.00", flags=("high_value", "pre_order"), categories=("luxury",))
    ebook = shop.product("E-book", price="4.99", digital=True, categories=("books", "gift-cards"))
    basket = shop.basket((watch, 2), (ebook, 1), owner=customer)

    # when
    checkout = adapter.get_checkout(str(basket.pk), context=shop.context(user=customer))

    # then
    watch_line, ebook_line = checkout.lines
    assert (watch_line.sku, watch_line.name, watch_line.quantity, watch_line.unit_price) == (
        "SKU-1",
        "Watch",
        2,
        Decimal("120.00"),
    )
    assert watch_line.flags == {"high_value", "pre_order"} and watch_line.categories == {"luxury"}
    assert not watch_line.is_digital
    assert ebook_line.flags == frozenset() and ebook_line.categories == {"books", "gift-cards"}
    assert ebook_line.is_digital
    assert checkout.subtotal == Decimal("244.99") and checkout.currency == "USD" and checkout.channel == "default"
    assert checkout.shipping_address == AddressSnapshot(
        country="US",
        area="NY",
        city="New York",
        postal_code="10001",
        phone="+12125550100",
        first_name="Ann",
        last_name="Lee",
        street_1="1 Main St",
        street_2="Flat 2",
    )
    method = checkout.delivery_method
    assert (method.ref, method.price) == ("free-shipping", Decimal("0.00"))
    # oscar's methods have no such fields: the plugin reads them from COD_DELIVERY_METHODS by the method's code
    assert (method.can_collect_cash, method.estimated_days) == (None, None)
    assert delivery_facts(method) == (True, 3)
    assert (checkout.customer.ref, checkout.customer.email) == (str(customer.pk), "ann@example.com")


def test_without_a_method_or_address_in_the_session_the_checkout_has_none(shop, customer):
    basket = shop.basket((shop.product(), 1), owner=customer)

    checkout = adapter.get_checkout(str(basket.pk), context=shop.context(user=customer, address=None, method=None))

    assert checkout.shipping_address is None and checkout.delivery_method is None


def test_another_customers_basket_is_not_found(shop, customer):
    basket = shop.basket((shop.product(), 1), owner=customer)
    other = factories.UserFactory(email="bob@example.com")

    assert adapter.get_checkout(str(basket.pk), context=shop.context(user=other)) is None
    assert adapter.get_checkout(str(basket.pk), context=shop.context(basket=basket)) is None  # a guest with its id
    assert adapter.get_checkout("not-a-basket", context=shop.context(user=customer)) is None


def test_a_guests_basket_is_reached_only_from_the_session_holding_its_cookie(shop):
    # given
    basket = shop.basket((shop.product(), 1))

    # when
    own = adapter.get_checkout(str(basket.pk), context=shop.context(basket=basket, guest_email="guest@example.com"))
    other_session = adapter.get_checkout(str(basket.pk), context=shop.context())
    tasks = adapter.get_checkout(str(basket.pk), context=HostContext())

    # then
    assert own.customer.ref is None and own.customer.email == "guest@example.com"
    assert other_session is None and tasks is None


def test_a_submitted_basket_is_no_checkout(shop, customer):
    basket = shop.basket((shop.product(), 1), owner=customer)
    basket.submit()

    assert adapter.get_checkout(str(basket.pk), context=shop.context(user=customer)) is None


def test_placing_creates_a_pending_oscar_order_with_the_fee_as_surcharge_and_a_cod_source(placed, customer):
    # given
    snapshot, shirt, mug = placed

    # when
    order = Order.objects.get(pk=snapshot.ref)

    # then
    assert order.status == "Pending" and order.user == customer
    assert order.total_incl_tax == Decimal("27.50") == snapshot.total
    assert [(s.code, s.name, s.incl_tax) for s in order.surcharges.all()] == [
        ("cod-fee", "Cash on delivery fee", Decimal("2.00"))
    ]
    source = order.sources.get()
    assert (source.source_type.code, source.amount_allocated, source.amount_debited) == (
        "cash-on-delivery",
        Decimal("27.50"),
        Decimal("0.00"),
    )
    assert order.basket.status == "Submitted"
    assert order.shipping_address.line4 == "New York" and order.shipping_code == "free-shipping"
    assert stock_of(shirt) == (10, 2) and stock_of(mug) == (10, 1)  # allocated, not yet consumed
    assert snapshot.number == order.number and [line.sku for line in snapshot.lines] == ["SKU-1", "SKU-2"]


def test_a_guest_order_keeps_the_guests_email(shop):
    basket = shop.basket((shop.product(), 1))
    context = shop.context(basket=basket, guest_email="guest@example.com")

    snapshot = place(shop, basket, context)

    order = Order.objects.get(pk=snapshot.ref)
    assert order.user is None and order.guest_email == "guest@example.com"
    assert snapshot.customer.email == "guest@example.com" and snapshot.customer.ref is None


def test_not_enough_stock_refuses_the_order_and_writes_nothing(shop, customer):
    # given: 3 asked, 2 left after another order took 1 of 3
    shirt = shop.product(stock=3)
    StockRecord.objects.filter(product=shirt).update(num_allocated=1)
    basket = shop.basket((shirt, 3), owner=customer)
    context = shop.context(user=customer)

    # when: in the plugin's transaction, which a refusal rolls back
    with pytest.raises(HostError) as refused, transaction.atomic():
        place(shop, basket, context)

    # then
    assert refused.value.code == "insufficient_stock" and "T-shirt" in refused.value.message
    assert not Order.objects.exists() and stock_of(shirt) == (3, 1)


def test_the_last_units_can_be_ordered(shop, customer):
    shirt = shop.product(stock=3)
    basket = shop.basket((shirt, 3), owner=customer)

    place(shop, basket, shop.context(user=customer))

    assert stock_of(shirt) == (3, 3)


def test_shipping_consumes_the_allocation_once(placed):
    snapshot, shirt, mug = placed

    adapter.order_shipped(snapshot.ref)
    adapter.order_shipped(snapshot.ref)

    order = Order.objects.get(pk=snapshot.ref)
    assert order.status == "Shipped"
    assert stock_of(shirt) == (8, 0) and stock_of(mug) == (9, 0)
    assert order.shipping_events.filter(event_type__code="shipped").count() == 1


def test_a_cancel_before_shipping_releases_the_allocation_once(placed):
    snapshot, shirt, mug = placed

    adapter.cancel_order(snapshot.ref, reason="COD confirmation: no answer")
    adapter.cancel_order(snapshot.ref, reason="COD confirmation: no answer")

    order = Order.objects.get(pk=snapshot.ref)
    assert order.status == "Cancelled"
    assert stock_of(shirt) == (10, 0) and stock_of(mug) == (10, 0)
    assert list(order.notes.values_list("message", flat=True)) == ["COD confirmation: no answer"]
    assert order.status_changes.get().new_status == "Cancelled"


def test_a_refusal_after_shipping_cancels_and_puts_the_goods_back_once(placed):
    # given
    snapshot, shirt, mug = placed
    adapter.order_shipped(snapshot.ref)

    # when: refused at the door
    adapter.cancel_order(snapshot.ref, reason="COD refused: changed_mind")
    adapter.restock(snapshot.ref, quantities=None, reason="COD refused: changed_mind")
    adapter.restock(snapshot.ref, quantities=None, reason="COD refused: changed_mind")

    # then
    order = Order.objects.get(pk=snapshot.ref)
    assert order.status == "Cancelled"
    assert stock_of(shirt) == (10, 0) and stock_of(mug) == (10, 0)


def test_a_return_puts_back_only_the_returned_units(placed):
    snapshot, shirt, mug = placed
    adapter.order_shipped(snapshot.ref)

    adapter.restock(snapshot.ref, quantities={"SKU-1": 1}, reason="COD return")
    adapter.restock(snapshot.ref, quantities={"SKU-1": 5}, reason="COD return")  # only 1 more shipped

    assert stock_of(shirt) == (10, 0) and stock_of(mug) == (9, 0)


def test_the_courier_payment_debits_the_source_and_completes_the_order(placed):
    snapshot, *_ = placed
    adapter.order_confirmed(snapshot.ref)
    adapter.order_shipped(snapshot.ref)
    adapter.order_delivered(snapshot.ref)

    adapter.mark_order_paid(snapshot.ref)
    adapter.mark_order_paid(snapshot.ref)

    order = Order.objects.get(pk=snapshot.ref)
    source = order.sources.get()
    assert order.status == "Complete" and source.amount_debited == Decimal("27.50") and source.balance == 0
    assert [(e.event_type.name, e.amount) for e in order.payment_events.all()] == [("Paid", Decimal("27.50"))]
    assert list(order.status_changes.order_by("pk").values_list("new_status", flat=True)) == [
        "Being processed",
        "Shipped",
        "Delivered",
        "Complete",
    ]


def test_paid_without_the_steps_between_is_still_complete(placed):
    snapshot, *_ = placed

    adapter.mark_order_paid(snapshot.ref)

    assert Order.objects.get(pk=snapshot.ref).status == "Complete"  # forced: the pipeline has no Pending → Complete


def test_a_refund_is_recorded_on_the_source(placed):
    snapshot, *_ = placed
    adapter.mark_order_paid(snapshot.ref)

    adapter.order_refunded(snapshot.ref, amount=Decimal("10.00"), currency="USD")

    order = Order.objects.get(pk=snapshot.ref)
    assert order.sources.get().amount_refunded == Decimal("10.00")
    assert order.payment_events.filter(event_type__code="refunded", amount=Decimal("10.00")).exists()


def test_a_changed_quantity_and_fee_rewrite_totals_line_prices_and_allocation(placed):
    # given
    snapshot, shirt, mug = placed

    # when: 2 shirts become 3, the mug goes, the fee follows
    adapter.update_order(snapshot.ref, OrderChanges(quantities={"SKU-1": 3, "SKU-2": 0}))
    changed = adapter.set_fee(snapshot.ref, fee=Decimal("1.50"), label="Cash on delivery fee")

    # then
    order = Order.objects.get(pk=snapshot.ref)
    line = order.lines.get()
    assert (line.quantity, line.line_price_incl_tax, line.num_allocated) == (3, Decimal("30.00"), 3)
    assert [(p.quantity, p.price_incl_tax) for p in line.prices.all()] == [(3, Decimal("10.00"))]
    assert order.total_incl_tax == Decimal("31.50") == changed.total
    assert order.surcharges.get().incl_tax == Decimal("1.50")
    assert order.sources.get().amount_allocated == Decimal("31.50")
    assert stock_of(shirt) == (10, 3) and stock_of(mug) == (10, 0)


def test_the_quantities_of_an_order_with_a_discount_are_not_changed(placed):
    # given: the placed order carries an offer's discount
    snapshot, shirt, _ = placed
    order = Order.objects.get(pk=snapshot.ref)
    order.discounts.create(offer_name="20% off", amount=Decimal("5.00"), frequency=1)
    before = (order.total_incl_tax, [(line.quantity, line.line_price_incl_tax) for line in order.lines.all()])

    # when
    with pytest.raises(HostError) as refused, transaction.atomic():
        adapter.update_order(snapshot.ref, OrderChanges(quantities={"SKU-1": 3}))

    # then: refused, and nothing of the order or its stock moved
    assert refused.value.code == "discounted_order"
    order.refresh_from_db()
    assert (order.total_incl_tax, [(line.quantity, line.line_price_incl_tax) for line in order.lines.all()]) == before
    assert stock_of(shirt) == (10, 2)


def test_the_address_of_an_order_with_a_discount_can_still_change(placed):
    snapshot, *_ = placed
    Order.objects.get(pk=snapshot.ref).discounts.create(offer_name="20% off", amount=Decimal("5.00"), frequency=1)
    address = AddressSnapshot(country="US", city="Boston", street_1="1 Main St", postal_code="02101")
    changed = adapter.update_order(snapshot.ref, OrderChanges(address=address))
    assert changed.shipping_address.city == "Boston"


def test_a_quantity_beyond_the_stock_is_refused(placed):
    snapshot, shirt, _ = placed

    with pytest.raises(HostError) as refused, transaction.atomic():
        adapter.update_order(snapshot.ref, OrderChanges(quantities={"SKU-1": 11}))  # 10 in stock, 2 already ours

    assert refused.value.code == "insufficient_stock"
    adapter.update_order(snapshot.ref, OrderChanges(quantities={"SKU-1": 10}))  # all 10 is fine
    assert stock_of(shirt) == (10, 10)


def test_unknown_skus_and_an_empty_order_are_refused(placed):
    snapshot, *_ = placed

    with pytest.raises(HostError) as unknown, transaction.atomic():
        adapter.update_order(snapshot.ref, OrderChanges(quantities={"NOPE": 1}))
    with pytest.raises(HostError) as empty, transaction.atomic():
        adapter.update_order(snapshot.ref, OrderChanges(quantities={"SKU-1": 0, "SKU-2": 0}))

    assert (unknown.value.code, empty.value.code) == ("unknown_sku", "empty_order")


def test_a_new_address_is_written_to_the_order(placed):
    snapshot, *_ = placed
    address = AddressSnapshot(country="US", area="NJ", city="Newark", postal_code="07102", street_1="5 Broad St")

    changed = adapter.update_order(snapshot.ref, OrderChanges(address=address))

    order = Order.objects.get(pk=snapshot.ref)
    assert (order.shipping_address.line1, order.shipping_address.line4) == ("5 Broad St", "Newark")
    assert changed.shipping_address.city == "Newark"


def test_an_address_in_a_country_the_shop_does_not_ship_to_is_refused(placed):
    snapshot, *_ = placed
    address = AddressSnapshot(country="FR", city="Paris", postal_code="75001", street_1="1 rue de Rivoli")

    with pytest.raises(HostError) as refused, transaction.atomic():
        adapter.update_order(snapshot.ref, OrderChanges(address=address))

    assert refused.value.code == "unknown_country"
    assert Order.objects.get(pk=snapshot.ref).shipping_address.line4 == "New York"


def test_a_cancelled_order_cannot_change(placed):
    snapshot, *_ = placed
    adapter.cancel_order(snapshot.ref, reason="COD: never confirmed")

    with pytest.raises(HostError) as refused, transaction.atomic():
        adapter.set_fee(snapshot.ref, fee=Decimal("1.00"), label="fee")

    assert refused.value.code == "order_canceled"


def test_an_unknown_order(db):
    assert adapter.get_order("999") is None and adapter.get_order("x") is None
    with pytest.raises(HostError) as refused, transaction.atomic():
        adapter.cancel_order("999", reason="")
    assert refused.value.code == "order_not_found"


def test_the_customer_is_the_signed_in_user_with_the_phone_of_their_address(shop, customer):
    factories.UserAddressFactory(user=customer, is_default_for_shipping=True, country=factories.CountryFactory())

    found = adapter.get_customer(shop.context(user=customer))

    assert (found.ref, found.email, found.phone) == (str(customer.pk), "ann@example.com", "+493513296645")
    assert adapter.get_customer(shop.context()) is None
