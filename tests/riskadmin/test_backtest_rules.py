"""The backtest's arithmetic: refusal rates per band and per signal, and what each threshold would have refused."""

from decimal import Decimal

from cod_plugin.rules.backtest import THRESHOLDS, Finished, Rate, backtest
from cod_plugin.rules.risk import Band, SignalCode


def row(score, band, *codes, refused=False):
    return Finished(score=score, band=band, codes=tuple(codes), refused=refused)


ORDERS = [
    row(10, "low"),
    row(10, "low"),
    row(20, "low", SignalCode.NEW_ACCOUNT, refused=True),
    row(30, "medium", SignalCode.PHONE_COUNTRY),
    row(55, "high", SignalCode.PHONE_HISTORY, SignalCode.DUPLICATE_ORDER, refused=True),
    row(80, "very_high", SignalCode.PHONE_HISTORY, SignalCode.ADDRESS_HISTORY, refused=True),
    row(None, "", refused=True),  # never screened
]


def test_each_band_has_its_orders_and_refusal_rate_and_an_empty_band_no_rate():
    result = backtest(ORDERS)
    rates = dict(result.bands)
    assert list(rates) == [Band.LOW, Band.MEDIUM, Band.HIGH, Band.VERY_HIGH]
    assert rates[Band.LOW] == Rate(orders=3, refused=1) and rates[Band.LOW].percent == Decimal("33.3")
    assert rates[Band.MEDIUM].percent == Decimal("0.0") and rates[Band.HIGH].percent == Decimal("100.0")
    assert backtest([row(10, "low")]).bands[3] == (Band.VERY_HIGH, Rate(0, 0))
    assert Rate(0, 0).percent is None


def test_unscreened_orders_are_counted_apart_and_left_out_of_the_rates():
    result = backtest(ORDERS)
    assert (result.orders, result.unscreened) == (7, 1)
    assert result.overall == Rate(orders=6, refused=3)


def test_signals_rate_the_orders_they_fired_on_most_refused_first():
    result = dict(backtest(ORDERS).signals)
    assert result[SignalCode.PHONE_HISTORY] == Rate(orders=2, refused=2)
    assert result[SignalCode.PHONE_COUNTRY] == Rate(orders=1, refused=0)
    assert SignalCode.UNREACHABLE not in result  # fired on no order
    order = [code for code, _rate in backtest(ORDERS).signals]
    assert (
        order.index(SignalCode.PHONE_HISTORY)
        < order.index(SignalCode.NEW_ACCOUNT)
        < order.index(SignalCode.PHONE_COUNTRY)
    )


def test_thresholds_run_from_0_to_100_in_steps_of_5():
    assert THRESHOLDS == tuple(range(0, 101, 5)) and len(backtest([]).thresholds) == 21


def test_a_threshold_counts_the_orders_at_its_score_and_not_one_below():
    # given orders scored exactly 55 (refused) and 54 (delivered)
    result = backtest([row(55, "high", refused=True), row(54, "high"), row(100, "very_high")])
    by_score = {threshold.score: threshold for threshold in result.thresholds}
    # then from 55 up: the 55 and the 100; from 50: all three, one of them a sale lost more
    assert (by_score[55].orders, by_score[55].refused, by_score[55].delivered) == (2, 1, 1)
    assert (by_score[50].orders, by_score[50].refused, by_score[50].delivered) == (3, 1, 2)
    assert (by_score[100].orders, by_score[100].delivered) == (1, 1)
    assert by_score[0].orders == 3


def test_nothing_finished_gives_empty_tables_not_errors():
    result = backtest([])
    assert result.overall.percent is None and result.signals == () and all(t.orders == 0 for t in result.thresholds)
