"""Each text the API gives a shopper speaks the asked ``languageCode``; amounts and dates are written its way."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.utils import translation

from cod_plugin import formatting

from .shop import new_checkout
from .test_eligibility import ELIGIBILITY

SETTINGS = "query($c: String!, $l: String!) { codSettings(channel: $c, languageCode: $l) { feeDescription } }"

# channel-ae: 3% of the order amount, at least AED 5.000
ARABIC = {
    "%(percent)s%% of the order amount": "%(percent)s%% من مبلغ الطلب",
    "at least %(amount)s": "بحد أدنى %(amount)s",
    "between the parts of a fee description\x04, ": "، ",
    "Cash on Delivery is suspended for this account until %(date)s.": "الدفع موقوف لهذا الحساب حتى %(date)s.",
}


@contextmanager
def arabic_catalogue(entries: dict[str, str]):
    """These Arabic translations in the running catalogue, as if the Arabic .po file had them."""
    with translation.override("ar"):
        catalogue = translation.trans_real.translation("ar")._catalog
    own = catalogue._catalogs[0]
    before = {key: own[key] for key in entries if key in own}
    own.update(entries)
    try:
        yield
    finally:
        for key in entries:
            own.pop(key, None)
        own.update(before)


def fee_description(api, channel: str, language: str) -> str:
    return api(SETTINGS, {"c": channel, "l": language})["codSettings"]["feeDescription"]


def test_fee_description_is_in_the_asked_language_with_its_money(api):
    # given the Arabic words of the fee's description
    with arabic_catalogue(ARABIC):
        # when a storefront asks for the channel's settings in Arabic
        arabic = fee_description(api, "channel-ae", "ar")
    # then the words and the minimum are Arabic's, not English's
    minimum = formatting.money(Decimal(5), "AED", "ar")
    assert arabic == f"3% من مبلغ الطلب، بحد أدنى {minimum}"
    assert "AED" not in arabic and "order amount" not in arabic


def test_fee_description_in_english_reads_as_before(api):
    assert fee_description(api, "channel-ae", "en") == "3% of the order amount, at least AED5.00"


def test_fee_description_of_an_unknown_language_is_english_and_no_error(api):
    assert fee_description(api, "channel-ae", "xx-unknown") == "3% of the order amount, at least AED5.00"


def test_suspension_reason_gives_its_date_as_the_asked_language_writes_it(api, token_for):
    # given a suspended customer's cart (suspended until 1 March 2027)
    token = token_for("suspended@example.com")
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=token)
    # when the storefront asks in Arabic, then in English
    with arabic_catalogue(ARABIC):
        arabic = api(ELIGIBILITY, {"id": checkout, "lang": "ar"}, token=token)["codEligibility"]["reasons"]
    english = api(ELIGIBILITY, {"id": checkout, "lang": "en"}, token=token)["codEligibility"]["reasons"]
    # then each gives the date its own way, never as ISO digits
    assert arabic[0]["message"] == f"الدفع موقوف لهذا الحساب حتى {formatting.date(date(2027, 3, 1), 'ar')}."
    assert english[0]["message"] == "Cash on Delivery is suspended for this account until Mar 1, 2027."
