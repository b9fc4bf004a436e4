"""Every code an order's page can show has words: each timeline kind and reason the flows record, each status, the
tiers, and the languages by their own names."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from cod_plugin import labels
from cod_plugin.rules.lifecycle import Event, RefusalReason
from cod_plugin.rules.statuses import CodStatus
from cod_plugin.rules.tiers import Tier

FLOWS = Path(labels.__file__).parent / "flows"
RECORDED = re.compile(r'(?:record\(\s*order,|_timeline\(\s*order,|kind=)\s*"([a-z_]+)"')
REASONS = re.compile(r'reason="([a-z_]+)"')


def flows_source() -> str:
    return "\n".join(path.read_text() for path in FLOWS.glob("*.py"))


def test_every_kind_the_flows_record_has_words():
    kinds = set(RECORDED.findall(flows_source())) | {event.value for event in Event} | {"no_answer"}
    assert "placed" in kinds and "courier_assigned" in kinds
    missing = sorted(kind for kind in kinds if labels.event(kind) == kind)
    assert missing == []


def test_every_reason_code_the_flows_record_has_words():
    codes = set(REASONS.findall(flows_source())) | {reason.value for reason in RefusalReason}
    assert "channel_default" in codes
    assert sorted(code for code in codes if labels.reason(code) == code) == []


def test_free_text_reasons_and_unknown_codes_show_as_they_are():
    assert labels.reason("nobody at the address, phone off") == "nobody at the address, phone off"
    assert labels.event("something_new") == "something_new"
    assert labels.reason("out_for_delivery") == "Out for delivery"


@pytest.mark.parametrize("tier", list(Tier))
def test_every_tier_has_words_in_either_case(tier):
    assert labels.tier(tier.value) not in (tier.value, tier.value.upper())
    assert labels.tier(tier.value.upper()) == labels.tier(tier.value)


def test_languages_by_their_own_names_and_regions_by_country_name():
    assert (labels.language("en"), labels.language("ar"), labels.language("xx")) == ("English", "العربيّة", "xx")
    assert labels.region("KW", "Capital") == "Kuwait — Capital" and labels.region("US") == "United States"
    with translation.override("ar"):
        assert labels.region("KW", "Capital") == "الكويت — Capital"


def test_each_delivery_status_has_its_own_button_verb():
    assert labels.action(CodStatus.DELIVERY_FAILED) == "Delivery failed — set a new appointment"
    assert labels.action(CodStatus.OUT_FOR_DELIVERY) == "Mark out for delivery"
    assert len({labels.action(status) for status in labels.ACTIONS}) == len(labels.ACTIONS)
