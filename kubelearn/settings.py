"""Django settings for kubelearn.

Every setting has a safe embedded default for local development and can be overridden from
the environment (twelve-factor style), so ``make run`` works with no configuration and a
deployment only sets variables:

    DEBUG                 "true"/"false" (default true: a developer laptop)
    SECRET_KEY            required in production; a fixed dev key is used otherwise
    ALLOWED_HOSTS         comma-separated (default localhost,127.0.0.1,[::1])
    CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://kubelearn.example.org
    DATABASE_URL          dj-database-url syntax (default sqlite at BASE_DIR/db.sqlite3)
    REDIS_URL             unset: in-memory channel layer; set: channels_redis with that URL,
                          and sandboxes shared by several processes (ownership leases)
    SANDBOX_LEASE_SECONDS ownership lease of a sandbox in Redis (default 10)
    SANDBOX_SAVE_SECONDS  at most one snapshot write per sandbox this often (default 1.0)
    SANDBOX_DURABLE_WRITES save a request's write before acknowledging it (default: true
                          when REDIS_URL is set, so killing a process loses nothing acked)
    SERVE_STATIC          serve /static/ from the ASGI app itself (default true; set false
                          behind a web server that serves ``collectstatic`` output)
    HTTPS_ONLY            with DEBUG=false (default true): HSTS, SSL redirect, secure cookies
    LOG_LEVEL             root log level (default INFO)

With ``DEBUG=false`` the secure cookie, HSTS and SSL-redirect settings switch on so that
``manage.py check --deploy`` is clean. ``HTTPS_ONLY=false`` turns them off again for a
plain-HTTP trial such as ``docker compose up`` on localhost.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "django-insecure-kubelearn-dev-only-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable into a list, dropping blanks."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "") or _DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is false.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Applications: add new kubelearn apps to LOCAL_APPS.
DJANGO_APPS = [
    "daphne",  # first, so runserver is the ASGI server too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "channels",
    "django_htmx",
]
LOCAL_APPS = [
    "kubelearn.pages",
    "kubelearn.tools",
    "kubelearn.api",
    "kubelearn.sandboxes",
    "kubelearn.studio",
    "kubelearn.lessons",
    "kubelearn.classrooms",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kubelearn.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kubelearn.sandboxes.middleware.SandboxBusyMiddleware",  # 503 "try again", not a split sandbox
]

ROOT_URLCONF = "kubelearn.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ASGI_APPLICATION = "kubelearn.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several daphne processes share the file (scale-out on one machine, bench/soak.py): WAL lets
    # readers go on while one writes, and with synchronous=NORMAL a commit needs no fsync yet
    # survives a killed process (only a power cut may take the last commits). Durable writes
    # commit once per acknowledged request, so that fsync was on every write's path.
    # IMMEDIATE transactions take the write lock up front instead of failing to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def channel_layers(redis_url: str | None) -> dict[str, Any]:
    """In-memory layer for one process; Redis when several processes share groups."""
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff

    host = {
        "address": redis_url,
        # Every connected WebSocket holds one pooled connection in a blocking receive; redis-py
        # caps a pool at 100 by default, which a class of 150 per process would exhaust.
        "max_connections": 4000,
        # redis-py's default 5 s socket timeout equals channels_redis's 5 s BZPOPMIN: an idle
        # channel's receive then raised TimeoutError, which closed one idle WebSocket (1011)
        # every 5 s and logged a traceback in the forwarding listener; read for longer.
        "socket_timeout": 10,
        # After a Redis restart every pooled connection is dead and failed its next command
        # once (a lost forwarded reply, a 503); reconnect and retry instead (bench/soak.py).
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
    }
    config = {
        "hosts": [host],
        # channels_redis drops messages to a channel holding 100 (ChannelFull): a process's
        # command inbox and its reply channels carry a whole class's forwarded requests, so
        # they get room for bursts (bench/soak.py at 200 students filled them).
        "capacity": 100,
        "channel_capacity": {"process.*": 5000, "specific.*": 1000},
    }
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}}


REDIS_URL = os.environ.get("REDIS_URL", "") or None
CHANNEL_LAYERS = channel_layers(REDIS_URL)
# Scale-out (kubelearn/sandboxes/ownership.py): how long a dead process keeps its sandboxes'
# ownership leases in Redis, and how often a changed sandbox's snapshot is written at most.
SANDBOX_LEASE_SECONDS = float(os.environ.get("SANDBOX_LEASE_SECONDS", "10"))
SANDBOX_SAVE_SECONDS = float(os.environ.get("SANDBOX_SAVE_SECONDS", "1.0"))
SANDBOX_DURABLE_WRITES = env_bool("SANDBOX_DURABLE_WRITES", REDIS_URL is not None)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English by default; Chinese through Accept-Language or the switch.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("zh-hans", "中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LESSONS_DIR = BASE_DIR / "lessons"  # one YAML file per lesson (kubelearn.lessons)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# daphne serves no static files itself; kubelearn.asgi wraps the HTTP app in Django's
# ASGIStaticFilesHandler unless a front web server takes over.
SERVE_STATIC = env_bool("SERVE_STATIC", True)

# Security headers (all environments). The CSP itself is set by kubelearn.security.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the body's hx-headers, not the cookie
LANGUAGE_COOKIE_SAMESITE = "Lax"

HTTPS_ONLY = not DEBUG and env_bool("HTTPS_ONLY", True)
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
