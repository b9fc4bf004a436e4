"""The call script's questions: one per signal, each once, in the admin's language."""

from cod_plugin.rules.risk import SignalCode
from cod_plugin.rules.risk_questions import QUESTIONS, questions


def test_every_signal_raises_a_question():
    assert set(QUESTIONS) == set(SignalCode)


def test_the_address_question_names_the_landmark_and_the_earlier_refusals():
    [asked] = questions([SignalCode.ADDRESS_HISTORY])
    assert asked == "Confirm the full delivery address and a landmark: this address refused earlier orders."


def test_questions_come_in_the_signals_order_each_once():
    asked = questions(["duplicate_order", "phone_country", "duplicate_order"])
    assert asked == ["Ask whether the customer placed the order twice.", QUESTIONS[SignalCode.PHONE_COUNTRY]]
    assert "local number" in asked[1]
    assert questions([]) == []
