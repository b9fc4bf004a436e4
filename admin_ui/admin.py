"""The COD store admin: each area registers its screens on the store's own ``admin.site``."""

from . import bulk, couriers, customers, jobs, orders, overview, queue, returns, settings  # noqa: F401  (importing registers)
