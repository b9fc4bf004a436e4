"""The whole COD life of an oscar order through the plugin's public API, with oscar's status, stock and payment
following; and an order cancelled in oscar's dashboard reaching the plugin."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test import factories

from cod_plugin import api
from cod_plugin.error_codes import ReasonCode
from cod_plugin.flows import delivery, lifecycle, payment
from cod_plugin.models import CodOrder, CodPolicy, CodRegion, CodTerms
from cod_plugin.rules.lifecycle import Event
from cod_plugin.rules.statuses import CodStatus

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def policy(db):
    policy = CodPolicy.objects.create(
        channel="default", currency="USD", enabled=True, fee_percent=0, fee_fixed=Decimal("2.00")
    )
    CodRegion.objects.create(policy=policy, country="US", collection_methods=["cash"])
    CodTerms.objects.create(policy=policy, version=1, language="en", text="Pay the courier in cash.")
    return policy


@pytest.fixture
def placed(shop, customer, policy):
    """A customer's COD order of 2 shirts (10.00 each, 10 in stock) placed through ``cod_plugin.api``."""
    shirt = shop.product("T-shirt", price="10.00")
    basket = shop.basket((shirt, 2), owner=customer)
    context = shop.context(user=customer)
    result = api.check(str(basket.pk), context=context)
    assert result.is_eligible, result.reasons
    order = api.place(str(basket.pk), context=context, accepted_terms_version=result.terms.version)
    return order, shirt


def record_of(product):
    return StockRecord.objects.get(product=product)


def move(order: CodOrder, event: Event, **kwargs) -> None:
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(order.pk), event, actor="agent", **kwargs)


def courier(order: CodOrder, status: str, **kwargs) -> None:
    delivery.update_status(order.pk, delivery.StatusUpdate(status=status, **kwargs), actor="courier")


def test_a_basket_with_an_excluded_product_is_refused_with_the_products_name(shop, customer, policy):
    policy.excluded_flags = ["high_value"]
    policy.save()
    watch = shop.product("Luxury watch", price="90.00", flags=("high_value",))
    basket = shop.basket((watch, 1), owner=customer)

    result = api.check(str(basket.pk), context=shop.context(user=customer))

    assert not result.is_eligible
    named = [(code, "Luxury watch" in message) for code, message in result.reasons]
    assert named == [(ReasonCode.EXCLUDED_PRODUCT, True)]


def test_placed_confirmed_shipped_delivered_and_paid_leaves_the_oscar_order_complete_paid_and_stock_consumed(placed):
    # given
    order, shirt = placed
    oscar_order = Order.objects.get(pk=order.order_ref)
    assert (oscar_order.status, oscar_order.total_incl_tax) == ("Pending", Decimal("22.00"))
    assert oscar_order.surcharges.get(code="cod-fee").incl_tax == Decimal("2.00")
    assert (record_of(shirt).num_in_stock, record_of(shirt).num_allocated) == (10, 2)

    # when: confirmed by an agent, shipped, delivered with the courier's amount
    move(order, Event.CONFIRM)
    courier(order, CodStatus.SHIPPED)
    courier(
        order,
        CodStatus.DELIVERED,
        collected=delivery.Collected(amount=Decimal("22.00"), currency="USD", method="cash"),
    )

    # then
    order.refresh_from_db()
    oscar_order.refresh_from_db()
    assert order.status == CodStatus.COMPLETED
    assert oscar_order.status == "Complete"
    source = oscar_order.sources.get()
    assert (source.amount_allocated, source.amount_debited) == (Decimal("22.00"), Decimal("22.00"))
    assert (record_of(shirt).num_in_stock, record_of(shirt).num_allocated) == (8, 0)
    assert list(oscar_order.status_changes.order_by("pk").values_list("new_status", flat=True)) == [
        "Being processed",
        "Shipped",
        "Delivered",
        "Complete",
    ]


def test_a_second_place_returns_the_first_order(shop, customer, placed):
    order, _ = placed

    again = api.place(order.checkout_ref, context=shop.context(user=customer), accepted_terms_version=1)

    assert again.pk == order.pk and Order.objects.count() == 1


def test_a_refusal_at_the_door_cancels_the_oscar_order_and_puts_the_stock_back(placed):
    order, shirt = placed
    move(order, Event.CONFIRM)

    courier(order, CodStatus.REFUSED, reason="changed_mind")

    oscar_order = Order.objects.get(pk=order.order_ref)
    assert oscar_order.status == "Cancelled"
    assert (record_of(shirt).num_in_stock, record_of(shirt).num_allocated) == (10, 0)
    assert "COD refused: changed_mind" in oscar_order.notes.values_list("message", flat=True)


def test_a_paid_record_from_staff_completes_the_oscar_order(placed):
    order, _ = placed
    move(order, Event.CONFIRM)
    courier(order, CodStatus.DELIVERED)

    payment.record_by_staff(order.pk, amount=Decimal("22.00"), currency="USD", method="cash", receipt="R-1", actor="s")

    assert Order.objects.get(pk=order.order_ref).status == "Complete"


def test_a_cancel_in_oscars_dashboard_cancels_the_cod_order_and_releases_the_stock(client, placed):
    # given
    order, shirt = placed
    staff = factories.UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    oscar_order = Order.objects.get(pk=order.order_ref)

    # when
    response = client.post(
        reverse("dashboard:order-detail", kwargs={"number": oscar_order.number}),
        {"order_action": "change_order_status", "new_status": "Cancelled"},
    )

    # then
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == CodStatus.CANCELLED
    assert Order.objects.get(pk=order.order_ref).status == "Cancelled"
    assert (record_of(shirt).num_in_stock, record_of(shirt).num_allocated) == (10, 0)


def test_a_cancel_in_the_dashboard_after_delivery_leaves_the_cod_order_and_says_so(client, placed):
    # given: delivered, not yet paid
    order, _ = placed
    move(order, Event.CONFIRM)
    courier(order, CodStatus.DELIVERED)
    staff = factories.UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    oscar_order = Order.objects.get(pk=order.order_ref)

    # when
    client.post(
        reverse("dashboard:order-detail", kwargs={"number": oscar_order.number}),
        {"order_action": "change_order_status", "new_status": "Cancelled"},
    )

    # then
    order.refresh_from_db()
    assert order.status == CodStatus.DELIVERED
    notes = list(Order.objects.get(pk=order.order_ref).notes.values_list("message", flat=True))
    assert any(note.startswith("Cash on delivery did not follow") for note in notes), notes


def test_a_guest_places_from_the_session_holding_the_basket_and_no_other_session_can(shop, policy):
    # given
    basket = shop.basket((shop.product(), 1))
    own = shop.context(basket=basket, guest_email="guest@example.com")

    # when
    with pytest.raises(api.CodError) as other:
        api.place(str(basket.pk), context=shop.context(guest_email="thief@example.com"), accepted_terms_version=1)
    order = api.place(str(basket.pk), context=own, accepted_terms_version=1)

    # then
    assert other.value.code == api.CodErrorCode.NOT_FOUND
    oscar_order = Order.objects.get(pk=order.order_ref)
    assert (oscar_order.user, oscar_order.guest_email) == (None, "guest@example.com")
    assert order.customer_key == "guest:guest@example.com"
