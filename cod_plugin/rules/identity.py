"""The keys that follow a person across accounts and guests: a phone in E.164 and a normalized address, and the
key of a cart for spotting duplicates. Pure: the flows store these keys on each COD order at placing."""

import hashlib
import re
import unicodedata

import phonenumbers

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalize_phone(raw: str, country: str) -> str:
    """``raw`` in E.164 (``+14155550123``) when it parses as a possible number (read in ``country`` when it has
    no ``+``); "" otherwise."""
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing do not tell two addresses apart."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


def address_key(*, country: str, postal_code: str, city: str, street_1: str, street_2: str = "") -> str:
    """A SHA-256 of the folded address (country, postal code, city, streets); "" when there is no street."""
    if not _fold(street_1 + street_2):
        return ""
    parts = (
        (country or "").upper(),
        _fold(postal_code).replace(" ", ""),
        _fold(city),
        _fold(street_1),
        _fold(street_2),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cart_key(product_refs) -> str:
    """The same set of products, whatever the quantities: a similar cart."""
    return hashlib.sha256("|".join(sorted(set(map(str, product_refs)))).encode()).hexdigest()
