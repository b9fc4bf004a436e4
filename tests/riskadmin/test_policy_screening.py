"""The channel policy's Screening part: a weight per signal by its name (0 to 100, stored only where it differs
from the default), rising band thresholds, the actions, the deposit and the signals' limits."""

from decimal import Decimal

import pytest

from cod_plugin.flows.policies import risk_settings
from cod_plugin.models import CodPolicy
from tests.admin.test_settings import EDITOR, edit, field_errors, policy

CHANGE = "/admin/cod_plugin/codpolicy/{}/change/"


@pytest.fixture
def editor(demo, staff_client):
    return staff_client(*EDITOR)


def test_each_signal_has_a_weight_input_by_its_name_with_its_default(editor):
    html = editor.get(CHANGE.format(policy().pk)).content.decode()
    assert "Screening</h2>" in html
    assert '<label for="id_weight_phone_history">Earlier refusals with this phone:</label>' in html
    assert 'name="weight_phone_history" value="35" min="0" max="100"' in html
    assert html.count('name="weight_') == 16
    assert 'name="risk_high_from"' in html and 'name="deposit_percent"' in html and 'name="risk_action_high"' in html


@pytest.mark.parametrize(("weight", "stored"), [("0", 0), ("100", 100)])
def test_weights_0_and_100_are_kept_and_only_those_not_at_their_default(editor, weight, stored):
    response = edit(editor, weight_phone_history=weight, weight_duplicate_order="30")
    assert response.status_code == 302
    assert policy().risk_weights == {"phone_history": stored}  # duplicate_order's 30 is its default
    assert risk_settings(policy()).weight("phone_history") == stored


@pytest.mark.parametrize(
    ("weight", "error"),
    [
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("101", "Ensure this value is less than or equal to 100."),
    ],
)
def test_a_weight_one_past_the_range_is_refused_at_its_field(editor, weight, error):
    response = edit(editor, weight_new_account=weight)
    assert response.status_code == 200 and field_errors(response, "weight_new_account") == [error]
    assert policy().risk_weights == {}


def test_a_weight_set_back_to_its_default_is_no_longer_stored(editor):
    CodPolicy.objects.filter(channel="default-channel").update(risk_weights={"new_account": 50})
    html = editor.get(CHANGE.format(policy().pk)).content.decode()
    assert 'name="weight_new_account" value="50"' in html
    assert edit(editor, weight_new_account="5").status_code == 302 and policy().risk_weights == {}


@pytest.mark.parametrize(
    ("bands", "saved"),
    [
        (("24", "25", "26"), True),
        (("25", "25", "75"), False),
        (("25", "76", "75"), False),
        (("0", "1", "100"), True),
        (("0", "1", "101"), False),
    ],
)
def test_the_bands_must_rise_within_0_to_100(editor, bands, saved):
    medium, high, very_high = bands
    response = edit(editor, risk_medium_from=medium, risk_high_from=high, risk_very_high_from=very_high)
    assert (response.status_code == 302) is saved
    if not saved and very_high != "101":
        assert field_errors(response, "risk_high_from") == [
            "The bands must rise: medium below high, high below very high."
        ]


def test_the_actions_deposit_and_limits_reach_the_screening_settings(editor):
    response = edit(
        editor,
        risk_action_medium="deposit",
        deposit_percent="100",
        deposit_hours="720",
        risk_velocity_per_day="5",
        risk_region_refusal_percent="45",
    )
    assert response.status_code == 302
    settings = risk_settings(policy())
    assert settings.actions["medium"] == "deposit" and settings.deposit_hours == 720
    assert settings.velocity_per_day == 5 and str(settings.region_refusal_percent) == "45.00"


@pytest.mark.parametrize(
    ("field", "value"), [("deposit_percent", "100.01"), ("deposit_hours", "721"), ("deposit_hours", "0")]
)
def test_deposit_settings_one_past_their_range_are_refused(editor, field, value):
    response = edit(editor, **{field: value})
    assert response.status_code == 200 and field_errors(response, field)


def test_a_reader_sees_the_weights_without_inputs(demo, staff_client):
    CodPolicy.objects.filter(channel="default-channel").update(risk_weights={"new_account": 50})
    reader = staff_client("cod_plugin.view_codpolicy")
    html = reader.get(CHANGE.format(policy().pk)).content.decode()
    assert 'name="weight_new_account"' not in html
    assert "Account opened today" in html and '<div class="readonly">50</div>' in html


@pytest.mark.parametrize(
    ("field", "edge", "past"),
    [
        ("deposit_hours", "1", "0"),
        ("deposit_percent", "0", "-0.01"),
        ("risk_velocity_per_day", "1", "0"),
        ("risk_velocity_per_day", "1000", "1001"),
        ("risk_duplicate_hours", "1", "0"),
        ("risk_duplicate_hours", "720", "721"),
        ("risk_region_min_orders", "1", "0"),
        ("risk_region_min_orders", "100000", "100001"),
        ("risk_region_refusal_percent", "100", "100.01"),
        ("risk_region_refusal_percent", "0", "-0.01"),
    ],
)
def test_each_screening_limit_is_kept_at_its_edge_and_refused_one_past(editor, field, edge, past):
    assert edit(editor, **{field: edge}).status_code == 302
    refused = edit(editor, **{field: past})
    assert refused.status_code == 200 and field_errors(refused, field)
    assert Decimal(getattr(policy(), field)) == Decimal(edge)  # the edge was kept, the one past left it
