"""A page action never copies a sandbox whose owner is silent: "busy" while its lease holds, claim after.

This test process plays the second server against real Redis; the owner is a ghost — a
lease in Redis held by a process id nobody listens for — so a forwarded action gets no
answer. While the ghost's lease holds, the page answers 503 "busy, try again" and keeps no
copy of its own; once the lease expires, the action claims the sandbox and runs here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from channels.layers import channel_layers
from django.test import Client
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import forwarding, ownership, persistence
from kubelearn.sandboxes.ownership import PREFIX, PROCESS_ID
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import runtime
from kubelearn.settings import channel_layers as layer_settings

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

GHOST = "ghost-process-that-never-answers"


@pytest.fixture
def with_redis(settings: Settings, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[redis.Redis]:
    """This process shares sandboxes through Redis, with short forwarding timeouts."""
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = layer_settings(redis_url)
    settings.SANDBOX_HOUSEKEEPER = False
    monkeypatch.setattr(forwarding, "FORWARD_TIMEOUT", 1.0)
    monkeypatch.setattr(forwarding, "LIVENESS_SECONDS", 0.2)
    ownership.reset_client()
    channel_layers.backends.clear()
    monkeypatch.setattr(runtime(), "claim", ownership.claim)
    client = redis.Redis.from_url(redis_url)
    yield client
    for sandbox_id in runtime().live_ids():
        persistence.forget(sandbox_id)
    for key in client.scan_iter(f"{PREFIX}*"):
        client.delete(key)
    ownership.reset_client()
    channel_layers.backends.clear()


def test_while_the_silent_owner_holds_its_lease_pages_say_busy_and_copy_nothing(with_redis: redis.Redis) -> None:
    row = create_sandbox("ghosted")
    with_redis.set(PREFIX + row.id, GHOST, px=60_000)
    with pytest.raises(forwarding.SandboxBusy):
        forwarding.run_sync(row.id, "sandbox.get_all")
    with pytest.raises(forwarding.SandboxBusy):
        forwarding.take_over(row.id)
    response = Client().get(f"/sandbox/{row.id}/table?token={row.watch_token}")
    assert response.status_code == 503
    assert "busy, try again" in response.content.decode()
    assert response["Retry-After"]
    assert runtime().get(row.id) is None  # no unleased copy here
    assert with_redis.get(PREFIX + row.id) == GHOST.encode()


def test_the_studio_says_busy_instead_of_copying_the_visitors_sandbox(with_redis: redis.Redis) -> None:
    visitor = Client()
    assert visitor.get("/studio/").status_code == 200  # this process made the sandbox and owns it
    sandbox_id = runtime().live_ids()[0]
    runtime().drop(sandbox_id)  # as if another process had taken it over, and then fallen silent
    with_redis.set(PREFIX + sandbox_id, GHOST, px=60_000)
    response = visitor.post("/studio/apply", {"text": "kind: Namespace\napiVersion: v1\nmetadata: {name: x}"})
    assert response.status_code == 503
    assert runtime().get(sandbox_id) is None


def test_once_the_silent_owners_lease_expires_the_action_claims_the_sandbox(with_redis: redis.Redis) -> None:
    row = create_sandbox("orphaned")
    with_redis.set(PREFIX + row.id, GHOST, px=600)
    table = forwarding.run_sync(row.id, "sandbox.get_all")
    assert "service/kubernetes" in table
    assert with_redis.get(PREFIX + row.id) == PROCESS_ID.encode()
    assert runtime().get(row.id) is not None
