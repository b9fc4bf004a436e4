"""Settings of the sandbox store: SQLite and eager Celery by default, PostgreSQL and Redis from the environment."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from sandbox.secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DEBUG", "1").lower() in {"1", "true", "yes", "on"}

# From the environment; in development, generated on the first run into a file kept out of git (sandbox/secret_key.py).
SECRET_KEY = secret_key(
    debug=DEBUG,
    env=os.environ,
    key_file=Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "sandbox" / ".secret_key")),
)

ALLOWED_HOSTS = ["*"] if DEBUG else [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "djmoney",
    "djmoney.contrib.exchange",
    "cod_plugin",
    "admin_ui",
    "sandbox.store",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sandbox.store.auth.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The sandbox's own pages (its home page) and its admin's additions (the favicon on every admin page).
        "DIRS": [BASE_DIR / "sandbox" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'sandbox' / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many requests at once, as couriers' webhooks and customers' clicks come: WAL lets readers go on while one
    # writes; IMMEDIATE takes the write lock when a transaction starts, not halfway, where SQLite could only fail
    # it; and a writer waits up to 20 s for the lock instead of failing with "database is locked" at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL;",
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    # psycopg's own defaults, which Django turns off for PgBouncer in transaction mode (not used here): the values
    # sent apart from the SQL, and a query run five times on a connection prepared, so PostgreSQL parses and plans
    # it once. A courier event's queries cost PostgreSQL about 40% less CPU; DATABASE_PREPARED=0 turns it off.
    if os.environ.get("DATABASE_PREPARED", "1").lower() in {"1", "true", "yes", "on"}:
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sign-in: every path (the admin's login, the API's tokenCreate) goes through authenticate(), where the first
# backend refuses an over-long password unhashed and a locked-out account or address (django-axes) before the
# password is checked. Locked after 5 failures in a row, by account and by client address, for 15 minutes from the
# 5th; a successful sign-in forgives that account's failures from that address only (auth.clear_own_failures).
# No AxesMiddleware: it would answer the 5th failure itself with the lockout page; the admin's login form and
# tokenCreate say "locked" from the 6th attempt on.
AUTHENTICATION_BACKENDS = ["sandbox.store.auth.SignInBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "sandbox.store.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("fr", _("French")), ("id", _("Indonesian"))]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# Customers' uploads (payment vouchers, photos of returns); staff reach them only through the admin's own views.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "sandbox" / "media"))

# A return request may carry 5 photos of 2 MB, base64 in the GraphQL body (4/3 larger): Django's 2.5 MB default
# would refuse it before the plugin could say which photo is too large.
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    # No broker configured: run tasks in-process so the sandbox needs nothing but Python.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
else:
    # Results are what a caller (or a test) waits on with ``AsyncResult.get``.
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_BEAT_SCHEDULE = {
    "cod-refresh-exchange-rates": {"task": "cod_plugin.tasks.refresh_exchange_rates", "schedule": 3600},
    "cod-flag-overdue-confirmations": {"task": "cod_plugin.tasks.flag_overdue_confirmations", "schedule": 900},
    "cod-rescreen-unopened-links": {"task": "cod_plugin.tasks.rescreen_unopened_links", "schedule": 900},
    "cod-cancel-overdue-deliveries": {"task": "cod_plugin.tasks.cancel_overdue_deliveries", "schedule": 900},
    "cod-expire-deposits": {"task": "cod_plugin.tasks.expire_deposits", "schedule": 300},
    "cod-flag-unverified-claims": {"task": "cod_plugin.tasks.flag_unverified_claims", "schedule": 3600},
    "cod-end-suspensions": {"task": "cod_plugin.tasks.end_suspensions", "schedule": 3600},
    "cod-flag-overdue-refunds": {"task": "cod_plugin.tasks.flag_overdue_refunds", "schedule": 3600},
    "cod-send-pending-notifications": {"task": "cod_plugin.tasks.send_pending_notifications", "schedule": 300},
    # each morning: finance hears of couriers holding cash past their deadline
    "cod-alert-overdue-cash": {"task": "cod_plugin.tasks.alert_overdue_cash", "schedule": crontab(hour=7, minute=0)},
    # each morning: the managers hear of refusal rates above the threshold and of repeat refusers
    "cod-raise-risk-alerts": {"task": "cod_plugin.tasks.raise_risk_alerts", "schedule": crontab(hour=7, minute=15)},
}

# With Redis, one cache for the web processes and the workers: a worker's rate refresh must reach every process.
# Keep it in its own Redis database: clearing the cache must not empty the broker's queues.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sandbox"),
        }
    }

COD_HOST_ADAPTER = "sandbox.store.adapter.StoreAdapter"

# E-mail (the overdue cash alert to finance): printed to the console unless a real backend is named.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

EXCHANGE_BACKEND = os.environ.get("EXCHANGE_BACKEND", "sandbox.store.rates.FixtureRatesBackend")
OPEN_EXCHANGE_RATES_URL = os.environ.get("OPEN_EXCHANGE_RATES_URL", "https://openexchangerates.org/api/latest.json")
OPEN_EXCHANGE_RATES_APP_ID = os.environ.get("OPEN_EXCHANGE_RATES_APP_ID", "")
BASE_CURRENCY = "USD"

# Confirmation messages: "console" logs them (below); "http" posts them to COD_SMS_HTTP_URL.
COD_NOTIFICATION_BACKEND = os.environ.get("COD_NOTIFICATION_BACKEND", "console")
COD_SMS_HTTP_URL = os.environ.get("COD_SMS_HTTP_URL", "")
COD_SMS_HTTP_TOKEN = os.environ.get("COD_SMS_HTTP_TOKEN", "")
COD_SMS_SENDER_IDS = json.loads(os.environ.get("COD_SMS_SENDER_IDS", '{"default": "CODSHOP"}'))
# Where the customer's confirmation link points: this server as `make demo` runs it.
COD_PUBLIC_BASE_URL = os.environ.get("COD_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Rate limits of the plugin's public endpoints (django-ratelimit's rates), counted in the default cache.
COD_WEBHOOK_RATE = os.environ.get("COD_WEBHOOK_RATE", "6000/m")
COD_CONFIRM_LINK_RATE = os.environ.get("COD_CONFIRM_LINK_RATE", "30/m")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"cod_plugin.notifications": {"handlers": ["console"], "level": "INFO"}},
}
