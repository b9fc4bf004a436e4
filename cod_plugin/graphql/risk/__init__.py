"""The screening in the API: an order's risk for staff (``codOrder { risk }``), the deposit a checkout asks for
(``codEligibility { deposit }``) and, for managers, the score's backtest on finished orders (``codRiskBacktest``)."""
