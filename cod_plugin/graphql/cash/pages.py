"""One page of a list, after a cursor: the cursor is the value of the list's key (a pk, a row number)."""

import base64
import binascii

from django.db.models import QuerySet

from ..pages import page_size


def cursor(value: int) -> str:
    return base64.b64encode(f"cursor:{value}".encode()).decode()


def _after(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(base64.b64decode(value).decode().removeprefix("cursor:"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def page(found: QuerySet, *, first: int, after: str | None, key: str = "pk", descending: bool = False):
    """(the items of the page, whether more follow, how many in all): two queries."""
    first = page_size(first)
    total = found.count()
    start = _after(after)
    if start is not None:
        found = found.filter(**{f"{key}__{'lt' if descending else 'gt'}": start})
    items = list(found.order_by(f"-{key}" if descending else key)[: first + 1])
    return items[:first], len(items) > first, total
