"""codSettings for the storefront, codProfile for the signed-in customer."""

SETTINGS = """query($c: String!, $l: String!) { codSettings(channel: $c, languageCode: $l) {
  enabled currency feeDescription feePercent feeMinimum { amount currency } limits { tier limit { amount currency } }
  maxDeliveryDays collectionMethods terms { version language text } } }"""
PROFILE = """query($c: String) { codProfile(channel: $c) { tier limit { amount currency } completedOrders strikes
  suspendedUntil revoked outstandingPenalty { amount currency } } }"""


def test_public_settings_in_the_asked_language(api):
    settings = api(SETTINGS, {"c": "channel-ae", "l": "ar"})["codSettings"]
    assert settings["enabled"] and settings["currency"] == "AED"
    assert settings["feeMinimum"] == {"amount": "5.00", "currency": "AED"}
    assert settings["feeDescription"].startswith("3% من مبلغ الطلب")  # in the asked language
    assert settings["limits"] == [
        {"tier": "NEW", "limit": {"amount": "500.00", "currency": "USD"}},
        {"tier": "TRUSTED", "limit": {"amount": "2000.00", "currency": "USD"}},
    ]
    assert settings["collectionMethods"] == ["CARD", "CASH", "MOBILE_PAYMENT"]
    assert settings["terms"]["language"] == "ar" and settings["maxDeliveryDays"] == 7
    assert api(SETTINGS, {"c": "no-such-channel", "l": "en"})["codSettings"] is None


def test_profile_of_the_signed_in_customer(api, token_for):
    trusted = api(PROFILE, {"c": "default-channel"}, token=token_for("trusted@example.com"))["codProfile"]
    assert trusted["tier"] == "TRUSTED" and trusted["limit"]["amount"] == "2000.00"
    assert trusted["completedOrders"] == 8 and trusted["outstandingPenalty"] is None
    penalty = api(PROFILE, {}, token=token_for("penalty@example.com"))["codProfile"]
    assert penalty["strikes"] == 1 and penalty["outstandingPenalty"] == {"amount": "12.50", "currency": "USD"}
    suspended = api(PROFILE, {}, token=token_for("suspended@example.com"))["codProfile"]
    assert suspended["tier"] == "SUSPENDED" and suspended["suspendedUntil"].startswith("2027-03-01")


def test_profile_needs_a_signed_in_customer(api):
    body = api.raw(PROFILE, {})
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    forged = api.raw(PROFILE, {}, token="forged.token.value")
    assert forged["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
