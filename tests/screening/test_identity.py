"""The keys that follow a person: a phone in E.164 and a folded address."""

import pytest

from cod_plugin.rules.identity import address_key, cart_key, normalize_phone


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("+971501234567", "AE"),
        ("+971 50 123 4567", "AE"),
        ("00971501234567", "AE"),
        ("050 123 4567", "AE"),
        ("0501234567", "ae"),
        ("+971-50-123-4567", "US"),  # an international form needs no country
    ],
)
def test_local_and_international_forms_meet_in_e164(raw, country):
    assert normalize_phone(raw, country) == "+971501234567"


@pytest.mark.parametrize("raw", ["(212) 555-0100", "212.555.0100", "+1 212 555 0100", "1-212-555-0100"])
def test_us_forms(raw):
    assert normalize_phone(raw, "US") == "+12125550100"


@pytest.mark.parametrize(("raw", "country"), [("", "US"), ("12", "US"), ("call me", "US"), ("0501234567", "")])
def test_what_cannot_be_read_is_empty(raw, country):
    assert normalize_phone(raw, country) == ""


def key(street_1, *, postal_code="10001", city="New York", street_2="", country="US"):
    return address_key(country=country, postal_code=postal_code, city=city, street_1=street_1, street_2=street_2)


@pytest.mark.parametrize(
    "spelling",
    ["1 Main St.", "1 MAIN ST", "  1   main  st ", "1, Main St", "1-Main-St"],
)
def test_case_punctuation_and_spacing_do_not_tell_addresses_apart(spelling):
    assert key(spelling) == key("1 Main St")


def test_accents_and_case_folding():
    assert key("Rue de l'Église 5", city="Zürich") == key("rue de l eglise 5", city="ZURICH")
    assert key("Hauptstraße 1") == key("HAUPTSTRASSE 1")


def test_the_postal_code_and_the_country_count_the_spaces_in_a_postal_code_do_not():
    assert key("1 Main St", postal_code="SW1A 1AA") == key("1 Main St", postal_code="sw1a1aa")
    assert key("1 Main St", postal_code="10002") != key("1 Main St")
    assert key("1 Main St", country="us") == key("1 Main St")
    assert key("1 Main St", country="CA") != key("1 Main St")


def test_other_streets_are_other_addresses():
    assert key("2 Main St") != key("1 Main St")
    assert key("1 Main St", street_2="Apt 4") != key("1 Main St")


@pytest.mark.parametrize("street", ["", "   ", "--", ".,"])
def test_no_street_gives_no_key(street):
    assert key(street) == ""


def test_a_similar_cart_is_the_same_products_whatever_the_order_or_repetition():
    assert cart_key(["B", "A", "A"]) == cart_key(["A", "B"])
    assert cart_key(["A"]) != cart_key(["A", "B"])
