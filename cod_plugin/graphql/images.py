"""Pictures sent as base64 strings (a voucher, photos of a returned product), decoded and checked once."""

import base64
import binascii

from ..error_codes import CodError, CodErrorCode
from ..rules.images import is_photo


def decode(encoded: str, *, field: str, message: str) -> bytes:
    """The picture's bytes; ``message`` (which names the picture) when it is not a PNG or JPEG of at most 2 MB."""
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not is_photo(data):
        raise CodError(CodErrorCode.INVALID, message, field=field)
    return data
