"""Public pages of the plugin: a channel's terms, and the confirmation link sent to the customer."""

import re
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import ratelimits
from .error_codes import CodError, CodErrorCode
from .failures import page_on_failure
from .flows import confirmation, policies
from .rules.statuses import CodStatus


def terms(request, channel: str):
    policy = policies.get_policy(channel)
    language = request.GET.get("lang") or translation.get_language() or "en"
    current = policy and policies.pick_terms(policy, language)
    if not current:
        raise Http404("No Cash on Delivery terms for this channel.")
    shown = (t for t in policy.current_terms if (t.language, t.version) == (current.language, current.version))
    published = next((t.published_at for t in shown), None)
    context = {"channel": channel, "terms": current, "published_at": published, "sections": sections(current.text)}
    # The page speaks the language of the terms it shows (the asked one, or the one the channel has instead).
    with translation.override(current.language):
        return render(request, "cod_plugin/terms.html", context)


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (``number`` None), or one numbered item of a list ("3. Order limits. ..."); its lines in order."""

    lines: tuple[str, ...]
    number: int | None = None


NUMBERED_LINE = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")


def text_blocks(text: str) -> list[TextBlock]:
    """The terms' plain text as a merchant typed it: blank lines part paragraphs, a "1." line starts an item; a
    line under an item, before the next blank line, continues it."""
    blocks: list[TextBlock] = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        in_chunk: list[TextBlock] = []
        for line in (line.strip() for line in chunk.split("\n")):
            numbered = line and NUMBERED_LINE.match(line)
            if numbered:
                in_chunk.append(TextBlock((numbered.group(2),), int(numbered.group(1))))
            elif line and in_chunk:
                in_chunk[-1] = TextBlock((*in_chunk[-1].lines, line), in_chunk[-1].number)
            elif line:
                in_chunk.append(TextBlock((line,)))
        blocks.extend(in_chunk)
    return blocks


def sections(text: str) -> list[tuple[bool, list[TextBlock]]]:
    """The blocks of ``text`` with each run of numbered items together: ``(True, items)`` is a list, ``(False,
    [paragraph])`` a paragraph."""
    grouped: list[tuple[bool, list[TextBlock]]] = []
    for block in text_blocks(text):
        numbered = block.number is not None
        if numbered and grouped and grouped[-1][0]:
            grouped[-1][1].append(block)
        else:
            grouped.append((numbered, [block]))
    return grouped


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
        else:
            confirmation.link_opened(order)
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
    return {
        "order": order,
        "pending": order.status == CodStatus.PENDING_CONFIRMATION,
        "by_call": not confirmation.link_may_confirm(order),  # the screening asks for an agent's call
        "confirmed": order.status == CodStatus.CONFIRMED,
        "cancelled": order.status == CodStatus.CANCELLED,
        "decided": decided,
    }
