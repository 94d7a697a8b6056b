"""Settings, read from the environment (django-environ).

The embedded default (no variables set) is for `make run` on a laptop: SQLite in var/ and kombu's
filesystem broker in var/. With DATABASE_URL and CELERY_BROKER_URL set the same code runs on
PostgreSQL and Redis. With DEBUG off, SECRET_KEY and PII_KEY have no default.
"""
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
DEBUG = env.bool("DEBUG", default=True)


def _local_secret(name: str) -> str:
    """A secret generated once into var/ — only for the embedded default, never in production."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret("secret.key")
    PII_KEY = env.str("PII_KEY", default="") or _local_secret("pii.key")
else:
    SECRET_KEY = env.str("SECRET_KEY")
    PII_KEY = env.str("PII_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The domain apps, in the order their dependencies point (README, Architecture): the one list of them.
# The core finds each app's urls, API, demo data and schema names through it, never by naming an app.
DOMAIN_APPS = ["centers", "grids", "credit", "services", "deliberation", "outreach", "departments", "accounts"]

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "governance",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # every answer below static files carries the policy (CONTENT_SECURITY_POLICY below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "governance.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SignInPolicyMiddleware",  # idle timeout, second factor, password expiry (issue #18)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "governance.middleware.NotFoundPageMiddleware",
    "governance.middleware.MustChangePasswordMiddleware",  # a password set for the user is changed first (issue #18)
    "governance.villager.VillagerModeMiddleware",  # a villager has only the villager's pages (issue #17)
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "governance.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode with IMMEDIATE transactions, so the web server and the
# Celery worker can both write without "database is locked" surprises mid-transaction.
DATABASES = {
    # An empty DATABASE_URL means "not set" (DATABASE_URL= make run), not a broken URL.
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'governance.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username+IP before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_ANONYMOUS_USER_NAME = None  # deny by default: no anonymous object grants
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The default hashers, and the one of one-time initial passwords from bulk onboarding (governance/hashers.py).
from django.conf import global_settings as _global  # noqa: E402

PASSWORD_HASHERS = [*_global.PASSWORD_HASHERS, "governance.hashers.OneTimePasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    # Length, 3 of 4 character classes, none of the last PASSWORD_HISTORY_COUNT (also records the history).
    {"NAME": "accounts.validators.LengthValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.NoReuseValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Not a rule: Django's hook after any password change, which revokes the user's API tokens.
    {"NAME": "governance.tokens.RevokeTokensOnPasswordChange"},
]
# Lock by username + IP: one villager's typos must not lock out the whole village office.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0) or env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "governance.lockout.lockout_response"
AXES_VERBOSE = False
# --- Sign-in policy (accounts/, issue #18; README "Configuration") ------------------------------
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)  # none of the last 5 again
PASSWORD_EXPIRY_DAYS = env.int("PASSWORD_EXPIRY_DAYS", default=90)  # 0: passwords do not expire
SESSION_IDLE_TIMEOUT = env.float("SESSION_IDLE_TIMEOUT", default=30)  # minutes without a request; 0: off
SESSION_MAX_CONCURRENT = env.int("SESSION_MAX_CONCURRENT", default=3)  # web sessions per user; 0: no limit
# TOTP for county- and township-level roles and the three administrators; on in production, off in the
# embedded demo (DEBUG) so that the demo users sign in with the password alone.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="县域乡村治理门户")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# ISO dates first in Chinese too: <input type="date"> reads only YYYY-MM-DD (governance/formats/).
FORMAT_MODULE_PATH = ["governance.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: everything local, front-end packages come from npm (node_modules/) --------
STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = DEBUG  # the dev server and tests serve straight from the finders
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # bulk forms (attendance, approvals) post many fields

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an unauthenticated call answers 401 with its challenge (see Sessions and tokens).
        "governance.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in; an endpoint that takes files (attachments) names MultiPartParser itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "governance.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "governance.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "县域乡村治理门户 API",
    "DESCRIPTION": "County rural-governance portal. Every list is scoped to the caller's regions and role.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    # The schema is generated and fuzzed by the Schemathesis test on every run; its enum-naming
    # warnings (the same choice set reached under several field names) are cosmetic and must not
    # fail the deploy check.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.schema.add_error_responses",
    ],
}

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport in var/ — a real broker for a real worker and
# beat, with no server to install.
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir),
        "store_processed": False,
        # The pidbox exchange table (kombu's default is ./control, in whatever directory the worker starts).
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # A task taken by a worker that then dies (SIGKILL, OOM, power) is delivered again only after the
    # visibility timeout. It must stay longer than any task runs, or Redis hands a running task to a
    # second worker; one hour is far above our longest (a 200,000-row import, a county recompute). The
    # user does not wait for it: the jobs-sweep beat job fails a job whose heartbeat stopped within
    # JOB_STALE_SECONDS, and the late redelivery then finds the job failed (or retried) and does nothing.
    # No long ETAs anywhere (they would be run twice after this timeout).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3  # an unreachable broker fails an enqueue in seconds (the job says so)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="governance")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is delivered again; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Background exports and imports (governance/jobs.py sweeps them every minute).
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=300)  # no heartbeat for this long: the worker died
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)  # then the file is deleted
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMPORT_PENDING_SECONDS = env.int("IMPORT_PENDING_SECONDS", default=24 * 3600)  # unconfirmed imports expire
IMPORT_PARSE_MEMORY_BYTES = env.int("IMPORT_PARSE_MEMORY_BYTES", default=1024 * 1024 * 1024)
# Accounts and the audit log (issue #18): audit entries are kept this long (never under 180 days, 等保 2.0).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Each app adds its periodic jobs to this schedule from its own tasks module (see apps.py).
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "governance.tasks.heartbeat", "schedule": 60.0},
    # the dashboards' summary tables (governance.dashboard.refresh)
    "dashboard-refresh": {"task": "governance.tasks.refresh_dashboards",
                          "schedule": env.int("DASHBOARD_REFRESH_SECONDS", default=900)},
}

# --- Outreach: the SMS / e-mail outbox (outreach/, README "Configuration") ------------------------
OUTREACH_SWEEP_SECONDS = env.int("OUTREACH_SWEEP_SECONDS", default=30)  # beat: due and lease-expired deliveries
OUTREACH_BATCH = env.int("OUTREACH_BATCH", default=200)  # deliveries one worker claims at a time
OUTREACH_LEASE_SECONDS = env.int("OUTREACH_LEASE_SECONDS", default=120)  # a claim a killed worker gives back
OUTREACH_MAX_ATTEMPTS = env.int("OUTREACH_MAX_ATTEMPTS", default=5)
OUTREACH_RETRY_BASE_SECONDS = env.int("OUTREACH_RETRY_BASE_SECONDS", default=30)  # doubled per attempt
OUTREACH_MAIL_DOMAIN = env.str("OUTREACH_MAIL_DOMAIN", default="governance.local")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")  # empty: messages land in the local outbox page
SMS_GATEWAY_KEY = env.str("SMS_GATEWAY_KEY", default="")
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="【乡村治理】")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
SMS_RATE_PER_SECOND = env.float("SMS_RATE_PER_SECOND", default=20.0)  # 0: unpaced
SMS_DAILY_CAP_PER_NUMBER = env.int("SMS_DAILY_CAP_PER_NUMBER", default=10)  # 0: no cap
SMS_QUIET_HOURS = env.str("SMS_QUIET_HOURS", default="")  # "22-7": held from 22:00 to 07:00 local time
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="outreach.channels.LocalOutboxEmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@governance.local")

# --- Exact lookups by ID number or phone (governance/lookups.py): per user and rolling hour -------
PII_LOOKUP_PER_HOUR = env.int("PII_LOOKUP_PER_HOUR", default=200)
PII_LOOKUP_REFUSALS_PER_HOUR = env.int("PII_LOOKUP_REFUSALS_PER_HOUR", default=20)  # "not found" answers
PII_IMPORT_REFUSALS_PER_HOUR = env.int("PII_IMPORT_REFUSALS_PER_HOUR", default=200)  # in import files

# --- Logging: personal data never reaches a log line -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "governance.pii.MaskPIIFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        # runserver's request lines carry URLs: masked too, at the logger. gunicorn's access log is masked
        # by gunicorn.conf.py (configuring its loggers here would drop gunicorn's own handlers).
        "django.server": {"level": "INFO", "handlers": ["console"], "filters": ["mask_pii"], "propagate": False},
    },
}

# --- Health, metrics, JSON logs (governance/health.py, governance/logging.py; issue #22) --------------
# /healthz/live/ is public; /healthz/ready/ and /metrics/ answer loopback callers or HEALTH_TOKEN's bearer.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=180)  # beat's heartbeat runs every 60 s
HEALTH_DISK_MAX_PERCENT = env.float("HEALTH_DISK_MAX_PERCENT", default=90.0)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
# Read replica (governance/dbrouter.py): dashboards and exports read it; writers' reads stay on the primary.
REPLICA_READ_PATHS = env.list("REPLICA_READ_PATHS", default=["/dashboard/", "/exports/"])
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=5.0)
# pgbouncer in transaction pooling: a server-side cursor cannot outlive its transaction's server connection.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_PGBOUNCER", default=False)
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {**DATABASES["default"], **env.db_url_config(env.str("DATABASE_REPLICA_URL")),
                            "TEST": {"MIRROR": "default"},
                            "DISABLE_SERVER_SIDE_CURSORS": env.bool("DATABASE_REPLICA_PGBOUNCER", default=False)}
    DATABASE_ROUTERS = ["governance.dbrouter.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "governance.dbrouter.ReplicaReadMiddleware"]
if env.bool("METRICS_ENABLED", default=False):  # django-prometheus' request counters and latency histograms
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = ["django_prometheus.middleware.PrometheusBeforeMiddleware", *MIDDLEWARE,
                  "django_prometheus.middleware.PrometheusAfterMiddleware"]
if env.str("LOG_FORMAT", default="text") == "json":  # one JSON object a line, with the request id
    MIDDLEWARE = ["governance.logging.RequestIdMiddleware", *MIDDLEWARE]
    LOGGING["filters"]["request_id"] = {"()": "governance.logging.RequestIdFilter"}
    LOGGING["formatters"] = {"json": {"()": "governance.logging.JsonFormatter"}}
    LOGGING["handlers"]["console"].update(formatter="json", filters=["request_id", "mask_pii"])
    LOGGING["loggers"]["governance.access"] = {"level": "INFO", "handlers": ["console"], "propagate": False}

# --- Production hardening (on when DEBUG is off) ----------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

PORTAL_NAME = _("县域乡村治理门户")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-2026")


# --- Sessions and tokens, client addresses, Content-Security-Policy -----------------------------
# API tokens (governance.tokens): a new key for every POST /api/v1/auth/token/, stored as a keyed hash.
API_TOKEN_LIFETIME_HOURS = env.float("API_TOKEN_LIFETIME_HOURS", default=12)

# Content-Security-Policy (django-csp 4): everything is served from this origin (no CDN on the
# intranet). Scripts only from files (the few handlers live in static/governance/portal.js), or an
# inline <script nonce="{{ request.csp_nonce }}"> should one ever be needed. Styles allow inline
# attributes: Django admin, Swagger UI's page, ECharts' SVG and a few progress bars set them, and a
# style cannot run code.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The client's address behind the TLS proxy. 0: the peer address (REMOTE_ADDR) — nothing in front.
# N > 0: N proxies of ours are in front, each appending its peer to X-Forwarded-For, so the client is
# the N-th address from the right; whatever the client wrote further left is ignored. django-axes reads
# it through django-ipware with these settings; nothing else in the portal reads a client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)


def client_address_settings(trusted_proxy_count: int) -> dict:
    """django-axes / django-ipware settings for `trusted_proxy_count` proxies (the tests reuse this)."""
    if trusted_proxy_count <= 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",), "AXES_IPWARE_PROXY_COUNT": None,
                "AXES_IPWARE_PROXY_ORDER": "left-most"}
    return {
        # ipware counts the proxies listed in the header after the client: with N of ours, N - 1 (the
        # last one is the peer, REMOTE_ADDR); it picks chain[-(count + 1)], the N-th from the right.
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_COUNT": trusted_proxy_count - 1,
        "AXES_IPWARE_PROXY_ORDER": "left-most",
    }


globals().update(client_address_settings(TRUSTED_PROXY_COUNT))
# Non-strict: a client that adds addresses of its own on the left must not make the header "invalid"
# (ipware would then fall back to the proxy's address and lock everyone there); it only shifts what
# is ignored.
IPWARE_STRICT = False

