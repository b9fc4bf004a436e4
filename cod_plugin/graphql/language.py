"""The language messages are written in: the asked one, else the request's (``Accept-Language``)."""

from contextlib import nullcontext

from django.utils import translation


def speaking(language_code: str | None):
    return translation.override(language_code) if language_code else nullcontext()
