"""Public pages of the plugin."""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from .flows import policies


def terms(request, channel: str):
    policy = policies.get_policy(channel)
    language = request.GET.get("lang") or translation.get_language() or "en"
    current = policy and policies.pick_terms(policy, language)
    if not current:
        raise Http404("No Cash on Delivery terms for this channel.")
    return render(request, "cod_plugin/terms.html", {"channel": channel, "terms": current})
