"""The public terms page a checkout links to."""

import pytest
from django.core.management import call_command

from tests.graphql.conftest import FIXTURES


@pytest.fixture
def demo(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_terms_page_in_the_asked_language_right_to_left_for_arabic(client, demo):
    page = client.get("/cod/terms/channel-ae/?lang=ar").content.decode()
    assert 'lang="ar" dir="rtl"' in page and "Version 1" in page
    english = client.get("/cod/terms/channel-ae/?lang=en").content.decode()
    assert 'dir="ltr"' in english and "penalty" in english.lower()


def test_terms_page_of_an_unknown_channel_is_404(client, demo):
    assert client.get("/cod/terms/nowhere/").status_code == 404
