"""Calls into the store whose refusal becomes the caller's error (and rolls the whole change back)."""

from ..error_codes import CodError, CodErrorCode
from ..host import HostError

HOST_ERROR_CODES = {"insufficient_stock": CodErrorCode.INSUFFICIENT_STOCK}


def call(method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except HostError as error:
        code = HOST_ERROR_CODES.get(error.code, CodErrorCode.STORE_REFUSED)
        raise CodError(code, error.message, field=error.field) from error
