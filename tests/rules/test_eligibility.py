from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from cod_plugin.error_codes import ReasonCode as R
from cod_plugin.host import AddressSnapshot
from cod_plugin.rules.eligibility import evaluate
from cod_plugin.rules.policy import RegionRule
from cod_plugin.rules.regions import find_region
from cod_plugin.rules.tiers import ProfileSnapshot, Tier

from .builders import checkout, line, policy

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def decide(cart=None, pol=None, profile=None, rate=Decimal(1)):
    cart, pol = cart or checkout(), pol or policy()
    region = find_region(pol.regions, cart.shipping_address) if cart.shipping_address else None
    return evaluate(cart, pol, profile or ProfileSnapshot(), rate=rate, now=NOW, region=region)


def codes(decision):
    return [reason.code for reason in decision.reasons]


def test_an_ordinary_cart_is_eligible_with_fee_on_goods_plus_shipping():
    decision = decide(checkout(line(price="45.00", quantity=2), shipping="10.00"))
    assert decision.is_eligible
    assert decision.order_amount == Decimal("100.00")
    assert decision.fee == Decimal("3.00")
    assert decision.amount_to_collect == Decimal("103.00")
    assert decision.tier is Tier.NEW


def test_every_failing_rule_is_reported_not_only_the_first():
    cart = checkout(
        line("WATCH", flags=frozenset({"high_value"})),
        line("MUG", flags=frozenset({"customized"})),
        collects=False,
        days=9,
        country="FR",
    )
    suspended = ProfileSnapshot(suspended_until=NOW + timedelta(days=30), outstanding_penalty=Decimal("12.50"))
    decision = decide(cart, policy(enabled=False), suspended)
    assert codes(decision) == [
        R.COD_DISABLED,
        R.EXCLUDED_PRODUCT,
        R.EXCLUDED_PRODUCT,
        R.REGION_NOT_COVERED,
        R.DELIVERY_METHOD_CANNOT_COLLECT,
        R.REMOTE_AREA,
        R.CUSTOMER_SUSPENDED,
        R.UNPAID_PENALTY,
    ]
    excluded = [r for r in decision.reasons if r.code is R.EXCLUDED_PRODUCT]
    assert [r.skus for r in excluded] == [("MUG",), ("WATCH",)]
    assert "Watch" in excluded[1].message


def test_limit_is_checked_in_the_limit_currency_with_the_fee_included():
    # 1,800,000 IDR goods; at 16,250 IDR per USD that is 110.77 USD, fee included it stays under 500.
    rate = Decimal(1) / Decimal(16250)
    idr = policy(currency="IDR", regions=(RegionRule(country="ID"),))
    ok = decide(checkout(line(price="1800000"), currency="IDR", country="ID", shipping="0"), idr, rate=rate)
    assert ok.is_eligible
    # 7,900,000 IDR = 486.15 USD, plus the 3% fee = 500.74 USD: over the new customer's limit.
    over = decide(checkout(line(price="7900000"), currency="IDR", country="ID", shipping="0"), idr, rate=rate)
    assert codes(over) == [R.AMOUNT_OVER_LIMIT]
    assert "500" in over.reasons[0].message


def test_trusted_and_b2b_customers_have_higher_limits():
    cart = checkout(line(price="1500.00"))
    assert codes(decide(cart)) == [R.AMOUNT_OVER_LIMIT]
    assert decide(cart, profile=ProfileSnapshot(completed_orders=6)).is_eligible
    b2b = ProfileSnapshot(b2b_verified=True, b2b_limit=Decimal(20000))
    assert decide(checkout(line(price="15000.00")), profile=b2b).is_eligible


def test_missing_exchange_rate_is_a_reason_not_a_crash():
    decision = decide(checkout(currency="EGP", country="US"), policy(currency="EGP"), rate=None)
    assert codes(decision) == [R.EXCHANGE_RATE_MISSING]
    assert "EGP" in decision.reasons[0].message


def test_cart_problems():
    assert codes(decide(checkout(lines=()))) == [R.EMPTY_CART]
    assert codes(decide(checkout(line(quantity=0), line("B", price="0.10", quantity=1000)))) == [
        R.QUANTITY_OUT_OF_RANGE
    ]
    assert codes(decide(checkout(line(is_digital=True)))) == [R.DIGITAL_ONLY_CART]
    assert decide(checkout(line(is_digital=True), line("BOOK"))).is_eligible
    assert codes(
        decide(
            checkout(line(categories=frozenset({"gift-cards"}))), policy(excluded_categories=frozenset({"gift-cards"}))
        )
    ) == [R.EXCLUDED_CATEGORY]
    assert codes(
        decide(
            checkout(line(price="1600")),
            policy(max_item_price=Decimal(1500), trusted_customer_limit=Decimal(9000)),
            ProfileSnapshot(completed_orders=6),
        )
    ) == [R.ITEM_PRICE_OVER_CAP]


def test_address_and_delivery_problems():
    assert codes(decide(checkout(shipping_address=None, delivery_method=None))) == [
        R.SHIPPING_ADDRESS_MISSING,
        R.DELIVERY_METHOD_MISSING,
    ]
    no_country = checkout(shipping_address=AddressSnapshot(country=""))
    assert codes(decide(no_country)) == [R.SHIPPING_ADDRESS_MISSING]
    assert codes(decide(checkout(days=8))) == [R.REMOTE_AREA]
    assert decide(checkout(days=7)).is_eligible


def test_region_matching_prefers_the_most_specific_rule():
    regions = (
        RegionRule(country="AE", area="Dubai"),
        RegionRule(country="ID"),
        RegionRule(country="ID", postal_code_patterns=("10*",), fee_percent=Decimal("2.5")),
    )
    assert find_region(regions, AddressSnapshot(country="AE", area="dubai")).area == "Dubai"
    assert find_region(regions, AddressSnapshot(country="AE", area="Al Ruwais")) is None
    assert find_region(regions, AddressSnapshot(country="ID", postal_code="10 110")).fee_percent == Decimal("2.5")
    assert find_region(regions, AddressSnapshot(country="ID", postal_code="99110")).postal_code_patterns == ()


def test_region_cap_collection_methods_and_fee_override():
    region = RegionRule(
        country="US", order_cap=Decimal("100"), collection_methods=("cash", "card"), fee_percent=Decimal(5)
    )
    decision = decide(checkout(line(price="96.00"), shipping="0"), policy(regions=(region,)))
    assert decision.fee == Decimal("4.80")
    assert codes(decision) == [R.REGION_ORDER_CAP]
    assert decision.collection_methods == ("cash", "card")


def test_suspended_and_revoked_customers_and_unpublished_terms():
    assert codes(decide(profile=ProfileSnapshot(revoked=True))) == [R.CUSTOMER_REVOKED]
    assert codes(decide(pol=policy(terms=None))) == [R.TERMS_MISSING]
    assert codes(decide(pol=replace(policy(), currency="AED"))) == [R.CURRENCY_MISMATCH]


def test_an_amount_that_does_not_fit_is_refused():
    assert codes(decide(checkout(line(price="999999999999"), line("B", price="999999999999")))) == [R.AMOUNT_TOO_LARGE]
