"""The public pages: a channel's terms, the confirmation link's page; each in its reader's language, on a phone."""

import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from cod_plugin import formatting
from cod_plugin.flows import confirmation
from cod_plugin.models import CodTerms
from cod_plugin.views import TextBlock, sections
from tests.graphql.conftest import FIXTURES, api, demo  # noqa: F401  (the demo store and its API)
from tests.lifecycle.helpers import place

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


@pytest.fixture
def demo_terms(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_terms_page_in_arabic_speaks_arabic_throughout(demo_terms):
    # when the Arabic terms of the UAE channel are asked for
    html = page("/cod/terms/channel-ae/?lang=ar")
    # then the page, its title, its heading and its version line are Arabic, right to left
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>شروط الدفع عند الاستلام</title>" in html and "<h1>شروط الدفع عند الاستلام</h1>" in html
    published = formatting.date(datetime(2026, 11, 1, 9, tzinfo=UTC), "ar")
    assert f'الإصدار 1 · <time datetime="2026-11-01T09:00:00+00:00">{published}</time>' in html
    assert "Version" not in html and "Cash on Delivery terms" not in html


def test_terms_page_speaks_the_language_of_the_terms_it_falls_back_to(demo_terms):
    # given a channel with terms in English, Arabic, French and Indonesian, asked in German, and a browser asking
    # for Arabic
    html = Client().get("/cod/terms/channel-ae/?lang=de", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    # then it shows the English terms, and so speaks English, left to right
    assert '<html lang="en" dir="ltr">' in html and "<h1>Cash on Delivery terms</h1>" in html
    assert "Version 1 · <time" in html and "Nov 1, 2026" in html and "penalty" in html


def test_terms_page_without_lang_follows_the_browser(demo_terms):
    html = Client().get("/cod/terms/channel-ae/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "الإصدار 1" in html


def test_terms_page_shows_each_numbered_paragraph_as_its_own_item(demo_terms):
    html = page("/cod/terms/default-channel/?lang=en")
    items = re.findall(r'<li value="(\d+)">(.*?)</li>', html, re.DOTALL)
    assert [number for number, _text in items] == ["1", "2", "3", "4", "5", "6", "7"]
    assert items[0][1].startswith("Fee. COD orders carry a service fee of 3%")
    assert items[6][1].startswith("Refunds.")
    assert "<p>Cash on Delivery (COD) terms, version 1</p>" in html and "<br>" not in html


def test_terms_text_is_escaped_never_html(demo_terms):
    CodTerms.objects.filter(policy__channel="default-channel").update(
        text='Intro <b>bold</b>\n\n1. <script>alert("x")</script> & more\n<img src=x onerror=alert(1)>'
    )
    html = page("/cod/terms/default-channel/")
    assert "<script>alert" not in html and "<b>bold</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more<br>&lt;img src=x onerror=alert(1)&gt;" in html


def test_terms_page_reads_on_a_phone_with_nothing_from_another_host(demo_terms):
    html = page("/cod/terms/default-channel/")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<style>" in html and "max-width" in html and 'rel="stylesheet"' not in html
    assert '<link rel="icon" href="/static/cod_plugin/favicon.svg"' in html
    assert not EXTERNAL.search(html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title, a blank line, numbered items each on one line, an item running on to a second line
        (
            "Terms\n\n1. Fee.\n2. Where. Here\n   and there.\n\nSigned.",
            [
                (False, [TextBlock(("Terms",))]),
                (True, [TextBlock(("Fee.",), 1), TextBlock(("Where. Here", "and there."), 2)]),
                (False, [TextBlock(("Signed.",))]),
            ],
        ),
        # Windows line ends, a blank line holding spaces between items of one list, "3)" items, 999 but not 1000
        (
            "3) A\r\n  \r\n999. B\r\n1000. C",
            [(True, [TextBlock(("A",), 3), TextBlock(("B", "1000. C"), 999)])],
        ),
        # "1.5 kg" and "1." alone are words, not items
        ("1.5 kg at most\n1.", [(False, [TextBlock(("1.5 kg at most", "1."))])]),
        ("", []),
        ("\n\n\n", []),
    ],
)
def test_terms_text_parts_into_paragraphs_and_numbered_items(text, expected):
    assert sections(text) == expected


def test_terms_page_of_an_unknown_channel_is_404(demo_terms):
    assert Client().get("/cod/terms/nowhere/").status_code == 404


def test_terms_page_with_an_odd_language_is_no_error(demo_terms):
    for lang in ("x" * 500, "../..", "ar-", "-", "zz_ZZ", "%00"):
        response = Client().get("/cod/terms/channel-ae/", {"lang": lang})
        assert response.status_code == 200, lang


def test_confirmation_page_of_an_arabic_order_speaks_arabic_with_its_money(api):  # noqa: F811
    # given an order placed in Arabic on the UAE channel
    _, order = place(api, None, lines={"TSHIRT-001": 1}, channel="channel-ae")
    order.terms_language = "ar"
    order.save(update_fields=["terms_language"])
    token = re.search(r"/cod/confirm/([^/\s]+)/", confirmation.link(order)).group(1)
    # when the customer opens the link
    html = page(f"/cod/confirm/{token}/")
    # then the page is Arabic, right to left, its amounts as Arabic writes them, readable on a phone
    assert '<html lang="ar" dir="rtl">' in html and f"<h1>الطلب {order.order_number}</h1>" in html
    assert f"<dd>{formatting.money_of(order.amount_to_collect, 'ar')}</dd>" in html
    assert f"<dd>{formatting.money_of(order.fee, 'ar')}</dd>" in html and "AED" not in html
    assert "<style>" in html and '<link rel="icon" href="/static/cod_plugin/favicon.svg"' in html
    assert not EXTERNAL.search(html)


def test_admin_login_asks_for_the_email_in_the_readers_language(db):
    english = Client().get("/admin/login/").content.decode()
    assert '<label for="id_username" class="required">Email:</label>' in english and "Username" not in english
    arabic = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    with translation.override("ar"):
        label = translation.gettext("Email")
    assert label != "Email" and f'for="id_username" class="required">{label}:</label>' in arabic
    assert "Username" not in arabic


def test_a_wrong_sign_in_names_the_email_address_not_a_username(demo_terms):
    response = Client().post("/admin/login/", {"username": "admin@example.com", "password": "wrong", "next": "/admin/"})
    text = response.content.decode()
    assert "Please enter the correct email address and password for a staff account." in text
    assert "username" not in text.lower().replace('name="username"', "").replace('id="id_username"', "").replace(
        'for="id_username"', ""
    )


def test_home_page_says_what_the_store_is_and_links_the_api_the_admin_and_every_channels_terms(
    demo_terms, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        html = page("/")
    assert "<h1>Sandbox store</h1>" in html and "Cash on Delivery" in html
    assert 'href="/graphql/"' in html and 'href="/admin/"' in html
    for url in (
        "/cod/terms/default-channel/?lang=en",
        "/cod/terms/channel-ae/?lang=ar",
        "/cod/terms/channel-ae/?lang=en",
    ):
        assert f'href="{url}"' in html, url
        assert Client().get(url).status_code == 200, url
    assert '<link rel="icon" href="/static/cod_plugin/favicon.svg"' in html and not EXTERNAL.search(html)


def test_home_page_of_an_empty_store_says_so(db):
    assert "No channels yet" in page("/")


def test_admin_view_site_leads_to_the_home_page_and_every_admin_page_has_the_icon(db, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss@example.com", "boss@example.com", "x"))
    html = client.get("/admin/").content.decode()
    assert re.search(r'<a href="/">View site</a>', html)
    assert Client().get("/").status_code == 200
    for admin_page in (html, Client().get("/admin/login/").content.decode()):
        assert '<link rel="icon" href="/static/cod_plugin/favicon.svg" type="image/svg+xml">' in admin_page


def test_favicon_ico_leads_to_the_icon_in_the_static_files(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/cod_plugin/favicon.svg"
