"""Settings come from the environment with safe defaults.

Each case imports ``kubelearn.settings`` in a fresh interpreter with a controlled
environment, because settings are read once at import time.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from kubelearn import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "CHANNEL_LAYERS": s.CHANNEL_LAYERS,
    "DATABASE": {k: str(v) for k, v in s.DATABASES["default"].items() if k in ("ENGINE", "NAME", "HOST", "PORT", "USER")},
    "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
    "INSTALLED_APPS": s.INSTALLED_APPS,
    "MIDDLEWARE": s.MIDDLEWARE,
    "ASGI_APPLICATION": s.ASGI_APPLICATION,
}, default=lambda o: type(o).__name__))  # e.g. the Redis layer's Retry policy
"""

PRODUCTION_SECRET = secrets.token_urlsafe(60)


def run_settings(make_env: Callable[..., dict[str, str]], **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with ``env``."""
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=REPO_ROOT,
        env=make_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def load_settings(make_env: Callable[..., dict[str, str]]) -> Callable[..., dict[str, Any]]:
    """``load_settings(**env)`` returns selected settings as imported with ``env``."""

    def load(**env: str) -> dict[str, Any]:
        result = run_settings(make_env, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return load


def test_defaults_suit_a_developer_laptop(load_settings: Callable[..., dict[str, Any]]) -> None:
    """With no environment: DEBUG on, loopback hosts, SQLite in the repo, in-memory channel layer."""
    s = load_settings()
    assert s["DEBUG"] is True
    assert s["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert s["CSRF_TRUSTED_ORIGINS"] == []
    assert s["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASE"]["NAME"] == str(REPO_ROOT / "db.sqlite3")
    assert s["CHANNEL_LAYERS"] == {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["ASGI_APPLICATION"] == "kubelearn.asgi.application"


def test_redis_url_switches_the_channel_layer_to_redis(load_settings: Callable[..., dict[str, Any]]) -> None:
    """Setting REDIS_URL selects channels_redis with exactly that URL as its host, pooled for a class,
    reading longer than its 5 s blocking receive, reconnecting after a Redis restart, with room
    in the forwarding inboxes for a class's burst."""
    s = load_settings(REDIS_URL="redis://redis.internal:6380/2")
    assert s["CHANNEL_LAYERS"] == {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": "redis://redis.internal:6380/2",
                        "max_connections": 4000,
                        "socket_timeout": 10,
                        "retry": "Retry",
                    }
                ],
                "capacity": 100,
                "channel_capacity": {"process.*": 5000, "specific.*": 1000},
            },
        }
    }


def test_an_empty_redis_url_keeps_the_in_memory_layer(load_settings: Callable[..., dict[str, Any]]) -> None:
    """REDIS_URL="" (as compose files often leave it) means no Redis."""
    s = load_settings(REDIS_URL="")
    assert s["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"


def test_comma_lists_are_split_and_trimmed(load_settings: Callable[..., dict[str, Any]]) -> None:
    """ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS accept comma lists with spaces and blanks."""
    s = load_settings(
        ALLOWED_HOSTS=" kubelearn.example.org, .example.net ,,",
        CSRF_TRUSTED_ORIGINS="https://kubelearn.example.org",
    )
    assert s["ALLOWED_HOSTS"] == ["kubelearn.example.org", ".example.net"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://kubelearn.example.org"]


def test_database_url_selects_postgres(load_settings: Callable[..., dict[str, Any]]) -> None:
    """A postgres:// DATABASE_URL configures Django's PostgreSQL backend."""
    s = load_settings(DATABASE_URL="postgres://learn:pw@db.internal:5433/kubelearn")
    assert s["DATABASE"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["DATABASE"]["NAME"] == "kubelearn"
    assert s["DATABASE"]["HOST"] == "db.internal"
    assert s["DATABASE"]["PORT"] == "5433"
    assert s["DATABASE"]["USER"] == "learn"


@pytest.mark.parametrize("value", ["false", "False", "0", "no", "off"])
def test_debug_accepts_common_spellings_of_false(load_settings: Callable[..., dict[str, Any]], value: str) -> None:
    """DEBUG=false/0/no/off all turn debug mode off."""
    s = load_settings(DEBUG=value, SECRET_KEY=PRODUCTION_SECRET)
    assert s["DEBUG"] is False


def test_production_mode_switches_on_https_protections(load_settings: Callable[..., dict[str, Any]]) -> None:
    """DEBUG=false enables the SSL redirect, HSTS and secure cookies."""
    s = load_settings(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET)
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True


def test_https_only_false_allows_a_plain_http_trial(load_settings: Callable[..., dict[str, Any]]) -> None:
    """HTTPS_ONLY=false (used by docker-compose on localhost) turns the HTTPS protections off."""
    s = load_settings(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, HTTPS_ONLY="false")
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_to_start_with_the_development_secret_key(make_env: Callable[..., dict[str, str]]) -> None:
    """DEBUG=false without SECRET_KEY stops with ImproperlyConfigured instead of running insecurely."""
    result = run_settings(make_env, DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_installed_apps_start_with_daphne_and_include_the_project_shell(
    load_settings: Callable[..., dict[str, Any]],
) -> None:
    """daphne comes first (its runserver), then contrib, channels, django_htmx and kubelearn.pages."""
    apps = load_settings()["INSTALLED_APPS"]
    assert apps[0] == "daphne"
    for app in (
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "channels",
        "django_htmx",
        "kubelearn.pages",
    ):
        assert app in apps


def test_middleware_includes_locale_htmx_and_csp(load_settings: Callable[..., dict[str, Any]]) -> None:
    """The middleware stack negotiates language, understands htmx and sets the CSP."""
    middleware = load_settings()["MIDDLEWARE"]
    assert "django.middleware.locale.LocaleMiddleware" in middleware
    assert "django_htmx.middleware.HtmxMiddleware" in middleware
    assert "kubelearn.security.ContentSecurityPolicyMiddleware" in middleware
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


def test_deploy_checks_pass_in_production_configuration(make_env: Callable[..., dict[str, str]]) -> None:
    """`manage.py check --deploy --fail-level WARNING` exits 0 with production environment variables."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=make_env(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, ALLOWED_HOSTS="example.org"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _config_variables(path: Path) -> set[str]:
    """The names in a module's ``CONFIG_VARIABLES = (...)`` tuple, read as text (no import)."""
    block = path.read_text().split("CONFIG_VARIABLES = (", 1)[1].split(")", 1)[0]
    return set(re.findall(r'"([A-Z_]+)"', block))


def test_every_environment_variable_the_settings_read_is_cleaned_from_subprocess_environments() -> None:
    """A shell's ``SANDBOX_DURABLE_WRITES`` (or any other setting) must not leak into a test's servers."""
    text = (REPO_ROOT / "kubelearn" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\("([A-Z_]+)"', text))
    assert "SANDBOX_DURABLE_WRITES" in read
    for cleaner in (REPO_ROOT / "tests" / "conftest.py", REPO_ROOT / "bench" / "_soakstack.py"):
        missing = read - _config_variables(cleaner)
        assert not missing, f"{cleaner.name} does not clean {sorted(missing)}"


def test_sqlite_runs_in_wal_mode_for_several_processes(make_env: Callable[..., dict[str, str]], tmp_path: Path) -> None:
    """A file database opens with WAL and synchronous=NORMAL (1): daphne processes sharing it do not block readers."""
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "    c.execute('PRAGMA synchronous'); sync = c.fetchone()[0]\n"
        "print(mode, sync)\n"
    )
    env = make_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="kubelearn.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1"]
