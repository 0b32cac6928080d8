"""Causeway settings: one flat module, every value from the environment.

Every variable is listed in `.env.example` and the README. Development defaults are safe;
a production run (DEBUG off) without a real SECRET_KEY refuses to start.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)


def _development_secret_key() -> str:
    """A random key kept in an ignored file, so sessions survive restarts of `make run`."""
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where end users reach this server; Link URLs are built on it.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' bundled assets instead of a CDN's
    "axes",
    "portal",
    "portal.webhooks",
    "companies",
    "accounts",
]

MIDDLEWARE = [
    # Before SecurityMiddleware, which reads X-Forwarded-Proto.
    "portal.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: an API call sent without the /api prefix gets a JSON 404.
    "portal.apikit.middleware.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.csp_nonce",
            ],
        },
    },
]

_database_url = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
if not DATABASES["default"].get("ENGINE", "").startswith("django.db.backends."):
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database URL: use postgres://user:password@host:5432/name "
        "or sqlite:////absolute/path/db.sqlite3."
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Behind PgBouncer in transaction pooling, a server-side cursor would outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
        }
    }
    # Sessions are read on every request: from the shared cache, kept in the database too.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (verifying payroll accounts, data pulls) runs on Django's tasks API.
# The database backend needs no other service; run `manage.py db_worker` for workers.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}


# Payroll passwords are encrypted at rest with Fernet. CREDENTIALS_KEYS is a comma-separated
# list of Fernet keys: the first encrypts, every one decrypts. To rotate, put a new key first,
# run `manage.py rotate_credentials`, then drop the old key.
def _credentials_keys(keys: list[str]) -> list[str]:
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    keys = [key.strip() for key in keys if key.strip()]
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "CREDENTIALS_KEYS must be set when DEBUG is off. Generate a key with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        # Derived from SECRET_KEY, so development data stays readable across restarts.
        digest = hashlib.sha256(f"causeway.credentials:{SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"CREDENTIALS_KEYS: key number {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return keys


CREDENTIALS_KEYS = _credentials_keys(env.list("CREDENTIALS_KEYS", default=[]))

# A pull retries a rate-limited or failing page after 1, 2, 4... times this many seconds.
PULL_BACKOFF_SECONDS = env.float("PULL_BACKOFF_SECONDS", default=1.0)

# Webhooks (README, "Webhooks"). Private targets (loopback, private networks) are refused
# unless allowed, for development and tests; link-local and metadata addresses always are.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_RETRY_BASE_SECONDS = env.float("WEBHOOKS_RETRY_BASE_SECONDS", default=30.0)
WEBHOOKS_RETRY_MAX_SECONDS = env.float("WEBHOOKS_RETRY_MAX_SECONDS", default=3600.0)
WEBHOOKS_RETRY_HOURS = env.float("WEBHOOKS_RETRY_HOURS", default=24.0)
WEBHOOKS_DISABLE_AFTER_DAYS = env.float("WEBHOOKS_DISABLE_AFTER_DAYS", default=5.0)
WEBHOOKS_SECRET_OVERLAP_HOURS = env.float("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24.0)
# A Fetching pull with no progress for this long had its worker die; a new request replaces it.
PULL_STALE_AFTER_SECONDS = env.int("PULL_STALE_AFTER_SECONDS", default=600)
# How often the scheduler (`manage.py run_scheduler`) looks for due syncs.
SCHEDULER_INTERVAL_SECONDS = env.int("SCHEDULER_INTERVAL_SECONDS", default=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout (django-axes), counted in the database so every web process sees it.
# Both a user name and an address are locked: one name tried from many addresses, and one
# address trying many names.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1.")
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
if LOGIN_LOCKOUT_MINUTES < 0:
    raise ImproperlyConfigured("LOGIN_LOCKOUT_MINUTES must be 0 (until unlocked) or more.")
# None: locked until an administrator unlocks.
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES) if LOGIN_LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "portal.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.proxies.client_address"

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads are never expected; keep request bodies small so a huge post is refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)


def _rate(name: str, default: str) -> str:
    """A rate setting, "<count>/<second|minute|hour|day>", or empty for no limit."""
    rate = env.str(name, default=default).strip()
    if rate and not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", rate):
        raise ImproperlyConfigured(
            f"{name} is {rate!r}: use a count and a period, such as {default} "
            "(second, minute, hour or day), or leave it empty for no limit."
        )
    return rate


# The JSON API: calls per API key. Counted in the cache: shared by every process only with
# REDIS_URL.
API_RATE_LIMIT = _rate("API_RATE_LIMIT", "600/minute")

# The hosted Link pages, which need no login: starts (choosing a platform, signing in at a
# payroll provider, an MFA code, an OAuth2 start) per Link URL and per client address, counted
# in the cache like API_RATE_LIMIT; and the unfinished starts a company may have from the last
# day (0: no cap), counted in the database.
LINK_ATTEMPTS_PER_URL = _rate("LINK_ATTEMPTS_PER_URL", "20/hour")
LINK_ATTEMPTS_PER_ADDRESS = _rate("LINK_ATTEMPTS_PER_ADDRESS", "60/hour")
LINK_OPEN_ATTEMPTS_PER_COMPANY = env.int("LINK_OPEN_ATTEMPTS_PER_COMPANY", default=20)
if LINK_OPEN_ATTEMPTS_PER_COMPANY < 0:
    raise ImproperlyConfigured("LINK_OPEN_ATTEMPTS_PER_COMPANY must be 0 (no cap) or more.")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The nonce lets a page set a platform's brand colour in one small <style> block.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a per-domain commitment; the operator opts in, check --deploy stays quiet.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _trusted_proxies(values: list[str]) -> list[IPv4Network | IPv6Network]:
    networks = []
    for value in filter(None, values):
        try:
            networks.append(ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


# Proxies whose X-Forwarded-Proto and X-Forwarded-For are believed; from any other address they
# are dropped. Empty: X-Forwarded-Proto is believed from anyone (the proxy must overwrite it) and
# X-Forwarded-For is never read.
TRUSTED_PROXIES = _trusted_proxies(env.list("TRUSTED_PROXIES", default=[]))

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
# One line per event, to standard error, through the root logger's one handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"no_traceback_below_500": {"()": "portal.logs.NoTracebackBelow500"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["no_traceback_below_500"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own configuration gives "django" a console handler of its own, which printed
        # each line a second time: it logs through the root's handler only.
        "django": {"handlers": [], "level": LOG_LEVEL},
        # axes reports every step of a log-in at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}
