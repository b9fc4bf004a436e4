"""Settings of the plugin, read lazily so that ``override_settings`` works; every name is prefixed ``COD_``."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .host import ProductFlag

# The product flags a store has unless it declares its own (``COD_PRODUCT_FLAGS``): code to label.
DEFAULT_PRODUCT_FLAGS = {
    ProductFlag.HIGH_VALUE: _("High value (luxury, high-end electronics)"),
    ProductFlag.PRE_ORDER: _("Pre-order"),
    ProductFlag.CUSTOMIZED: _("Customized"),
    ProductFlag.SPECIAL_CUSTOMS: _("Special customs (e.g. medical devices)"),
}
# A delivery method nobody declared does not collect cash, and its days are unknown (so no limit on days applies):
# offering COD on a method that cannot take the money would fail at the door.
DEFAULT_DELIVERY_FACTS = {"can_collect_cash": False, "estimated_days": None}

CELERY, INLINE = "celery", "inline"  # the values of COD_TASKS


class AppSettings:
    prefix = "COD_"

    def _setting(self, name, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def HOST_ADAPTER(self) -> str:
        """Dotted path of the store's ``HostAdapter`` class (required)."""
        return self._setting("HOST_ADAPTER", "")

    @property
    def TASKS(self) -> str:
        """How the plugin's tasks run: ``"celery"`` sends them to the store's Celery app (its workers run them);
        ``"inline"`` runs each in the web process once the transaction that asked for it commits, for stores
        without a worker (an error is logged, not shown to the customer; periodic sweeps then come from cron:
        ``manage.py cod_sweep``)."""
        return self._setting("TASKS", CELERY)

    @property
    def PRODUCT_FLAGS(self) -> dict:
        """The product flags the store's adapter puts on lines, in the order the admin lists them: code to label.
        A policy can exclude only these."""
        return dict(self._setting("PRODUCT_FLAGS", DEFAULT_PRODUCT_FLAGS))

    @property
    def DELIVERY_METHODS(self) -> dict[str, dict]:
        """What the store's delivery methods do, by method ref: ``{"can_collect_cash": bool, "estimated_days":
        int | None}``, for a store whose method snapshots leave them None (``host.delivery_facts``)."""
        return self._setting("DELIVERY_METHODS", {})

    @property
    def DELIVERY_DEFAULTS(self) -> dict:
        """The facts of a method neither its snapshot nor ``COD_DELIVERY_METHODS`` knows: by default it does not
        collect cash and its days are unknown."""
        return {**DEFAULT_DELIVERY_FACTS, **self._setting("DELIVERY_DEFAULTS", {})}

    @property
    def LIMIT_CURRENCY(self) -> str:
        """Currency that tier limits and the per-item price cap are stated in."""
        return self._setting("LIMIT_CURRENCY", "USD")

    @property
    def NEW_CUSTOMER_LIMIT(self) -> Decimal:
        """Default order limit of a new customer, in the limit currency, for new channel policies."""
        return Decimal(self._setting("NEW_CUSTOMER_LIMIT", "500"))

    @property
    def TRUSTED_CUSTOMER_LIMIT(self) -> Decimal:
        """Default order limit of a trusted customer, in the limit currency, for new channel policies."""
        return Decimal(self._setting("TRUSTED_CUSTOMER_LIMIT", "2000"))

    @property
    def TRUSTED_AFTER_COMPLETED_ORDERS(self) -> int:
        """A customer with more than this many completed COD orders and no violation is trusted."""
        return int(self._setting("TRUSTED_AFTER_COMPLETED_ORDERS", 5))

    @property
    def MAX_LINE_QUANTITY(self) -> int:
        """Largest quantity of one line that COD accepts; more is treated as a mistake or abuse."""
        return int(self._setting("MAX_LINE_QUANTITY", 999))

    @property
    def DEFAULT_LANGUAGE(self) -> str:
        """Language of the terms shown when the asked language has no translation."""
        return self._setting("DEFAULT_LANGUAGE", "en")

    @property
    def EXCHANGE_BACKEND(self) -> str | None:
        """Name of the django-money exchange backend to read rates from (None: django-money's default)."""
        return self._setting("EXCHANGE_BACKEND", None)

    @property
    def GRAPHQL_INTROSPECTION(self) -> bool:
        """Whether the schema answers introspection (``__schema``, ``__type``); by default only with ``DEBUG``."""
        return bool(self._setting("GRAPHQL_INTROSPECTION", settings.DEBUG))

    @property
    def GRAPHQL_MAX_DEPTH(self) -> int:
        """The deepest nesting of fields a GraphQL document may ask for."""
        return int(self._setting("GRAPHQL_MAX_DEPTH", 12))

    @property
    def GRAPHQL_MAX_ALIASES(self) -> int:
        """The most aliases one GraphQL document may use."""
        return int(self._setting("GRAPHQL_MAX_ALIASES", 20))

    @property
    def GRAPHQL_MAX_TOKENS(self) -> int:
        """The most tokens one GraphQL document may have (an image in a variable is not a token)."""
        return int(self._setting("GRAPHQL_MAX_TOKENS", 2000))

    @property
    def GRAPHQL_MAX_COST(self) -> int:
        """The most a GraphQL document may cost: one per field, times the page sizes (``first``) above it."""
        return int(self._setting("GRAPHQL_MAX_COST", 5000))

    @property
    def GRAPHQL_MAX_VARIABLE_DEPTH(self) -> int:
        """The deepest nesting of lists and objects in a request's variables."""
        return int(self._setting("GRAPHQL_MAX_VARIABLE_DEPTH", 10))

    @property
    def PUBLIC_BASE_URL(self) -> str:
        """Where customers reach the store: the confirmation links in messages start with it."""
        return self._setting("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

    @property
    def CONFIRMATION_LINK_HOURS(self) -> int:
        """How long a confirmation link works."""
        return int(self._setting("CONFIRMATION_LINK_HOURS", 48))

    @property
    def NOTIFICATION_BACKEND(self) -> str:
        """``console``, ``http`` or the dotted path of a backend class of your own."""
        return self._setting("NOTIFICATION_BACKEND", "console")

    @property
    def SMS_HTTP_URL(self) -> str:
        """The HTTP provider's endpoint (JSON POST), for the ``http`` backend."""
        return self._setting("SMS_HTTP_URL", "")

    @property
    def SMS_HTTP_TOKEN(self) -> str:
        """Bearer token for the HTTP provider."""
        return self._setting("SMS_HTTP_TOKEN", "")

    @property
    def SMS_HTTP_TIMEOUT(self) -> float:
        """Seconds to wait for the HTTP provider."""
        return float(self._setting("SMS_HTTP_TIMEOUT", 10))

    @property
    def SMS_SENDER_IDS(self) -> dict[str, str]:
        """Sender ID per country code, with a ``default`` entry."""
        return self._setting("SMS_SENDER_IDS", {})

    @property
    def STORE_NAME(self) -> str:
        """The store's name as confirmation agents say it on the phone ("this is Sami from ...")."""
        return self._setting("STORE_NAME", "")

    @property
    def WEBHOOK_TOLERANCE_SECONDS(self) -> int:
        """How old (or how far ahead) a courier webhook's timestamp may be."""
        return int(self._setting("WEBHOOK_TOLERANCE_SECONDS", 300))

    @property
    def WEBHOOK_RATE(self) -> str | None:
        """Most events one courier may send, as django-ratelimit reads it ("6000/m"); None for no limit."""
        return self._setting("WEBHOOK_RATE", "6000/m")

    @property
    def CONFIRM_LINK_RATE(self) -> str | None:
        """Most requests one client address may make to confirmation links ("30/m"); None for no limit."""
        return self._setting("CONFIRM_LINK_RATE", "30/m")

    @property
    def ALERT_REFUSAL_PERCENT(self) -> Decimal:
        """A region, postal area, product or courier whose week's refusal rate is above this (percent) raises an
        alert to the COD managers."""
        return Decimal(str(self._setting("ALERT_REFUSAL_PERCENT", "40")))

    @property
    def ALERT_MIN_ORDERS(self) -> int:
        """The fewest orders that reached the door in a week for its refusal rate to raise an alert."""
        return int(self._setting("ALERT_MIN_ORDERS", 20))


app_settings = AppSettings()
