"""Studio test fixtures: a Django client whose session owns a sandbox, and the sandbox itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from kubelearn.sandboxes.provision import SESSION_KEY
from kubelearn.sandboxes.runtime import LiveSandbox, runtime


@pytest.fixture
def studio(client: Client, db: None) -> Iterator[Client]:
    """A client that has opened /studio/ once (so its session has a sandbox)."""
    cache.clear()
    assert client.get("/studio/").status_code == 200
    yield client
    sandbox_id = client.session.get(SESSION_KEY)
    if sandbox_id:
        runtime().drop(sandbox_id)


@pytest.fixture
def live(studio: Client) -> LiveSandbox:
    """The live sandbox behind ``studio``'s session, paused so time only moves when a test says so."""
    sandbox = runtime().open(studio.session[SESSION_KEY])
    assert sandbox is not None
    sandbox.set_speed(paused=True)
    return sandbox


def htmx(**headers: str) -> dict[str, str]:
    return {"HX-Request": "true", **headers}
