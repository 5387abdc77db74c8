"""The sandbox WebSocket: a snapshot on connect, versioned deltas after changes, resume, refusal."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from kubelearn.asgi import application
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")
WAIT = 3.0


def configmap(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


async def sandbox() -> tuple[Sandbox, LiveSandbox]:
    row = await sync_to_async(create_sandbox)()
    live = await sync_to_async(runtime().open)(row.id)
    assert live is not None
    return row, live


def communicator(row: Sandbox, token: str | None = None) -> WebsocketCommunicator:
    token = row.watch_token if token is None else token
    return WebsocketCommunicator(application, f"/ws/sandbox/{row.id}/?token={token}", headers=[ORIGIN])


def create(live: LiveSandbox, name: str) -> int:
    with live.lock:
        live.cluster.api.create(configmap(name))
        live.changed()
        return live.cluster.store.revision


async def test_a_watcher_gets_a_snapshot_then_a_delta_after_a_change() -> None:
    """Connect: the whole store at its revision; a change through the API: exactly that event."""
    row, live = await sandbox()
    ws = communicator(row)
    connected, _ = await ws.connect()
    assert connected
    snapshot = await ws.receive_json_from(WAIT)
    assert snapshot["type"] == "cluster.snapshot"
    assert snapshot["resourceVersion"] == live.cluster.store.revision
    assert {o["kind"] for o in snapshot["objects"]} >= {"Namespace", "Node", "Service"}
    assert live.watchers == 1
    version = create(live, "hello")
    delta = await ws.receive_json_from(WAIT)
    stored = live.cluster.store.get("ConfigMap", "default", "hello")
    assert delta == {
        "type": "cluster.delta",
        "fromResourceVersion": snapshot["resourceVersion"],
        "resourceVersion": version,
        "events": [{"type": "ADDED", "object": stored}],
    }
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()
    assert live.watchers == 0


async def test_resume_replays_missed_events_once_and_then_continues() -> None:
    """Resuming from an older version replays exactly the events after it, with no duplicates later."""
    row, live = await sandbox()
    start = live.cluster.store.revision
    create(live, "one")
    create(live, "two")
    ws = communicator(row)
    await ws.connect()
    snapshot = await ws.receive_json_from(WAIT)
    assert snapshot["resourceVersion"] == start + 2
    await ws.send_json_to({"type": "resume", "resourceVersion": start})
    replay = await ws.receive_json_from(WAIT)
    assert replay["fromResourceVersion"] == start
    assert replay["resourceVersion"] == start + 2
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in replay["events"]] == [
        ("ADDED", "one"),
        ("ADDED", "two"),
    ]
    create(live, "three")
    after = await ws.receive_json_from(WAIT)
    assert after["fromResourceVersion"] == start + 2
    assert [e["object"]["metadata"]["name"] for e in after["events"]] == ["three"]
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def test_resuming_from_before_the_history_gets_a_fresh_snapshot() -> None:
    """A restored sandbox's history starts at its snapshot: older versions are a gap, so a snapshot follows."""
    row, _live = await sandbox()
    ws = communicator(row)
    await ws.connect()
    first = await ws.receive_json_from(WAIT)
    await ws.send_json_to({"type": "resume", "resourceVersion": 1})
    again = await ws.receive_json_from(WAIT)
    assert again["type"] == "cluster.snapshot"
    assert again["resourceVersion"] == first["resourceVersion"]
    await ws.send_json_to({"type": "resume", "resourceVersion": first["resourceVersion"] + 50})
    assert (await ws.receive_json_from(WAIT))["type"] == "cluster.snapshot"
    await ws.send_json_to({"type": "hello"})
    assert (await ws.receive_json_from(WAIT))["type"] == "error"
    await ws.disconnect()


async def test_a_wrong_token_is_refused_and_joins_no_group() -> None:
    """Without the watch token (or with the access key) the handshake is refused."""
    row, _live = await sandbox()
    for token in ("", "wrong", row.access_key):
        ws = communicator(row, token)
        connected, _ = await ws.connect()
        assert not connected
        await ws.disconnect()
    unknown = WebsocketCommunicator(application, "/ws/sandbox/nosuchsandbx/?token=x", headers=[ORIGIN])
    assert not (await unknown.connect())[0]
    assert get_channel_layer().groups == {}


async def test_a_watcher_joins_the_sandbox_group_and_leaves_it() -> None:
    """While connected the consumer is in sandbox.<id>; after disconnect no group remains."""
    row, _live = await sandbox()
    ws = communicator(row)
    await ws.connect()
    await ws.receive_json_from(WAIT)
    layer = get_channel_layer()
    assert list(layer.groups) == [f"sandbox.{row.id}"]
    await ws.disconnect()
    assert layer.groups == {}


async def test_the_owners_session_may_watch_without_a_token(client: Any) -> None:
    """The session that owns the sandbox (the /sandbox/ page's visitor) is admitted without the token."""
    await sync_to_async(client.get)("/sandbox/")
    row = await Sandbox.objects.aget()
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    ws = WebsocketCommunicator(application, f"/ws/sandbox/{row.id}/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(WAIT))["type"] == "cluster.snapshot"
    await ws.disconnect()
