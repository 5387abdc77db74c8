"""Shared test configuration.

Two rules for the whole suite:

* Nothing is skipped silently. The ``browser``, ``redis`` and ``kubectl`` suites need real
  tools (Chromium, Redis, kubectl); when one is missing, its tests FAIL with the reason, so
  ``make test`` cannot pass on a machine that did not run them. ``.ci/run`` installs them.
* Subprocesses (``manage.py``, daphne) start from ``clean_env``: the caller's environment
  without kubelearn's configuration variables, so a developer's shell cannot change results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# Playwright's sync API keeps an event loop running in the main thread for the whole session
# (the browser fixture is session-scoped); Django would then refuse ORM calls from later,
# plain sync tests. They are not in an async context at all, so allow them (Django's documented
# switch for exactly this situation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Environment variables read by kubelearn/settings.py.
CONFIG_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "SERVE_STATIC",
    "HTTPS_ONLY",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
    "SANDBOX_LEASE_SECONDS",
    "SANDBOX_SAVE_SECONDS",
    "SANDBOX_DURABLE_WRITES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set above for in-process tests only; servers must not inherit it
)

#: Markers whose tests need an external tool and therefore must never be skipped.
TOOL_MARKERS = ("browser", "redis", "kubectl")


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The current environment minus kubelearn's configuration, plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "kubelearn.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where manage.py lives)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def make_env() -> Callable[..., dict[str, str]]:
    """``make_env(**overrides)`` builds a subprocess environment (see ``subprocess_env``)."""
    return subprocess_env


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Turn a skip of a tool-marked test into a failure that names the missing tool."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        markers = [name for name in TOOL_MARKERS if item.get_closest_marker(name)]
        if markers:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = (
                f"{item.nodeid} is marked {', '.join(markers)} and must run, but was skipped: {reason}\n"
                "Install the missing tool (see .ci/run) instead of skipping."
            )
    return report


@pytest.fixture(autouse=True)
def _no_background_housekeeper(request: pytest.FixtureRequest) -> None:
    """The sandbox housekeeper thread writes to the database; in-process tests drive it by hand.

    Live-server tests run daphne in a subprocess with the real settings, so they keep it.
    """
    from django.conf import settings

    settings.SANDBOX_HOUSEKEEPER = False
