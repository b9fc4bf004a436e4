"""Settings of the oscar integration, read lazily (``override_settings`` works); every name is prefixed ``COD_OSCAR_``.

``COD_OSCAR_CHANNEL`` (default ``"default"``)
    The plugin's channel of every oscar basket and order: oscar has no channels, so one COD policy serves the shop.
``COD_OSCAR_STATUSES`` (merged over the defaults below)
    The oscar order status each COD event moves the order to. The defaults fit this pipeline, which the shop declares
    in ``OSCAR_ORDER_STATUS_PIPELINE``: Pending → Being processed → Shipped → Delivered → Complete, and Cancelled
    from any of them. A move the shop's pipeline does not list is made anyway (forced, with an ``OrderStatusChange``):
    the COD lifecycle has already happened. An empty status leaves the order's status as it is for that event.
``COD_OSCAR_FLAG_ATTRIBUTES`` (merged over ``cod_<flag>`` for each of ``COD_PRODUCT_FLAGS``)
    The boolean product attribute (by code) that sets each COD product flag: a product whose attribute
    ``cod_high_value`` is true has the flag ``high_value``. A child product inherits its parent's values unless it
    has its own.

Categories are known to the plugin by their **slug** (the category's own, not its path): the policy's excluded
categories list slugs. A product's categories are its own, or its parent's for a child product.
"""

from django.conf import settings

from ...host import ProductFlag

DEFAULT_STATUSES = {
    "placed": "Pending",
    "confirmed": "Being processed",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "paid": "Complete",
    "cancelled": "Cancelled",
}


def product_flags() -> tuple[str, ...]:
    """The plugin's declared product flags (``COD_PRODUCT_FLAGS``), else its four defaults."""
    from ...conf import app_settings

    return tuple(getattr(app_settings, "PRODUCT_FLAGS", None) or ProductFlag.ALL)


class OscarSettings:
    prefix = "COD_OSCAR_"

    def _setting(self, name, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def CHANNEL(self) -> str:
        """The plugin's channel of the whole shop."""
        return self._setting("CHANNEL", "default")

    @property
    def STATUSES(self) -> dict[str, str]:
        """COD event (placed, confirmed, shipped, delivered, paid, cancelled) to oscar order status."""
        return {**DEFAULT_STATUSES, **self._setting("STATUSES", {})}

    @property
    def FLAG_ATTRIBUTES(self) -> dict[str, str]:
        """COD product flag to the code of the boolean oscar product attribute that sets it."""
        defaults = {flag: f"cod_{flag}" for flag in product_flags()}
        return {**defaults, **self._setting("FLAG_ATTRIBUTES", {})}


oscar_settings = OscarSettings()
