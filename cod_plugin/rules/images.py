"""Pictures customers send (a payment voucher, photos of a returned product): PNG or JPEG, at most 2 MB each."""

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def is_photo(data: bytes) -> bool:
    """Whether ``data`` starts like a PNG or a JPEG and is small enough to keep."""
    return data.startswith(IMAGE_SIGNATURES) and len(data) <= MAX_IMAGE_BYTES
