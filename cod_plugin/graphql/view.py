"""The plugin's GraphQL view: strawberry's Django view, with every refusal of a request coded and never a 5xx.

Strawberry answers a malformed request in plain text ("Batching is not enabled"), and a body its JSON parser
cannot hold (a variable nested 100,000 lists deep overflows the parser's stack) with a 500. Here each is a JSON
GraphQL error with ``extensions.code`` and a 4xx; the body's size is bounded by Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a return request carries its photos base64, so a host allows about 14 MB) and
the variables' nesting by ``COD_GRAPHQL_MAX_VARIABLE_DEPTH``. Every error that leaves goes through ``coded``, also
those strawberry makes outside the schema's extensions.
"""

import json
import logging

from cross_web import HTTPException
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from strawberry.django.views import GraphQLView
from strawberry.http import process_result

from ..conf import app_settings
from ..database import RETRY_AFTER_SECONDS, is_busy
from .extensions import DATABASE_BUSY, INTERNAL_ERROR, coded

logger = logging.getLogger("cod_plugin.graphql")

BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
INVALID_JSON = "GRAPHQL_INVALID_JSON"
VARIABLES_TOO_DEEP = "GRAPHQL_VARIABLES_TOO_DEEP"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
BAD_REQUEST = "GRAPHQL_BAD_REQUEST"


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, str(message)


class CodGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        try:
            _check_declared_size(request)
            return self.run(request=request)
        except Refused as refused:
            return _answer(refused.status, refused.code, refused.message)
        except HTTPException as error:
            return _answer(error.status_code, *_http_error(error))
        except RequestDataTooBig:
            return _answer(413, REQUEST_TOO_LARGE, _too_large_message())
        except Exception as error:  # noqa: BLE001 (the last guard: nothing leaves as Django's HTML 500)
            return _unexpected(error)

    def render_graphql_ide(self, request):
        if not app_settings.GRAPHQL_INTROSPECTION:  # GraphiQL is of no use without introspection
            raise HTTPException(404, "Not Found")
        # strawberry's page loads GraphiQL from unpkg.com; ours from the plugin's static files, so it works offline.
        return HttpResponse(render_to_string("cod_plugin/graphiql.html", request=request))

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = json.loads(data)
        except RecursionError as error:
            raise _too_deep() from error
        except ValueError as error:  # JSONDecodeError, and bytes that are not UTF-8
            raise Refused(400, INVALID_JSON, _("The body is not valid JSON.")) from error
        return decoded

    def parse_http_body(self, request):
        try:
            data = super().parse_http_body(request)
        except UnicodeDecodeError as error:  # the request adapter decodes the body before any JSON is read
            raise Refused(400, INVALID_JSON, _("The body is not valid JSON.")) from error
        if _depth(data.variables) > app_settings.GRAPHQL_MAX_VARIABLE_DEPTH:
            raise _too_deep()
        return data

    def process_result(self, request, result):
        if result.errors:
            result.errors = [coded(error) for error in result.errors]
        return process_result(result)


def _depth(value: object) -> int:
    """How deep lists and objects nest in ``value``, walked without recursion (the value may come from anyone)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _check_declared_size(request) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        raise Refused(413, REQUEST_TOO_LARGE, _too_large_message())


def _too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request is over %(size)d MB.") % {"size": limit // (1024 * 1024)}


def _too_deep() -> Refused:
    message = _("The variables nest lists or objects more than %(most)d levels deep.")
    return Refused(400, VARIABLES_TOO_DEEP, message % {"most": app_settings.GRAPHQL_MAX_VARIABLE_DEPTH})


def _http_error(error: HTTPException) -> tuple[str, str]:
    """Strawberry's own refusals of a request; their reasons speak of the request, never of the server."""
    if error.reason == "Batching is not enabled":
        return BATCHING_NOT_SUPPORTED, _("Send one operation per request; batches are not supported.")
    if error.status_code == 404:
        return "NOT_FOUND", _("Not found.")
    return BAD_REQUEST, error.reason


def _unexpected(error: Exception) -> JsonResponse:
    if is_busy(error):
        response = _answer(503, DATABASE_BUSY, _("The database is busy; try again in a moment."), retryable=True)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    logger.error("Unexpected error in the GraphQL view", exc_info=error)
    return _answer(500, INTERNAL_ERROR, _("Something went wrong on our side; try again later."))


def _answer(status: int, code: str, message: str, **extensions) -> JsonResponse:
    body = {"data": None, "errors": [{"message": str(message), "extensions": {"code": code, **extensions}}]}
    return JsonResponse(body, status=status)
