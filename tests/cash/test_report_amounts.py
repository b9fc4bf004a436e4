"""The report reader's shortcut for amounts in the plainest notation gives exactly what the rules give: the same
value with the same exponent, for every text it takes, in both decimal marks and for 0, 2 and 3 decimals."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cod_plugin.error_codes import CodError
from cod_plugin.flows.report_files import Report
from cod_plugin.models import CourierReportMapping
from cod_plugin.rules import reconciliation as rules

TEXTS = st.text(alphabet="0123456789.,- \u00a0", max_size=20) | st.from_regex(r"\d{1,14}([.,]\d{0,4})?", fullmatch=True)


def report(currency: str, mark: str) -> Report:
    mapping = CourierReportMapping(reference_column="AWB", collected_column="Amount", decimal_mark=mark)
    return Report(iter([["AWB", "Amount"]]), mapping, currency=currency, estimate=0)


@pytest.mark.parametrize("currency", ["JPY", "USD", "KWD"])
@pytest.mark.parametrize("mark", [".", ","])
@given(text=TEXTS)
def test_the_shortcut_agrees_with_the_rules(currency, mark, text):
    shortcut = report(currency, mark).plain_amount(text)
    if shortcut is None:
        return
    ruled = rules.parse_amount(text, field="Amount", currency=currency, decimal_mark=mark)
    assert (shortcut, shortcut.as_tuple().exponent) == (ruled, ruled.as_tuple().exponent)


def test_the_shortcut_leaves_other_notations_to_the_rules():
    reader = report("USD", ".")
    assert reader.plain_amount("1,234.50") is None and reader.plain_amount("-1") is None
    assert reader.plain_amount("1.001") is None and reader.plain_amount("1234567890123") is None
    assert reader.plain_amount(" 105 ") == Decimal("105.00")
    with pytest.raises(CodError):
        rules.parse_amount("1.001", field="Amount", currency="USD")
