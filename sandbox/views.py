"""The sandbox store's home page: what this store is, and where its API, admin and COD terms are."""

from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language_info

from cod_plugin.models import CodTerms

from .store.models import Channel


def home(request):
    channels = list(Channel.objects.order_by("name"))
    languages: dict[str, list[str]] = {}
    published = CodTerms.objects.filter(policy__channel__in=[c.slug for c in channels])
    for channel, language in published.values_list("policy__channel", "language").distinct().order_by("language"):
        languages.setdefault(channel, []).append(language)
    rows = [
        {
            "channel": channel,
            "terms": [
                (_language_name(code), f"{reverse('cod_plugin:terms', args=[channel.slug])}?lang={code}")
                for code in languages.get(channel.slug, [])
            ],
        }
        for channel in channels
    ]
    return render(request, "sandbox/home.html", {"rows": rows})


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:  # a language Django has no name for: its code says it
        return code


def favicon(request):
    """The icon's own address in the static files (hashed there when a deployment collects them)."""
    return redirect(static("cod_plugin/favicon.svg"), permanent=True)
