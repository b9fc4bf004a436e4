"""Publishing a channel's COD terms: a changed text never overwrites a version a shopper may have accepted.

A version is the whole set of languages published together (``policies.get_policy`` reads every language of the
highest version), so a change to one language publishes the next version with every language in it.
"""

from django.db import transaction
from django.db.models import Max

from ..models import CodPolicy, CodTerms


def normalised(text: str) -> str:
    """Browsers send a textarea's lines ending in CRLF: the same text must compare equal to the stored one."""
    return text.replace("\r\n", "\n").strip()


def current(policy_pk: int) -> tuple[int, dict[str, str]]:
    """The highest version (0 when none) and its text per language."""
    version = CodTerms.objects.filter(policy_id=policy_pk).aggregate(v=Max("version"))["v"] or 0
    rows = CodTerms.objects.filter(policy_id=policy_pk, version=version).values_list("language", "text")
    return version, dict(rows)


def _lock(policy_pk: int) -> None:
    """One publisher at a time per policy: the second waits and then sees the first one's version."""
    list(CodPolicy.objects.select_for_update().filter(pk=policy_pk).values_list("pk", flat=True))


def publish(policy_pk: int, texts: dict[str, str]) -> list[CodTerms]:
    """Make ``texts`` (language → text) the channel's terms: the next version, holding every language, when
    they differ from the current version's; nothing when they are the same. Returns the rows created."""
    texts = {language: normalised(text) for language, text in texts.items()}
    with transaction.atomic():
        _lock(policy_pk)
        version, published = current(policy_pk)
        if not texts or texts == {language: normalised(text) for language, text in published.items()}:
            return []
        return CodTerms.objects.bulk_create(
            CodTerms(policy_id=policy_pk, version=version + 1, language=language, text=text)
            for language, text in sorted(texts.items())
        )
