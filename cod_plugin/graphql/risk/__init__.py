"""The risk API for managers: the backtest of the score on finished orders."""
