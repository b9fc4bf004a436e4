"""The product flags a policy may exclude are the ones the store declares (``COD_PRODUCT_FLAGS``)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cod_plugin.error_codes import ReasonCode
from cod_plugin.models import CodPolicy
from tests.rules.builders import checkout, line
from tests.rules.builders import policy as rules_policy
from tests.rules.test_eligibility import decide

from .test_settings import EDITOR, edit, policy

FRAGILE = {"fragile": "Fragile"}


@pytest.fixture
def editor(demo, staff_client):
    return staff_client(*EDITOR)


@override_settings(COD_PRODUCT_FLAGS=FRAGILE)
def test_a_store_declaring_its_own_flag_can_exclude_it_in_the_admin(editor):
    page = editor.get(f"/admin/cod_plugin/codpolicy/{policy().pk}/change/")
    assert page.context["adminform"].form.fields["excluded_flags"].choices == [("fragile", "Fragile")]
    response = edit(editor, excluded_flags=["fragile"])
    assert response.status_code == 302
    assert policy().excluded_flags == ["fragile"]


@override_settings(COD_PRODUCT_FLAGS=FRAGILE)
def test_a_flag_the_store_does_not_declare_is_refused_with_the_flag_named(db):
    excluding = CodPolicy(channel="fragile-shop", currency="USD", excluded_flags=["fragile", "high_value"])
    with pytest.raises(ValidationError) as raised:
        excluding.clean()
    assert raised.value.message_dict == {
        "excluded_flags": ["Not a product flag of this store (COD_PRODUCT_FLAGS): high_value"]
    }
    CodPolicy(channel="fragile-shop", currency="USD", excluded_flags=["fragile"]).clean()


def test_the_default_flags_are_the_four_with_their_labels(editor):
    page = editor.get(f"/admin/cod_plugin/codpolicy/{policy().pk}/change/")
    choices = page.context["adminform"].form.fields["excluded_flags"].choices
    assert [(code, str(label)) for code, label in choices] == [
        ("high_value", "High value (luxury, high-end electronics)"),
        ("pre_order", "Pre-order"),
        ("customized", "Customized"),
        ("special_customs", "Special customs (e.g. medical devices)"),
    ]


def test_a_line_with_an_excluded_declared_flag_is_not_eligible():
    cart = checkout(line("VASE", flags=frozenset({"fragile"})))
    decision = decide(cart, rules_policy(excluded_flags=frozenset({"fragile"})))
    assert [reason.code for reason in decision.reasons] == [ReasonCode.EXCLUDED_PRODUCT]
