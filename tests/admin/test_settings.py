"""COD settings per channel in the admin: the whole policy validated, with each error shown at its field."""

import pytest
from django.test import Client

from cod_plugin.models import CodPolicy

from .html_forms import form_data

CHANGE = "/admin/cod_plugin/codpolicy/{}/change/"
EDITOR = ("cod_plugin.view_codpolicy", "cod_plugin.change_codpolicy", "cod_plugin.manage_cod_settings")


def policy(channel="default-channel") -> CodPolicy:
    return CodPolicy.objects.get(channel=channel)


def edit(client: Client, channel="default-channel", **changes):
    """Open the channel's policy page, change the named fields as a merchant would, and save."""
    url = CHANGE.format(policy(channel).pk)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "codpolicy_form")
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(url, data)


def field_errors(response, field: str) -> list[str]:
    return response.context["adminform"].form.errors.get(field, [])


@pytest.fixture
def editor(demo, staff_client):
    return staff_client(*EDITOR)


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"fee_percent": "100.01"}, "fee_percent", "The fee is a percentage between 0 and 100."),
        ({"fee_percent": "-1"}, "fee_percent", "The fee is a percentage between 0 and 100."),
        ({"fee_fixed": "-0.50"}, "fee_fixed", "Amounts cannot be negative."),
        ({"fee_minimum": "-1"}, "fee_minimum", "Amounts cannot be negative."),
        ({"fee_maximum": "-1"}, "fee_maximum", "Amounts cannot be negative."),
        ({"fee_waiver_above": "-1"}, "fee_waiver_above", "Amounts cannot be negative."),
        (
            {"fee_minimum": "10", "fee_maximum": "5"},
            "fee_minimum",
            "The minimum fee must not exceed the maximum fee.",
        ),
        (
            {"new_customer_limit": "2500", "trusted_customer_limit": "2000"},
            "new_customer_limit",
            "The new customer limit must not exceed the trusted customer limit.",
        ),
        ({"new_customer_limit": "0"}, "new_customer_limit", "A limit must be more than zero."),
        ({"trusted_customer_limit": "-5"}, "trusted_customer_limit", "A limit must be more than zero."),
        ({"currency": "XYZ"}, "currency", "“XYZ” is not an ISO 4217 currency code in use."),
        ({"limit_currency": "DEM"}, "limit_currency", "“DEM” is not an ISO 4217 currency code in use."),
        ({"holiday_country": "QQ"}, "holiday_country", "No public holiday calendar is known for “QQ”."),
        ({"max_reschedules": "11"}, "max_reschedules", "Enter a whole number from 0 to 10."),
        ({"max_confirmation_attempts": "0"}, "max_confirmation_attempts", "Enter a whole number from 1 to 20."),
        ({"strikes_to_suspend": "0"}, "strikes_to_suspend", "Enter a whole number from 1 to 20."),
        ({"refund_business_days": "45"}, "refund_business_days", "Enter a whole number from 1 to 30."),
        ({"appointment_max_days": "366"}, "appointment_max_days", "Enter a whole number from 1 to 365."),
        ({"appointment_max_days": "0"}, "appointment_max_days", "Enter a whole number from 1 to 365."),
        ({"appointment_max_hours": "73"}, "appointment_max_hours", "Enter a whole number from 1 to 72."),
    ],
)
def test_each_rule_refuses_the_policy_with_its_error_at_the_field(editor, changes, field, error):
    # given the default channel's policy as stored
    before = CodPolicy.objects.filter(pk=policy().pk).values().get()
    # when the merchant saves it with one rule broken
    response = edit(editor, **changes)
    # then the page comes back with the error at the field, and nothing is saved
    assert response.status_code == 200
    assert field_errors(response, field) == [error]
    assert error in response.content.decode()
    assert CodPolicy.objects.filter(pk=policy().pk).values().get() == before


def test_several_broken_rules_are_all_shown_at_once(editor):
    response = edit(editor, fee_percent="150", fee_fixed="-1", currency="ZZZ", max_reschedules="99")
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"fee_percent", "fee_fixed", "currency", "max_reschedules"}


def test_a_valid_policy_is_saved_with_codes_in_capitals(editor):
    # when the merchant sets fees, limits, products and the holiday country
    response = edit(
        editor,
        fee_percent="4.5",
        fee_minimum="1",
        fee_maximum="30",
        new_customer_limit="400",
        currency="usd",
        holiday_country="ae",
        excluded_flags=["pre_order", "special_customs"],
        excluded_categories="gift-cards, vouchers",
        max_reschedules="3",
        appointment_max_days="365",
        appointment_max_hours="72",
    )
    # then it is saved as typed, codes upper-cased, lists as lists
    assert response.status_code == 302
    saved = policy()
    assert (saved.fee_percent, saved.fee_minimum, saved.fee_maximum) == (4.5, 1, 30)
    assert (saved.currency, saved.holiday_country, saved.new_customer_limit) == ("USD", "AE", 400)
    assert saved.excluded_flags == ["pre_order", "special_customs"]
    assert saved.excluded_categories == ["gift-cards", "vouchers"]
    assert saved.max_reschedules == 3
    assert (saved.appointment_max_days, saved.appointment_max_hours) == (365, 72)


def test_the_policy_page_is_grouped_in_fieldsets(editor):
    html = editor.get(CHANGE.format(policy().pk)).content.decode()
    titles = ("Fees", "Limits", "Products", "Confirmation", "Delivery", "Returns &amp; refunds", "Messages")
    for number, title in enumerate(titles, start=1):
        assert f'<h2 id="fieldset-0-{number}-heading" class="fieldset-heading">{title}</h2>' in html


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"regions-0-fee_percent": "120"}, "fee_percent", "The fee is a percentage between 0 and 100."),
        ({"regions-0-fee_fixed": "-2"}, "fee_fixed", "Amounts cannot be negative."),
        ({"regions-0-order_cap": "0"}, "order_cap", "A cap must be more than zero."),
        ({"regions-0-country": "XX"}, "country", "“XX” is not an ISO 3166 country code."),
    ],
)
def test_region_overrides_are_validated_too(editor, changes, field, error):
    response = edit(editor, **changes)
    assert response.status_code == 200
    regions = response.context["inline_admin_formsets"][0].formset
    assert regions.errors[0][field] == [error]
    assert error in response.content.decode()


def test_a_region_is_saved_with_its_lists(editor):
    response = edit(
        editor,
        **{
            "regions-0-country": "us",
            "regions-0-postal_code_patterns": "10*, 11*",
            "regions-0-collection_methods": ["cash", "card"],
        },
    )
    assert response.status_code == 302
    region = policy().regions.order_by("pk").first()
    assert (region.country, region.postal_code_patterns, region.collection_methods) == (
        "US",
        ["10*", "11*"],
        ["cash", "card"],
    )
