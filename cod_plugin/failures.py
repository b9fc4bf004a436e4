"""What the plugin's public endpoints (courier webhooks, the confirmation link) answer when something fails that
the caller did not cause: a coded 503 with ``Retry-After``, never Django's 500.

Why 503 for a bug too: the failed request wrote nothing (its transaction is rolled back), and a courier's system
retries a 5xx anyway; a retryable answer is the honest one, and once the cause is fixed the retry lands. The
traceback goes to the ``cod_plugin`` log, the caller gets a code and a generic message.
"""

import functools
import logging
from collections.abc import Callable

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .database import RETRY_AFTER_SECONDS, is_busy

logger = logging.getLogger("cod_plugin.failures")

# After an unexpected error, a retry helps only once someone has looked: ask for it later than for a busy database.
RETRY_AFTER_INTERNAL_ERROR_SECONDS = 60


def _failure(error: Exception, where: str) -> tuple[str, str, int]:
    if is_busy(error):
        return "database_busy", _("The database is busy; try again in a moment."), RETRY_AFTER_SECONDS
    logger.error("Unexpected error in %s", where, exc_info=error)
    message = _("Something went wrong on our side; try again later.")
    return "internal_error", message, RETRY_AFTER_INTERNAL_ERROR_SECONDS


def json_on_failure(view: Callable) -> Callable:
    """Wraps a JSON endpoint: ``{"error": {"code", "message", "retryable": true}}``, 503, ``Retry-After``."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 (the endpoint's last guard)
            code, message, retry_after = _failure(error, view.__name__)
            body = {"error": {"code": code, "message": str(message), "retryable": True}}
            return _retry_later(JsonResponse(body, status=503), retry_after)

    return wrapped


def page_on_failure(template: str) -> Callable:
    """Wraps a page: ``template`` with ``error`` (code and message), 503, ``Retry-After``."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 (the page's last guard)
                code, message, retry_after = _failure(error, view.__name__)
                context = {"error": {"code": code, "message": message, "retryable": True}}
                return _retry_later(render(request, template, context, status=503), retry_after)

        return wrapped

    return decorate


def _retry_later(response: HttpResponse, seconds: int) -> HttpResponse:
    response["Retry-After"] = str(seconds)
    return response
