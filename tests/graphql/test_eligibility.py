"""codEligibility: the shopper sees, for the cart as it is now, whether COD is offered, the fee and why not."""

from .shop import ADDRESSES, LINES, new_checkout, product_ids

ELIGIBILITY = """query($id: ID!, $lang: String) {
  codEligibility(checkoutId: $id, languageCode: $lang) {
    isEligible reasons { code message skus }
    orderAmount { amount currency } fee { amount currency } amountToCollect { amount currency }
    limit { amount currency } tier terms { version language text } collectionMethods
  }
}"""


def eligibility(api, checkout_id, token=None, lang=None):
    return api(ELIGIBILITY, {"id": checkout_id, "lang": lang}, token=token)["codEligibility"]


def codes(result):
    return [reason["code"] for reason in result["reasons"]]


def test_an_ordinary_cart_shows_the_fee_as_its_own_amount(api, token_for):
    # given a new customer's cart: 2 t-shirts at 19.99 and headphones at 129.00, Standard delivery at 5.00
    token = token_for("new@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 2, "HEADPHONES-001": 1}, token=token)
    # when
    result = eligibility(api, checkout, token)
    # then 3% of 173.98 is 5.2194, rounded to 5.22
    assert result["isEligible"] and result["reasons"] == []
    assert result["orderAmount"] == {"amount": "173.98", "currency": "USD"}
    assert result["fee"] == {"amount": "5.22", "currency": "USD"}
    assert result["amountToCollect"] == {"amount": "179.20", "currency": "USD"}
    assert result["limit"] == {"amount": "500.00", "currency": "USD"} and result["tier"] == "NEW"
    assert result["terms"]["version"] == 1 and "penalty" in result["terms"]["text"].lower()
    assert result["collectionMethods"] == ["CASH", "CARD"]


def test_a_refused_cart_lists_every_reason(api):
    # given a guest's cart with a luxury watch and an engraved mug, to Alaska, in a parcel locker
    alaska = {**ADDRESSES["US"], "countryArea": "Alaska", "city": "Juneau", "postalCode": "99801"}
    checkout = new_checkout(
        api, "default-channel", {"WATCH-LUX-001": 1, "MUG-ENGRAVED-001": 1}, address=alaska, method="Parcel locker"
    )
    # when
    result = eligibility(api, checkout)
    # then
    assert not result["isEligible"]
    assert codes(result) == [
        "EXCLUDED_PRODUCT",
        "EXCLUDED_PRODUCT",
        "DELIVERY_METHOD_CANNOT_COLLECT",
        "REMOTE_AREA",
        "AMOUNT_OVER_LIMIT",
        "ITEM_PRICE_OVER_CAP",
    ]
    assert result["reasons"][0]["skus"] == ["MUG-ENGRAVED-001"]
    assert "Luxury automatic watch" in result["reasons"][1]["message"]
    assert "8 days" in result["reasons"][3]["message"]


def test_eligibility_is_live_it_follows_the_cart(api):
    # given an eligible guest cart
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1})
    assert eligibility(api, checkout)["isEligible"]
    # when the shopper adds a television and a gift card
    ids = product_ids(api, "default-channel")
    lines = [{"productId": ids["TV-65-001"], "quantity": 1}, {"productId": ids["GIFTCARD-050"], "quantity": 1}]
    assert not api(LINES, {"id": checkout, "lines": lines})["checkoutLinesUpdate"]["errors"]
    # then the same query answers differently
    assert codes(eligibility(api, checkout)) == [
        "EXCLUDED_CATEGORY",
        "REGION_ORDER_CAP",
        "AMOUNT_OVER_LIMIT",
        "ITEM_PRICE_OVER_CAP",
    ]


def test_customer_standing_is_part_of_the_answer(api, token_for):
    for email, expected in [
        ("suspended@example.com", ["CUSTOMER_SUSPENDED"]),
        ("revoked@example.com", ["CUSTOMER_REVOKED"]),
        ("penalty@example.com", ["UNPAID_PENALTY"]),
    ]:
        token = token_for(email)
        checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=token)
        assert codes(eligibility(api, checkout, token)) == expected, email


def test_trusted_and_b2b_customers_reach_further(api, token_for):
    cart = {"HEADPHONES-001": 5}  # 645.00 + 5.00 shipping + fee: over the new customer's USD 500
    assert codes(eligibility(api, new_checkout(api, "default-channel", cart))) == ["AMOUNT_OVER_LIMIT"]
    trusted = token_for("trusted@example.com")
    result = eligibility(api, new_checkout(api, "default-channel", cart, token=trusted), trusted)
    assert result["isEligible"] and result["tier"] == "TRUSTED" and result["limit"]["amount"] == "2000.00"
    b2b = token_for("b2b@example.com")
    result = eligibility(api, new_checkout(api, "channel-ae", {"HEADPHONES-001": 30}, token=b2b), b2b)
    assert result["isEligible"] and result["tier"] == "B2B" and result["limit"]["amount"] == "20000.00"


def test_local_currencies_round_to_their_minor_unit_and_convert_for_the_limit(api):
    kwd = eligibility(api, new_checkout(api, "channel-kw", {"TSHIRT-001": 1}))
    assert kwd["fee"]["currency"] == "KWD" and len(kwd["fee"]["amount"].split(".")[1]) == 3
    assert kwd["fee"]["amount"] == "0.500"  # the KWD minimum fee
    idr = eligibility(api, new_checkout(api, "channel-id", {"TSHIRT-001": 1}))
    assert idr["isEligible"] and idr["limit"]["currency"] == "USD"
    egp = eligibility(api, new_checkout(api, "channel-eg", {"TSHIRT-001": 1}))
    assert codes(egp) == ["EXCHANGE_RATE_MISSING"]


def test_region_rules_and_the_shoppers_language(api):
    ruwais = {**ADDRESSES["AE"], "countryArea": "Al Ruwais", "city": "Al Ruwais"}
    uncovered = eligibility(api, new_checkout(api, "channel-ae", {"TSHIRT-001": 1}, address=ruwais), lang="ar")
    assert codes(uncovered) == ["REGION_NOT_COVERED"]
    assert uncovered["terms"]["language"] == "ar"
    assert uncovered["reasons"][0]["message"].startswith("الدفع عند الاستلام غير متاح للتوصيل إلى")
    jakarta = eligibility(api, new_checkout(api, "channel-id", {"HEADPHONES-001": 1}))
    plain = eligibility(
        api, new_checkout(api, "channel-id", {"HEADPHONES-001": 1}, address={**ADDRESSES["ID"], "countryArea": "Bali"})
    )
    assert jakarta["orderAmount"] == plain["orderAmount"]
    assert jakarta["fee"] != plain["fee"]  # Jakarta's 2.5% override against the channel's 3%


def test_absurd_quantities_and_missing_address_are_reasons(api):
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, address={}, method=None)
    assert codes(eligibility(api, checkout)) == ["SHIPPING_ADDRESS_MISSING", "DELIVERY_METHOD_MISSING"]
    ids = product_ids(api, "default-channel")
    # the store sells up to its stock of 1,000; COD stops at 999 of one line
    changed = api(LINES, {"id": checkout, "lines": [{"productId": ids["TSHIRT-001"], "quantity": 1000}]})
    assert not changed["checkoutLinesUpdate"]["errors"]
    assert "QUANTITY_OUT_OF_RANGE" in codes(eligibility(api, checkout))


def test_unknown_malformed_and_foreign_checkouts_are_errors_with_codes(api, token_for):
    owner, other = token_for("new@example.com"), token_for("trusted@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=owner)
    product_id = product_ids(api, "default-channel")["TSHIRT-001"]
    cases = [
        (checkout, other, "NOT_FOUND"),
        (checkout, None, "NOT_FOUND"),
        ("not-an-id", owner, "INVALID"),
        (product_id, owner, "INVALID"),
        ("Q2hlY2tvdXQ6bm9wZQ==", owner, "NOT_FOUND"),
    ]
    for checkout_id, token, code in cases:
        body = api.raw(ELIGIBILITY, {"id": checkout_id}, token=token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == code, (checkout_id, body)
        assert body["errors"][0]["message"]


def test_an_empty_cart_is_a_reason(api):
    checkout = new_checkout(api, "default-channel", {})
    assert codes(eligibility(api, checkout)) == ["EMPTY_CART"]


def test_errors_speak_the_asked_language(api):
    body = api.raw(ELIGIBILITY, {"id": "Q2hlY2tvdXQ6bm9wZQ==", "lang": "ar"})
    assert body["errors"][0]["message"] == "لم يتم العثور على سلة الشراء."
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
