"""Relay global IDs: ``base64("Type:pk")``, checked for their type."""

import binascii

from django.utils.translation import gettext as _
from strawberry.relay import from_base64

from ..error_codes import CodError, CodErrorCode


def decode(global_id: str, expected_type: str, *, field: str) -> str:
    try:
        type_name, pk = from_base64(global_id)
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError):
        type_name, pk = None, ""
    if type_name != expected_type or not pk:
        raise CodError(CodErrorCode.INVALID, _("Not a valid %(type)s ID.") % {"type": expected_type}, field=field)
    return pk


def decode_pk(global_id: str, expected_type: str, *, field: str) -> int:
    """The integer primary key inside a global ID of ``expected_type``."""
    pk = decode(global_id, expected_type, field=field)
    if not pk.isdigit():
        raise CodError(CodErrorCode.INVALID, _("Not a valid %(type)s ID.") % {"type": expected_type}, field=field)
    return int(pk)
