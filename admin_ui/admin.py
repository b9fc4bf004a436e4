"""The COD store admin: each area registers its screens on the store's own ``admin.site``."""

from . import (  # noqa: F401  (importing registers)
    alerts,
    backtest,
    bulk,
    cash_exceptions,
    cash_remittances,
    couriers,
    customers,
    jobs,
    monitoring,
    orders,
    overview,
    queue,
    returns,
    settings,
)
