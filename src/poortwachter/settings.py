"""All configuration, read from `POORTWACHTER_*` environment variables with embedded
defaults (README "Configuration" lists each). Security values used by sign-in flows are
*not* here: they are policy and live on the organisation; this module only gives the
defaults a new organisation starts with (tenants.policy)."""

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
env = os.environ.get


def _flag(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("POORTWACHTER_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Given, or generated once and kept in the data directory (0600), so every worker
    process and every restart signs with the same key."""
    if given := env("POORTWACHTER_SECRET_KEY"):
        return given
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("POORTWACHTER_DEBUG")

# --- where we are reachable -------------------------------------------------------------
PUBLIC_URL = env("POORTWACHTER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_URL)
PUBLIC_IS_HTTPS = _public.scheme == "https"
ALLOWED_HOSTS = [_public.hostname or "127.0.0.1", "127.0.0.1", "localhost"] + [
    h.strip() for h in env("POORTWACHTER_ALLOWED_HOSTS", "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

# Proxies whose X-Forwarded-For we believe (addresses or networks, comma separated).
TRUSTED_PROXIES = [
    ipaddress.ip_network(p.strip(), strict=False)
    for p in env("POORTWACHTER_TRUSTED_PROXIES", "").split(",")
    if p.strip()
]

# demo: demo organisation, development outbox. Defaults to demo only on the embedded
# database, so a production deployment that forgets the setting never gets demo users.
_database_url = env("POORTWACHTER_DATABASE_URL")
MODE = env("POORTWACHTER_MODE", "production" if _database_url else "demo")
DEMO_MODE = MODE == "demo"
SUPPORT_CONTACT = env("POORTWACHTER_SUPPORT_CONTACT", "")

# --- storage -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        _database_url or f"sqlite:///{DATA_DIR / 'poortwachter.sqlite3'}",
        conn_max_age=int(env("POORTWACHTER_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with write transactions queueing in the kernel (system/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "poortwachter.system.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASES["default"]["NAME"] == ":memory:" else 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one worker writes; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between worker processes. A checkpoint (two
        # fsyncs) every 10 000 pages of log instead of 1 000: at 1 000 the token endpoint's
        # writes set one off every few requests, and the worker waited on the disk.
        # No memory map (mmap_size): when another process has written since, SQLite drops its
        # whole map at the next read and maps again, page fault by page fault. With two workers
        # writing tokens that was every request: 5-8 % fewer token grants a second with it.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Networks beyond the public internet that requests an organisation chose (an app's
# back-channel logout URI) may reach (system/outbound.py): comma-separated, e.g.
# "10.0.0.0/8". In demo mode the machine itself too, where the demo's apps run.
OUTBOUND_ALLOWED_NETWORKS = [
    n.strip() for n in env("POORTWACHTER_OUTBOUND_NETWORKS", "127.0.0.0/8,::1/128" if MODE == "demo" else "")
    .split(",") if n.strip()
]

REDIS_URL = env("POORTWACHTER_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by every worker process through the database; never per-process memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "poortwachter_cache",
        }
    }

# --- e-mail ------------------------------------------------------------------------------
# With no SMTP host (the embedded default) mail stays in the outbox for the development
# outbox page; with one, the delivery worker sends through this mailer.
SMTP_HOST = env("POORTWACHTER_SMTP_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": SMTP_HOST or "localhost",
            "port": int(env("POORTWACHTER_SMTP_PORT", "587")),
            "username": env("POORTWACHTER_SMTP_USER", "") or None,
            "password": env("POORTWACHTER_SMTP_PASSWORD", "") or None,
            "use_tls": _flag("POORTWACHTER_SMTP_STARTTLS", True),
            "use_ssl": _flag("POORTWACHTER_SMTP_SSL", False),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = env("POORTWACHTER_MAIL_FROM", "Poortwachter <niet-antwoorden@localhost>")
MAIL_MAX_ATTEMPTS = int(env("POORTWACHTER_MAIL_MAX_ATTEMPTS", "8"))
MAIL_RETRY_FIRST_SECONDS = int(env("POORTWACHTER_MAIL_RETRY_SECONDS", "30"))
# Mail-bombing limits (per recipient address and per organisation, each per hour).
MAIL_PER_RECIPIENT_HOUR = int(env("POORTWACHTER_MAIL_PER_RECIPIENT_HOUR", "5"))
MAIL_PER_ORGANISATION_HOUR = int(env("POORTWACHTER_MAIL_PER_ORGANISATION_HOUR", "1000"))

# --- application -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "poortwachter.tenants",
    "poortwachter.accounts",
    "poortwachter.signin",
    "poortwachter.security",
    "poortwachter.mail",
    "poortwachter.portal",
    "poortwachter.system",
    "poortwachter.methods",
    "poortwachter.console",
    "poortwachter.operators",
    "poortwachter.oidc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "poortwachter.system.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "poortwachter.tenants.middleware.OrganisationMiddleware",
    "poortwachter.signin.middleware.SignedInUserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "poortwachter.urls"
WSGI_APPLICATION = "poortwachter.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "poortwachter.system.csrf.csrf",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "poortwachter.system.context.page",
            ],
        },
    }
]

# --- accounts and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["poortwachter.accounts.backend.OrganisationUserBackend"]
PASSWORD_HASHERS = [
    "poortwachter.accounts.passwords.Argon2idHasher",
    # Older parameters still verify and are rehashed at the next sign-in.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # usernames are unique per organisation, not globally

SESSION_ENGINE = "poortwachter.signin.sessions"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
# The server enforces idle and absolute limits from the organisation's policy; the cookie
# itself lives for the browser session only.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 31
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# 400 days, the most a browser keeps a cookie. It must outlive the longest session a policy
# allows (365 days): pages rendered by system.pages do not renew it, the login page does.
CSRF_COOKIE_AGE = 400 * 24 * 60 * 60
CSRF_FAILURE_VIEW = "poortwachter.system.errors.csrf_failure"
# `__Host-` cookies need Secure and Path=/ and no Domain: only possible over HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PUBLIC_IS_HTTPS
SESSION_COOKIE_NAME = "__Host-poortwachter" if PUBLIC_IS_HTTPS else "poortwachter"
CSRF_COOKIE_NAME = "__Host-poortwachter-csrf" if PUBLIC_IS_HTTPS else "poortwachter-csrf"
LANGUAGE_COOKIE_NAME = "poortwachter-taal"
LANGUAGE_COOKIE_SECURE = PUBLIC_IS_HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- security headers ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if PUBLIC_IS_HTTPS else 0
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# --- language -----------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("POORTWACHTER_TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = "/static/"
STATIC_ROOT = None  # served by WhiteNoise from the finders; no collectstatic step
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package; no collectstatic step

# CAPTCHA work: the browser tries up to this many PBKDF2 keys (about 0.7 s in Chromium on
# two cores at 3000); verifying costs the server one HMAC.
CAPTCHA_MAX_NUMBER = int(env("POORTWACHTER_CAPTCHA_MAX_NUMBER", "3000"))
AUDIT_RETENTION_DAYS = int(env("POORTWACHTER_AUDIT_RETENTION_DAYS", "365"))

# Request bodies: a login form is tiny; refuse floods early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# How many gunicorn processes `serve` starts, and threads each (1 = sync workers).
# One sync worker per core: the bench (make bench, "per server configuration") measured
# 2 x 1 at 70-74 % of the argon2 ceiling on 2 cores, 4 x 1 at 60 % (hashing is CPU-bound).
WORKERS = int(env("POORTWACHTER_WORKERS", "0")) or max(2, os.cpu_count() or 1)
THREADS = int(env("POORTWACHTER_THREADS", "1"))
# Password hashing is bounded per process: this many argon2 runs at once, and a sign-in
# waits at most this long for a slot before it gets "try again".
HASH_SLOTS = int(env("POORTWACHTER_HASH_SLOTS", "0")) or (os.cpu_count() or 1)
HASH_WAIT_SECONDS = float(env("POORTWACHTER_HASH_WAIT_SECONDS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "poortwachter.system.logs.StandardError", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("POORTWACHTER_LOG_LEVEL", "INFO")},
    # A forged Host header is an attacker's noise, answered with 400: a warning, not an error.
    "filters": {"as_warning": {"()": "poortwachter.system.logs.AsWarning"}},
    "loggers": {"django.security.DisallowedHost": {"filters": ["as_warning"]}},
}
