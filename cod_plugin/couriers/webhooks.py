"""``POST /cod/couriers/<code>/events/``: a courier's signed status event.

Headers ``X-Cod-Timestamp`` (Unix seconds) and ``X-Cod-Signature`` (``signing.sign``). The body is one JSON
event: ``event_id``, ``type`` (shipped, out_for_delivery, delivery_failed, delivered, refused,
returned_to_origin), ``reference`` (the order number), ``occurred_at`` (ISO 8601 with its offset) and ``data``
(``tracking_number``, ``window {start, end}``, ``reason``, ``note``, ``collected {amount, currency, method,
receipt}``). Checked in this order, each failure answered with ``{"error": {code, message[, field]}}`` before
anything is recorded: the body's size (413 ``payload_too_large`` over 64 KiB), the courier (404
``unknown_courier``, also when inactive), the signature (401 ``invalid_signature``) and its timestamp (401
``stale_timestamp``), the JSON (400 ``invalid_json``, or ``required``/``invalid`` with the field). Then the event is
recorded and taken by ``flows.courier_events``, and the answer says what became of it: 200 ``applied``,
``ignored`` (the order is past it) or ``duplicate`` (a known event id); 202 ``deferred`` (it waits for an earlier
event); 409 ``rejected`` with the error (the order cannot take it); 404 ``unknown_order`` (no such order for this
courier; recorded all the same).

Before all of these, the rate: past ``COD_WEBHOOK_RATE`` signed events of one courier, or posts from one client
address whose signature failed, a post is answered 429 ``rate_limited`` with ``Retry-After``, and nothing is read
or recorded. A forged post never counts against the courier it names.
"""

import json
from enum import StrEnum

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import ratelimits
from ..error_codes import CodError
from ..failures import json_on_failure
from ..flows import courier_events
from ..flows.courier_events import Outcome
from ..models import Courier
from . import signing

MAX_BODY_BYTES = 64 * 1024
HTTP_STATUS = {
    Outcome.APPLIED: 200,
    Outcome.IGNORED: 200,
    Outcome.DUPLICATE: 200,
    Outcome.DEFERRED: 202,
    Outcome.REJECTED: 409,
    Outcome.UNKNOWN_ORDER: 404,
}


# Active couriers read by earlier requests, by code: a query fewer per event. Such a courier is only used for an
# event that reaches its transaction, where the query locking the order also confirms that the courier is still
# active with the same code and secret (``confirm_courier``); a refusal, or a courier changed since, and the
# request is handled again from the start with the courier read anew.
_COURIERS: dict[str, Courier] = {}


class WebhookErrorCode(StrEnum):
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNKNOWN_COURIER = "unknown_courier"
    INVALID_SIGNATURE = "invalid_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    INVALID_JSON = "invalid_json"
    UNKNOWN_ORDER = "unknown_order"
    RATE_LIMITED = "rate_limited"


@csrf_exempt  # signed by the courier's secret, not sent by a browser
@require_POST
@json_on_failure
def courier_events_view(request, code: str):
    wait = ratelimits.webhook_wait(request, code)
    if wait is not None:
        response = _error(429, WebhookErrorCode.RATE_LIMITED, _("Too many events from this courier: retry later."))
        response["Retry-After"] = str(wait)
        return response
    if _declared_size(request) > MAX_BODY_BYTES:
        message = _("The body is over %(size)d KiB.") % {"size": MAX_BODY_BYTES // 1024}
        return _error(413, WebhookErrorCode.PAYLOAD_TOO_LARGE, message)
    known = _COURIERS.get(code)
    if known is not None:
        answer = _handle(request, known, confirm=True)
        if answer is not None:
            return answer
        _COURIERS.pop(code, None)
    courier = Courier.objects.filter(code=code, active=True).order_by("pk").first()
    if courier is None:
        return _error(404, WebhookErrorCode.UNKNOWN_COURIER, _("Unknown courier."))
    _COURIERS[code] = courier
    answer = _handle(request, courier, confirm=False)
    if answer.status_code == 401:
        ratelimits.count_refused(request)
    return answer


def _handle(request, courier: Courier, *, confirm: bool) -> JsonResponse | None:
    """The answer to the event. With ``confirm`` (a courier read by an earlier request), None instead of a
    refusal, or when the event's transaction finds that the courier has changed: nothing was recorded."""
    raw = request.body  # no more than the declared size: Django reads that much and stops
    refused = _check_signature(courier, request, raw)
    if refused:
        return None if confirm else refused
    ratelimits.count_signed(request, courier.code)
    try:
        event = courier_events.parse_event(_json(raw))
    except ValueError:
        return None if confirm else _error(400, WebhookErrorCode.INVALID_JSON, _("The body is not valid JSON."))
    except CodError as error:
        return None if confirm else _error(400, error.code, error.message, field=error.field)
    try:
        return _answer(courier_events.receive(courier, event, confirm_courier=confirm))
    except courier_events.CourierChanged:
        return None


def _check_signature(courier: Courier, request, raw: bytes) -> JsonResponse | None:
    timestamp, signature = request.headers.get("X-Cod-Timestamp"), request.headers.get("X-Cod-Signature")
    try:
        signing.verify(courier.webhook_secret, timestamp, signature, raw)
    except signing.StaleTimestamp:
        return _error(401, WebhookErrorCode.STALE_TIMESTAMP, _("The timestamp is too old or too far ahead."))
    except signing.SignatureError:
        return _error(401, WebhookErrorCode.INVALID_SIGNATURE, _("The signature does not match."))
    return None


def _json(raw: bytes) -> object:
    """The parsed body; ValueError for anything Python could not parse. What the database could not store (a NUL,
    an unpaired surrogate) is refused by ``parse_event`` with its field."""
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except RecursionError as error:  # deeply nested arrays: within 64 KiB, yet beyond the parser's stack
        raise ValueError("too deeply nested") from error
    # Storing the event encodes it again, further down the stack than here: a nesting the parser just managed would
    # fail there. No courier's event nests anywhere near this deep.
    if _nesting(value) > MAX_NESTING:
        raise ValueError("too deeply nested")
    return value


MAX_NESTING = 64  # arrays and objects inside one another, the body's own object counted


def _nesting(value: object) -> int:
    """How deep arrays and objects nest in ``value``, counted without recursion; stops once past MAX_NESTING."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_NESTING:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _answer(receipt: courier_events.Receipt) -> JsonResponse:
    body: dict = {"status": receipt.outcome.value}
    if receipt.outcome is Outcome.UNKNOWN_ORDER:
        body["error"] = {"code": WebhookErrorCode.UNKNOWN_ORDER.value, "message": _("No such order for this courier.")}
    elif receipt.error is not None:
        body["error"] = _error_body(receipt.error.code, receipt.error.message, field=receipt.error.field)
    return JsonResponse(body, status=HTTP_STATUS[receipt.outcome])


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads such a body as empty, which no signature matches
        return 0


def _error(status: int, code: str, message: str, *, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": _error_body(code, message, field=field)}, status=status)


def _error_body(code: str, message: str, *, field: str | None = None) -> dict:
    body = {"code": str(code), "message": str(message)}
    if field:
        body["field"] = field
    return body
