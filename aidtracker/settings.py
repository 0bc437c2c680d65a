"""Settings for aidtracker, read from environment variables and a `.env` file.

Closed by default: production unless DEBUG=1 is set, and no key unless one is given. The
development `.env` that `make run` and `make test` write sets both; production sets DEBUG,
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see .env.example and docs/deployment.md).
"""

import datetime
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import redis.backoff
import redis.retry
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# The variables of `.env` (or of the file ENV_FILE names) that the environment does not set
# itself. python-dotenv reads it as docker compose does, quotes and comments included: the
# same file can serve both.
load_dotenv(os.environ.get("ENV_FILE", BASE_DIR / ".env"), override=False)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set. For development, `make .env` writes a .env with DEBUG=1 and a "
        "random key; for production see .env.example."
    )
# Django's own deploy check (security.W009) only warns about a weak key; with DEBUG off it is
# refused: sessions, password resets and CSRF tokens are only as safe as the key.
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: it needs at least 50 characters, at least 5 of "
        "them different, and no 'django-insecure-' prefix. Make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS. In production the app sits behind a proxy that terminates TLS: with
# TRUST_X_FORWARDED_PROTO=1 it believes the proxy's X-Forwarded-Proto header (only set that if
# the proxy overwrites the header). The rest defaults to on whenever DEBUG is off.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's own health check speaks plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this many idle minutes: each request moves the end on, written
# at most once a minute (aidtracker/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_TOUCH_SECONDS = 60
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_countries",
    "django_filters",
    "simple_history",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "requests_app",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # In production the app serves its static files itself, compressed, with long cache
    # lifetimes for hashed names; in development runserver serves them as they are.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "csp.middleware.CSPMiddleware",
    # Per-client limits on pages and CSV downloads (aidtracker/limits.py): before anything
    # reads the database or the cache.
    "aidtracker.limits.RequestLimitMiddleware",
    "aidtracker.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public reads answer 304 to a current copy, and anonymous ones come from a cache that every
    # write invalidates (aidtracker/cache.py): after authentication, after every middleware
    # that adds headers on the way out.
    "aidtracker.cache.PublicReadCacheMiddleware",
    # Reads pinned to a moment of the record (?recorded_at=) see the tables as they stood then
    # (aidtracker/pinned.py): inside the cache, which keys on the whole address.
    "aidtracker.pinned.PinnedReadMiddleware",
    # Records who made each change the history keeps.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Locks out repeated failed logins (django-axes); last, as it asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one username from one address lock that pair out for a while: an
# attacker elsewhere cannot lock a curator out. Set NUM_PROXIES behind a proxy so that the
# address is the client's, from X-Forwarded-For, not the proxy's.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Attempts are rows in the database, shared by every process and kept when Redis is lost; the
# admin's Axes pages list them, and editors unlock an account by deleting its attempts.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# How many proxies in front of the app append to X-Forwarded-For; 0: the header is ignored.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "aidtracker.clients.client_address"

ROOT_URLCONF = "aidtracker.urls"

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
                "requests_app.recorded.context",
            ],
        },
    },
]

WSGI_APPLICATION = "aidtracker.wsgi.application"

# Milliseconds one SQL statement may run before PostgreSQL cancels it; the request then answers
# 503 with Retry-After instead of holding a worker. aidtracker/wsgi.py sets 5,000 for the app
# server; commands (migrations, backups) have no limit unless their environment sets one.
STATEMENT_TIMEOUT_MS = env_int("STATEMENT_TIMEOUT_MS", 0)


def database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=env_int("CONN_MAX_AGE", 0), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters are sent apart from the SQL, and psycopg prepares a statement the fifth
        # time a connection runs it (Django leaves that off unless asked): PostgreSQL then
        # plans each page's queries once per connection, not once per request
        # (docs/performance.md).
        config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
        if STATEMENT_TIMEOUT_MS:
            config["OPTIONS"]["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    return config


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
# A streaming replica of the primary for reads (aidtracker/routers.py); writes, and every read
# inside a write's transaction, stay on the primary. docs/deployment.md says how to run it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
    # Tests read the test database through it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["aidtracker.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache ("pages") and the request counts of the limits ("default"): in Redis, shared by
# every process and container, when REDIS_URL is set (redis://host:6379/1); else in each
# process's memory. The data version in the pages' keys keeps either correct; Redis only makes
# them fill once for all, and the limits count for all (aidtracker/stores.py). "local" holds a
# process's counts while Redis cannot be reached.
REDIS_URL = os.environ.get("REDIS_URL", "")


def cache_settings(redis_url: str) -> dict:
    page_seconds = env_int("PAGE_CACHE_SECONDS", 600)
    # A count per client and window: room for every client of a busy minute, or the oldest
    # counts would be dropped and their clients let through again.
    local_counts = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "counts",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
    if not redis_url:
        return {
            "default": local_counts,
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "pages",
                "TIMEOUT": page_seconds,
                "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 500)},
            },
            "local": local_counts,
        }
    # A Redis that does not answer at once is taken for down: no retries, short timeouts.
    options = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "retry": redis.retry.Retry(redis.backoff.NoBackoff(), 0),
    }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "counts",
            "OPTIONS": options,
        },
        "pages": {
            "BACKEND": "aidtracker.stores.PageCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "pages",
            "TIMEOUT": page_seconds,
            "OPTIONS": options,
        },
        "local": local_counts,
    }


CACHES = cache_settings(REDIS_URL)
# Answers larger than this are not kept: with PAGE_CACHE_ENTRIES, it bounds the page cache
# of each process (500 × 256 KB = 128 MB at most by default). Redis is bounded by its own
# maxmemory (docker-compose.yml).
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_KB", 256) * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The default storage: data releases (releases/<number>/), served by the app at /data/. In
# docker-compose.yml a volume shared by every app server.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed copies made by collectstatic in production; files as they are in
    # development, so nothing needs collecting there.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Content-Security-Policy: no inline script runs and nothing loads from another origin. Inline
# styles stay allowed: the admin, its history pages, DRF's browsable API and Swagger UI set some.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aidtracker.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "requests_app.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "requests_app.api.pagination.Pagination",
    # Per client: by address for anonymous readers, by account for signed-in users.
    # Counted in the shared store (aidtracker/limits.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "aidtracker.limits.AnonymousThrottle",
        "aidtracker.limits.AccountThrottle",
    ],
    # Every limit's rate, the API's and (RequestLimitMiddleware) the pages' and CSV downloads'.
    # An empty value turns the limit off (a benchmark's single client).
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "300/minute") or None,
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute") or None,
        "pages": os.environ.get("PAGE_THROTTLE", "120/minute") or None,
        "csv": os.environ.get("CSV_THROTTLE", "10/minute") or None,
    },
    # 0, not None: None would make DRF trust whatever X-Forwarded-For a client sends.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "requests_app.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "requests_app.api.views.exception_handler",
}

# API tokens (django-rest-knox): kept as SHA-512 hashes, sent as `Authorization: Token <key>`
# as DRF's were, and valid for API_TOKEN_DAYS days (`manage.py api_token <username>`).
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": datetime.timedelta(days=env_int("API_TOKEN_DAYS", 90)),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "aidtracker API",
    "DESCRIPTION": (
        "Aid requests between governments as the news reports them: who asked whom for what, "
        "what was answered, the policy stance behind each answer, and the quote in the source "
        "article that reports each fact. Reads are public; writes need a token "
        "(`Authorization: Token <key>`) of a user with the model's permission."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Related records are written as a slug or id and read as objects: separate components.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "requests_app.models.dates.DatePrecision",
        "QualifierEnum": "requests_app.models.amounts.Qualifier",
        "ActorKindEnum": "requests_app.models.actors.Actor.Kind",
        "EventKindEnum": "requests_app.models.context.Event.Kind",
        "ActionKindEnum": "requests_app.models.actions.Action.Kind",
        "EndReasonEnum": "requests_app.models.actors.Role.EndReason",
        "CitationRelationEnum": "requests_app.models.sources.Citation.Relation",
        "AttributionEnum": "requests_app.models.sources.Citation.Attribution",
        "RequestStatusEnum": "requests_app.models.aid.AidRequest.Status",
        "ContributionStatusEnum": "requests_app.models.aid.Contribution.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "requests_app.api.schema.describe_generic_fields",
        "requests_app.api.schema.nullable_references",
        "requests_app.api.schema.csv_variants",
    ],
    # No links inside the operations' summary buttons (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Logs go to stdout: one JSON object a line in production, plain text in development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "aidtracker.logs.JSONFormatter"},
        "text": {"format": "{levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start; lockouts are warnings and still show.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Alerts (the alerts app): mails to followers and webhooks, sent by a Celery worker
# (docs/alerts.md). Links in mails and payloads start with SITE_URL.
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
_email = urlsplit(os.environ.get("EMAIL_URL") or ("console:" if DEBUG else "smtp://localhost:25"))
if _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme in {"smtp", "smtp+tls", "smtps"}:
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[_email.scheme]
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_TIMEOUT = 30
else:
    raise ImproperlyConfigured(
        "EMAIL_URL must be console: or smtp://, smtp+tls:// or smtps://user:password@host:port."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "aidtracker <alerts@localhost>"

# The worker's broker: CELERY_BROKER_URL, or database 2 of the Redis at REDIS_URL (the cache
# keeps to its own database there). Without a worker, deliveries wait in the outbox.
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL")
    or urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    ._replace(path="/2")
    .geturl()
)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "aidtracker")
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged after its task ran, and given back if the worker dies running it;
# the outbox itself also hands out again what a dead worker took (alerts/models.py, Outgoing).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds between two batches: each turns the changes recorded since the last into deliveries.
ALERTS_BATCH_SECONDS = env_float("ALERTS_BATCH_SECONDS", 10)
CELERY_BEAT_SCHEDULE = {
    "alerts-batch": {"task": "alerts.tasks.batch", "schedule": ALERTS_BATCH_SECONDS},
    "alerts-prune": {"task": "alerts.tasks.prune", "schedule": 3600},
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(Path(tempfile.gettempdir()) / "aidtracker-beat")
)
# A failed delivery is tried again after about this many seconds, doubling each time (at most an
# hour), for ALERTS_RETRY_HOURS; an attempt still unfinished after ALERTS_LEASE_SECONDS (its
# worker died) is made again.
ALERTS_RETRY_BASE_SECONDS = env_float("ALERTS_RETRY_BASE_SECONDS", 30)
ALERTS_RETRY_HOURS = env_float("ALERTS_RETRY_HOURS", 24)
ALERTS_LEASE_SECONDS = env_float("ALERTS_LEASE_SECONDS", 120)
# Days the outbox keeps what it settled: the events told, deliveries and digests sent or given
# up (the admin's delivery log). An hourly task forgets older ones.
ALERTS_KEEP_DAYS = env_int("ALERTS_KEEP_DAYS", 30)
# How many follow forms one client may send an hour.
ALERTS_FOLLOWS_PER_HOUR = env_int("ALERTS_FOLLOWS_PER_HOUR", 10)
# Off: webhooks may only reach public addresses, not this server's own network.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
