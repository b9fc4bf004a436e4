"""Relay global IDs: ``base64("Type:pk")``, checked for their type."""

import binascii

from django.utils.translation import gettext as _
from strawberry.relay import from_base64

from .. import limits
from ..error_codes import CodError, CodErrorCode
from ..rules import bounds


def decode(global_id: str, expected_type: str, *, field: str) -> str:
    try:
        type_name, pk = from_base64(global_id)
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError):
        type_name, pk = None, ""
    if type_name != expected_type or not pk or not _storable(pk):
        raise CodError(CodErrorCode.INVALID, _("Not a valid %(type)s ID.") % {"type": expected_type}, field=field)
    return pk


def _storable(key: str) -> bool:
    """Whether the key can be looked up at all: no NUL or unpaired surrogate, within the longest key stored."""
    try:
        bounds.text(key, field="id", max_length=limits.GLOBAL_ID_KEY, strip=False)
    except CodError:
        return False
    return True


def decode_pk(global_id: str, expected_type: str, *, field: str) -> int:
    """The integer primary key inside a global ID of ``expected_type``."""
    pk = decode(global_id, expected_type, field=field)
    if not pk.isdigit():
        raise CodError(CodErrorCode.INVALID, _("Not a valid %(type)s ID.") % {"type": expected_type}, field=field)
    return int(pk)
