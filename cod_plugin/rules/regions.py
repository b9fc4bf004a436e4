"""Which covered region an address falls in; the most specific match wins (postal code, then area)."""

from fnmatch import fnmatchcase

from ..host import AddressSnapshot
from .policy import RegionRule


def normalize_postal_code(value: str) -> str:
    return "".join(value.split()).upper()


def _matches(region: RegionRule, address: AddressSnapshot) -> bool:
    if region.country.upper() != address.country.upper():
        return False
    if region.area and region.area.casefold() != address.area.casefold():
        return False
    if region.postal_code_patterns:
        code = normalize_postal_code(address.postal_code)
        return any(fnmatchcase(code, normalize_postal_code(p)) for p in region.postal_code_patterns)
    return True


def find_region(regions: tuple[RegionRule, ...], address: AddressSnapshot) -> RegionRule | None:
    matches = [region for region in regions if _matches(region, address)]
    return max(matches, key=lambda region: region.specificity, default=None)
