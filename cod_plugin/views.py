"""Public pages of the plugin: a channel's terms, and the confirmation link sent to the customer."""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import ratelimits
from .error_codes import CodError, CodErrorCode
from .failures import page_on_failure
from .flows import confirmation, policies
from .money import display
from .rules.statuses import CodStatus


def terms(request, channel: str):
    policy = policies.get_policy(channel)
    language = request.GET.get("lang") or translation.get_language() or "en"
    current = policy and policies.pick_terms(policy, language)
    if not current:
        raise Http404("No Cash on Delivery terms for this channel.")
    return render(request, "cod_plugin/terms.html", {"channel": channel, "terms": current})


@require_http_methods(["GET", "POST"])
@page_on_failure("cod_plugin/confirm.html")
def confirm(request, token: str):
    """GET shows the order and two buttons; POST applies the customer's choice and shows where the order is."""
    wait = ratelimits.confirm_link_wait(request)
    if wait is not None:  # guessing links, or a page reloaded in a loop
        message = _("Too many requests from your network: wait a minute, then open the link again.")
        response = render(request, "cod_plugin/confirm.html", {"error": {"message": message}}, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        order = confirmation.order_for_link(token)  # a bad link says so before a bad form does
        if request.method == "POST":
            order = confirmation.confirm_by_link(token, _decision(request))
    except CodError as error:
        return render(request, "cod_plugin/confirm.html", {"error": error}, status=400)
    # The page speaks the language the customer placed the order in, like the message that linked here.
    with translation.override(order.terms_language):
        return render(request, "cod_plugin/confirm.html", _order_context(order, decided=request.method == "POST"))


def _decision(request) -> confirmation.Decision:
    try:
        return confirmation.Decision(request.POST.get("decision", ""))
    except ValueError as error:
        message = _("Choose to confirm or to cancel the order.")
        raise CodError(CodErrorCode.INVALID, message, field="decision") from error


def _order_context(order, *, decided: bool) -> dict:
    currency = str(order.amount_to_collect.currency)
    return {
        "order": order,
        "amount_to_collect": display(order.amount_to_collect.amount, currency),
        "fee": display(order.fee.amount, currency),
        "pending": order.status == CodStatus.PENDING_CONFIRMATION,
        "confirmed": order.status == CodStatus.CONFIRMED,
        "cancelled": order.status == CodStatus.CANCELLED,
        "decided": decided,
    }
