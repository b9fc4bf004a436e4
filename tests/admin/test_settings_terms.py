"""Terms per language in the policy admin: a changed text publishes the next version, never overwrites one."""

import pytest

from cod_plugin.models import CodPolicy, CodTerms

from ..graphql.test_settings_and_profile import SETTINGS
from .html_forms import form_data
from .test_settings import CHANGE, EDITOR, policy

NEW_EN = "COD terms, second edition.\n\n1. Fee. 4% of the order amount."
# The languages channel-ae's demo terms are published in.
LANGUAGES = ("ar", "en", "fr", "id")


@pytest.fixture
def editor(demo, staff_client):
    return staff_client(*EDITOR)


def terms_page(client, channel="channel-ae") -> tuple[str, dict]:
    url = CHANGE.format(policy(channel).pk)
    return url, form_data(client.get(url).content.decode(), "codpolicy_form")


def index_of(data: dict, language: str) -> int:
    """The form number of ``language`` among the current version's terms."""
    total = int(data["terms-TOTAL_FORMS"][0])
    return next(i for i in range(total) if data[f"terms-{i}-language"] == [language])


def published(channel="channel-ae") -> list[tuple[int, str, str]]:
    rows = CodTerms.objects.filter(policy=policy(channel)).order_by("version", "language")
    return list(rows.values_list("version", "language", "text"))


def storefront_terms(api, language: str, channel="channel-ae") -> dict:
    return api(SETTINGS, {"c": channel, "l": language})["codSettings"]["terms"]


def test_a_changed_text_publishes_the_next_version_with_every_language(api, editor):
    # given channel-ae's terms, version 1 in Arabic, English, French and Indonesian
    before = published()
    assert [(version, language) for version, language, _ in before] == [(1, language) for language in LANGUAGES]
    texts = {language: text for _, language, text in before}
    # when the merchant rewrites the English text and saves (the browser sends CRLF line ends)
    url, data = terms_page(editor)
    data[f"terms-{index_of(data, 'en')}-text"] = [NEW_EN.replace("\n", "\r\n")]
    assert editor.post(url, data).status_code == 302
    # then version 1 is untouched and version 2 holds every language, the other texts carried over
    assert published() == [*before, *((2, language, {**texts, "en": NEW_EN}[language]) for language in LANGUAGES)]
    # and the storefront offers version 2, in each language
    assert storefront_terms(api, "en") == {"version": 2, "language": "en", "text": NEW_EN}
    for language in ("ar", "fr", "id"):
        assert storefront_terms(api, language) == {"version": 2, "language": language, "text": texts[language]}


def test_saving_unchanged_text_publishes_nothing(api, editor):
    before = published()
    # when the merchant saves the page as it is, with a changed fee and the terms as they were
    url, data = terms_page(editor)
    data["fee_percent"] = ["4"]
    assert editor.post(url, data).status_code == 302
    # then the fee changed and the terms did not
    assert policy("channel-ae").fee_percent == 4
    assert published() == before
    assert storefront_terms(api, "en")["version"] == 1


def test_a_new_language_publishes_the_next_version(api, editor):
    url, data = terms_page(editor, "default-channel")
    total = int(data["terms-TOTAL_FORMS"][0])
    data["terms-TOTAL_FORMS"] = [str(total + 1)]
    data.update({f"terms-{total}-language": ["es"], f"terms-{total}-text": ["Condiciones del pago contra reembolso."]})
    assert editor.post(url, data).status_code == 302
    assert [(v, lang) for v, lang, _ in published("default-channel")] == [
        *((1, language) for language in ("en", "fr", "id")),
        *((2, language) for language in ("en", "es", "fr", "id")),
    ]
    spanish = storefront_terms(api, "es", "default-channel")
    assert spanish == {"version": 2, "language": "es", "text": "Condiciones del pago contra reembolso."}


def test_removing_a_language_publishes_a_version_without_it(api, editor):
    url, data = terms_page(editor)
    data[f"terms-{index_of(data, 'ar')}-DELETE"] = ["on"]
    assert editor.post(url, data).status_code == 302
    assert [(v, lang) for v, lang, _ in published()] == [
        *((1, language) for language in LANGUAGES),
        *((2, language) for language in ("en", "fr", "id")),
    ]
    # the Arabic storefront falls back to the default language of the current version
    assert storefront_terms(api, "ar")["language"] == "en"


def test_the_same_language_twice_is_refused(editor):
    url, data = terms_page(editor)
    data[f"terms-{index_of(data, 'ar')}-language"] = ["en"]
    response = editor.post(url, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.non_form_errors() == ["Each language once: one text per language."]
    assert [v for v, _, _ in published()] == [1] * len(LANGUAGES)


def test_removing_every_language_is_refused(editor):
    url, data = terms_page(editor)
    for language in LANGUAGES:
        data[f"terms-{index_of(data, language)}-DELETE"] = ["on"]
    response = editor.post(url, data)
    assert response.context["inline_admin_formsets"][1].formset.non_form_errors() == [
        "Keep the terms in at least one language."
    ]


def test_published_versions_stay_visible_read_only(editor):
    # given a second version
    url, data = terms_page(editor)
    data[f"terms-{index_of(data, 'en')}-text"] = [NEW_EN]
    editor.post(url, data)
    # when the merchant opens the policy again
    url, data = terms_page(editor)
    html = editor.get(url).content.decode()
    # then only the current version is editable, and every version is listed in the history
    assert int(data["terms-TOTAL_FORMS"][0]) == len(LANGUAGES)
    texts = [data[f"terms-{i}-text"][0] for i in range(len(LANGUAGES))]
    assert [text.startswith("COD terms, second") for text in texts].count(True) == 1
    assert "published terms (history)" in html.lower()
    # (the history inline's prefix is "terms-2": its forms' fields are "terms-2-<n>-<field>")
    history = [key for key in data if key.startswith("terms-2-") and key.endswith("-text") and key.count("-") == 3]
    assert history == []
    assert int(data["terms-2-TOTAL_FORMS"][0]) == 2 * len(LANGUAGES)
    assert "Cash on Delivery (COD) terms, version 1" in html


def test_a_new_policy_publishes_its_first_version(api, demo, staff_client):
    # given a COD manager who may add policies, on the add page of a new channel's policy
    client = staff_client("cod_plugin.add_codpolicy", "cod_plugin.change_codpolicy", *EDITOR)
    CodPolicy.objects.filter(channel="channel-eg").delete()
    add = "/admin/cod_plugin/codpolicy/add/"
    data = form_data(client.get(add).content.decode(), "codpolicy_form")
    data.update({"channel": ["channel-eg"], "currency": ["EGP"], "enabled": ["on"]})
    data.update({"terms-TOTAL_FORMS": ["1"], "terms-0-language": ["en"], "terms-0-text": ["Terms for Egypt."]})
    # when it is saved with its terms in English
    response = client.post(add, data)
    # then the policy is there with version 1 of its terms
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert published("channel-eg") == [(1, "en", "Terms for Egypt.")]
    assert storefront_terms(api, "en", "channel-eg")["version"] == 1
