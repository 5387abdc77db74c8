"""docker-compose.yml runs two daphne replicas behind nginx, with Redis and PostgreSQL."""

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
    return compose["services"]["web1"]


def _command(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_defines_two_web_replicas_a_balancer_redis_and_postgres(compose: dict[str, Any]) -> None:
    """Redis 7, PostgreSQL 16, two identical web replicas and nginx in front of them."""
    services = compose["services"]
    assert set(services) == {"web1", "web2", "balancer", "redis", "db"}
    assert services["redis"]["image"] == "redis:7-alpine"
    assert services["db"]["image"] == "postgres:16"
    assert services["web1"] == services["web2"]


def test_the_balancer_is_the_only_public_port_and_proxies_both_replicas(compose: dict[str, Any]) -> None:
    """nginx publishes 8000 and passes HTTP and WebSocket upgrades to web1 and web2."""
    balancer = compose["services"]["balancer"]
    assert balancer["image"] == "nginx:alpine"
    assert [str(port) for port in balancer["ports"]] == ["8000:8000"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in balancer["volumes"]
    assert "ports" not in compose["services"]["web1"]
    config = (REPO_ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for line in ("server web1:8000;", "server web2:8000;", "proxy_set_header Upgrade $http_upgrade;"):
        assert line in config


def test_replicas_share_postgres_and_a_lease_setting_the_settings_read(web: dict[str, Any]) -> None:
    """Snapshots go to the shared database; the lease variable is one kubelearn/settings.py reads."""
    from kubelearn import settings

    env = web["environment"]
    assert env["DATABASE_URL"] == "postgres://kubelearn:kubelearn@db:5432/kubelearn"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert float(env["SANDBOX_LEASE_SECONDS"]) == settings.SANDBOX_LEASE_SECONDS


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


def test_web_image_builds_from_the_dockerfile_on_python_311(web: dict[str, Any]) -> None:
    """The image is built from the repo's Dockerfile, based on python:3.11-slim."""
    assert web["build"] == "."
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.splitlines()[1] == "FROM python:3.11-slim"
    assert "pip install -r requirements.txt" in dockerfile
