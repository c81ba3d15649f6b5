"""The CRM's settings: one module, driven by CRM_* environment variables.

The defaults give the embedded setup (SQLite in ./var/, no other server). Production sets
CRM_DATABASE_URL (PostgreSQL), CRM_REDIS_URL (Celery broker and cache), CRM_SECRET_KEY,
CRM_ALLOWED_HOSTS and CRM_HTTPS=1. See README.md for the list.
"""

import sys
from pathlib import Path

import dj_database_url

from crm.settings.env import env_bool, env_int, env_list, env_str, persistent_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("CRM_DATA_DIR", "var")).resolve()

SECRET_KEY = persistent_secret_key(DATA_DIR)
DEBUG = env_bool("CRM_DEBUG", False)
ALLOWED_HOSTS = env_list("CRM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CRM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "crm.core",
    "crm.identity",
    "crm.access",
    "crm.audit",
    "crm.dictionary",
    "crm.jobs",
    "crm.notifications",
    "crm.workcalendar",
    "crm.approvals",
    "crm.charts",
    "crm.customers",
    "crm.competitors",
    "crm.knowledge",
    "crm.opportunities",
    "crm.orders",
    "crm.churn",
    "crm.leads",
    "crm.sales",
    "crm.service",
    "crm.portal",
    "crm.reports",
    "crm.salesadmin",
    "crm.bulletin",
    "crm.imports",
    "crm.console",
]

MIDDLEWARE = [
    "crm.core.middleware.ForwardedMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crm.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.core.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.core.middleware.RequestContextMiddleware",
    "crm.core.middleware.LoginRequiredMiddleware",
    "crm.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.console.context_processors.shell",
                "crm.bulletin.context_processors.banner",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
    ),
}
SQLITE_ENGINE = "crm.core.sqlite"
_database_url = env_str("CRM_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "crm.sqlite3"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "crm.core.postgresql"  # Django's, reading times with psycopg's C loader
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE  # Django's, safe from 64-bit overflows
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are PostgreSQL's; on SQLite the same index simply has no extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Redis, cache, jobs -------------------------------------------------------------------------
REDIS_URL = env_str("CRM_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Embedded setup: no broker, jobs run in a thread of the web process (crm.jobs.runner).
CRM_JOBS_BACKEND = "celery" if REDIS_URL else "thread"
CRM_JOBS_SCHEDULER = env_bool("CRM_JOBS_SCHEDULER", not REDIS_URL)

# --- Authentication and security -----------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "identity:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "crm.identity.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after this much inactivity (seconds); a request renews them, at most once a minute
# (crm.core.middleware.SessionRenewalMiddleware). With Redis, sessions are read from the cache.
SESSION_COOKIE_AGE = env_int("CRM_SESSION_IDLE_SECONDS", 2 * 60 * 60)
CRM_SESSION_RENEW_SECONDS = env_int("CRM_SESSION_RENEW_SECONDS", 60)
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
# Failed logins: after this many for one username or one address, wait this long.
CRM_LOGIN_MAX_FAILURES = env_int("CRM_LOGIN_MAX_FAILURES", 5)
CRM_LOGIN_LOCKOUT_SECONDS = env_int("CRM_LOGIN_LOCKOUT_SECONDS", 15 * 60)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Proxies whose X-Forwarded-For / X-Forwarded-Proto count (addresses or networks); from anyone
# else these headers are dropped (crm.core.middleware.ForwardedMiddleware).
CRM_TRUSTED_PROXIES = env_list("CRM_TRUSTED_PROXIES")
HTTPS = env_bool("CRM_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("CRM_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("CRM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("CRM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
FORMAT_MODULE_PATH = ["crm.core.formats"]

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected static files belong to the installed code, not to the data: they live in the Python
# environment (.venv/share/crm/static) and `crm serve` collects them when they are missing or
# older than their sources (ADR 0016).
STATIC_ROOT = Path(env_str("CRM_STATIC_ROOT", str(Path(sys.prefix) / "share" / "crm" / "static"))).resolve()
MEDIA_ROOT = Path(env_str("CRM_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
# Uploaded files are never served from a public URL: downloads go through views that check
# permissions (see crm.core.files), so MEDIA_URL is deliberately not routed.
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CRM_DUPLICATE_CHECK_RATE = env_str("CRM_DUPLICATE_CHECK_RATE", "60/min")  # live checks per user
CRM_UPLOAD_MAX_BYTES = env_int("CRM_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# --- E-mail ------------------------------------------------------------------------------------------
EMAIL_HOST = env_str("CRM_EMAIL_HOST")
EMAIL_PORT = env_int("CRM_EMAIL_PORT", 465)
EMAIL_HOST_USER = env_str("CRM_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("CRM_EMAIL_PASSWORD")
EMAIL_USE_SSL = env_bool("CRM_EMAIL_SSL", EMAIL_PORT == 465)
EMAIL_USE_TLS = env_bool("CRM_EMAIL_TLS", EMAIL_PORT == 587)
DEFAULT_FROM_EMAIL = env_str("CRM_EMAIL_FROM", "crm@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.locmem.EmailBackend"
)
CRM_EMAIL_ENABLED = bool(EMAIL_HOST)

# --- REST API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials then gets 401 (with WWW-Authenticate), not 403.
        "crm.identity.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every viewset asks the engine for the function of its `resource` (crm.access.drf).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "crm.access.drf.FunctionPermission"],
    # JSON bounded in depth (crm.core.api.parsers); forms and files as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "crm.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "crm.core.api.pagination.ListPagination",  # one list shape: count_capped too
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "crm.access.drf.SearchFilter",
        "crm.access.drf.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "crm.core.api.idempotency.AutoSchema",
    "EXCEPTION_HANDLER": "crm.core.api.errors.exception_handler",
    "NUM_PROXIES": 0,  # REMOTE_ADDR is already the client's (ForwardedMiddleware)
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("CRM_TOKEN_THROTTLE", "10/min"),
        "duplicate_check": CRM_DUPLICATE_CHECK_RATE,
    },
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "%Y-%m-%d",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": "REST API of the CRM. Conventions: docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UserStatusEnum": "crm.identity.models.UserStatus",
        "OpportunityLevelEnum": "crm.opportunities.models.Level",
        "ApprovalStatusEnum": "crm.approvals.models.ApprovalStatus",
        "ApprovalTaskStateEnum": "crm.approvals.models.TaskState",
        "ApprovalLogActionEnum": "crm.approvals.models.LogAction",
        "InvoiceKindEnum": "crm.sales.models.InvoiceKind",
        "InvoiceStatusEnum": "crm.sales.models.InvoiceStatus",
        "ReceiptStatusEnum": "crm.sales.models.ReceiptStatus",
        "PaymentMethodEnum": "crm.sales.models.PaymentMethod",
        "TaxRateEnum": "crm.sales.models.TAX_RATES",
        "WorkReportKindEnum": "crm.salesadmin.models.ReportKind",
        "CommissionMonthStatusEnum": "crm.salesadmin.commission_models.MonthStatus",
        "CommissionLineKindEnum": "crm.salesadmin.commission_models.LineKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CRM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Churn warnings (s003/5 §3.2.2, crm.churn.scan): a customer whose last shipped or paid order is
# more than CHURN_MONTHS calendar months old is warned; the scan runs on CHURN_SCHEDULE (cron's
# five fields "minute hour day-of-month month day-of-week": Saturdays at 02:00 by default).
CHURN_MONTHS = env_int("CRM_CHURN_MONTHS", 6)
CHURN_SCHEDULE = env_str("CRM_CHURN_SCHEDULE", "0 2 * * 6")
# Customer value (SEG-4, crm.churn.value): the horizon of the expected orders and spend.
CHURN_VALUE_HORIZON_DAYS = env_int("CRM_CHURN_VALUE_HORIZON_DAYS", 180)
