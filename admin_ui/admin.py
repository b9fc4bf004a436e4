"""The COD store admin: each area registers its screens on the store's own ``admin.site``."""

from . import (  # noqa: F401  (importing registers)
    backtest,
    bulk,
    cash_exceptions,
    cash_remittances,
    couriers,
    customers,
    jobs,
    orders,
    overview,
    queue,
    returns,
    settings,
)
