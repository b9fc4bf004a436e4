"""Settings of the oscar shop: django-oscar 4.2 as oscar's "Building your own shop" sets it up, with the COD plugin.

SQLite in this folder and eager Celery by default; PostgreSQL (``DATABASE_URL``) and Redis (``CACHE_URL``,
``CELERY_BROKER_URL``) from the environment, as the sandbox reads them.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (oscar's settings, overridden below)

from cod_plugin.contrib.oscar.dashboard import with_cod_menu

BASE_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("DEBUG", "1").lower() in {"1", "true", "yes", "on"}
SECRET_KEY = os.environ.get("SECRET_KEY") or ("oscar-shop-development-only" if DEBUG else "")
ALLOWED_HOSTS = ["*"] if DEBUG else [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    # Before oscar: its templates (the COD payment step, preview and account order page) come first.
    "cod_plugin.contrib.oscar",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    # Oscar's checkout with Cash on Delivery, in place of "oscar.apps.checkout.apps.CheckoutConfig".
    "cod_plugin.contrib.oscar.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "djmoney",
    "djmoney.contrib.exchange",
    "cod_plugin",
    "admin_ui",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "sandbox.oscar_shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Oscar's checkout expects each request in one transaction (its docs' setting).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "oscar-shop"),
        }
    }

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("fr", _("French")), ("id", _("Indonesian"))]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Return photos come base64 in the GraphQL body (5 photos of 2 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024

# Oscar: one currency, guests may check out, and the order statuses the COD lifecycle moves through.
OSCAR_SHOP_NAME = "COD Oscar Shop"
# Oscar's order emails go to the console unless a real backend is named (no mail server here).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
OSCAR_DEFAULT_CURRENCY = "USD"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Cancelled"),
    "Being processed": ("Shipped", "Cancelled"),
    "Shipped": ("Delivered", "Cancelled"),
    "Delivered": ("Complete", "Cancelled"),
    "Complete": (),
    "Cancelled": (),
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = {status: status for status in OSCAR_ORDER_STATUS_PIPELINE}

# Oscar has no Celery worker: the plugin's tasks run in the web process once each transaction commits, and its
# periodic sweeps come from cron (`manage.py cod_sweep`). COD_TASKS=celery with CELERY_BROKER_URL uses a worker.
COD_TASKS = os.environ.get("COD_TASKS", "inline")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")

# The COD plugin: this shop's adapter, and what oscar has no field for.
COD_HOST_ADAPTER = "cod_plugin.contrib.oscar.adapter.OscarAdapter"
COD_OSCAR_CHANNEL = "default"
COD_STORE_NAME = OSCAR_SHOP_NAME
# Oscar's shipping methods carry no "collects cash" or delivery estimate: they come from here, by method code.
COD_DELIVERY_METHODS = {
    "free-shipping": {"can_collect_cash": True, "estimated_days": 3},
    "standard": {"can_collect_cash": True, "estimated_days": 3},
    "express": {"can_collect_cash": True, "estimated_days": 1},
    "locker": {"can_collect_cash": False, "estimated_days": 2},
}
# One currency, the limits' own: no exchange rate is needed.
BASE_CURRENCY = "USD"
COD_LIMIT_CURRENCY = "USD"
COD_NOTIFICATION_BACKEND = os.environ.get("COD_NOTIFICATION_BACKEND", "console")
COD_PUBLIC_BASE_URL = os.environ.get("COD_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The dashboard's "Cash on delivery" menu: links into the COD screens of the admin.
OSCAR_DASHBOARD_NAVIGATION = with_cod_menu(OSCAR_DASHBOARD_NAVIGATION)  # noqa: F405
