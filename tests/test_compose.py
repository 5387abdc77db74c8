"""docker-compose.yml runs daphne next to Redis with the production-style configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    with (REPO_ROOT / "docker-compose.yml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def web(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["web"]


def _command(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_defines_web_and_redis(compose: dict[str, Any]) -> None:
    """Two services: the web app and Redis 7."""
    assert set(compose["services"]) == {"web", "redis"}
    assert compose["services"]["redis"]["image"] == "redis:7-alpine"


def test_web_migrates_then_runs_daphne_on_the_asgi_application(web: dict[str, Any]) -> None:
    """The web command applies migrations, then execs daphne on 0.0.0.0:8000."""
    command = _command(web)
    assert "manage.py migrate" in command
    assert "daphne -b 0.0.0.0 -p 8000 kubelearn.asgi:application" in command
    assert command.index("migrate") < command.index("daphne")


def test_web_talks_to_the_redis_service(web: dict[str, Any]) -> None:
    """REDIS_URL points at the compose service name, and web waits for Redis to be healthy."""
    assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_runs_in_production_mode_with_a_required_secret(web: dict[str, Any]) -> None:
    """DEBUG is off and SECRET_KEY must come from the caller's environment (compose fails without it)."""
    env = web["environment"]
    assert env["DEBUG"] == "false"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    for name in ("DATABASE_URL", "ALLOWED_HOSTS"):
        assert env[name]
    assert env["DATABASE_URL"].startswith("sqlite:////data/")
    assert any(volume.endswith(":/data") for volume in web["volumes"])


def test_web_exposes_port_8000(web: dict[str, Any]) -> None:
    """The app is reachable on the host's port 8000."""
    assert "8000:8000" in [str(port) for port in web["ports"]]


def test_web_image_builds_from_the_dockerfile_on_python_311(web: dict[str, Any]) -> None:
    """The image is built from the repo's Dockerfile, based on python:3.11-slim."""
    assert web["build"] == "."
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.splitlines()[1] == "FROM python:3.11-slim"
    assert "pip install -r requirements.txt" in dockerfile
