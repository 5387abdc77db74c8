"""The per-process hub (``kubelearn/live/fanout.py``): one frame per change, computed once, for every watcher."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from kubelearn.live import fanout, protocol
from kubelearn.sandboxes import forwarding
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import runtime

from .test_consumers import WAIT, communicator, create, sandbox

pytestmark = pytest.mark.django_db(transaction=True)

WATCHERS = 12


async def connected(row: Sandbox) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    ws = communicator(row)
    assert (await ws.connect())[0]
    snapshot = await ws.receive_json_from(WAIT)
    assert snapshot["type"] == "cluster.snapshot"
    return ws, snapshot


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Replace ``module.name`` with a wrapper that records each call's arguments."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(module, name)

    def spy(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, name, spy)
    return calls


def names(message: dict[str, Any]) -> list[str]:
    return [e["object"]["metadata"]["name"] for e in message["events"]]


def the_hub(row: Sandbox) -> fanout.Hub:
    hub = fanout.hub_for(row.id)
    assert hub is not None
    return hub


async def test_every_watcher_gets_the_same_frame_computed_and_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve sockets, one change: one catch_up, one json.dumps, twelve identical texts."""
    row, live = await sandbox()
    sockets = [(await connected(row))[0] for _ in range(WATCHERS)]
    assert live.watchers == WATCHERS
    catch_ups = counting(monkeypatch, protocol, "catch_up")
    encodes = counting(monkeypatch, fanout, "encode")
    version = create(live, "hello")
    texts = [await ws.receive_from(WAIT) for ws in sockets]
    assert len(set(texts)) == 1
    frame = json.loads(texts[0])
    assert (frame["type"], frame["resourceVersion"], names(frame)) == ("cluster.delta", version, ["hello"])
    assert len(catch_ups) == 1
    assert len(encodes) == 1
    for ws in sockets:
        assert await ws.receive_nothing(0.1)
        await ws.disconnect()
    assert live.watchers == 0


async def test_a_watcher_behind_the_frame_gets_its_own_catch_up() -> None:
    """A watcher not at the frame's fromResourceVersion gets a delta from where it is; the others share the frame."""
    row, live = await sandbox()
    behind, snapshot = await connected(row)
    (lagging,) = the_hub(row).watchers  # the first socket's consumer
    current, _ = await connected(row)
    start = snapshot["resourceVersion"]
    create(live, "one")
    for ws in (behind, current):
        assert names(await ws.receive_json_from(WAIT)) == ["one"]
    lagging.version = start  # as if the frame for "one" had never reached this client
    create(live, "two")
    shared = await current.receive_json_from(WAIT)
    own = await behind.receive_json_from(WAIT)
    assert (shared["fromResourceVersion"], names(shared)) == (start + 1, ["two"])
    assert (own["fromResourceVersion"], names(own)) == (start, ["one", "two"])
    assert own["resourceVersion"] == shared["resourceVersion"]
    create(live, "three")  # both are at the same version again: one shared frame
    after = [await ws.receive_from(WAIT) for ws in (behind, current)]
    assert after[0] == after[1]
    for ws in (behind, current):
        await ws.disconnect()


async def test_a_resume_is_answered_to_that_socket_only() -> None:
    row, live = await sandbox()
    start = live.cluster.store.revision
    create(live, "one")
    resuming, _ = await connected(row)
    quiet, _ = await connected(row)
    await resuming.send_json_to({"type": "resume", "resourceVersion": start})
    replay = await resuming.receive_json_from(WAIT)
    assert (replay["fromResourceVersion"], names(replay)) == (start, ["one"])
    assert await quiet.receive_nothing(0.2)
    create(live, "two")
    assert await resuming.receive_from(WAIT) == await quiet.receive_from(WAIT)
    for ws in (resuming, quiet):
        await ws.disconnect()


async def test_changes_inside_a_batch_go_out_as_one_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a frame, the next waits for BATCH_SECONDS and carries every change made meanwhile."""
    monkeypatch.setattr(fanout, "BATCH_SECONDS", 1.0)
    row, live = await sandbox()
    ws, _ = await connected(row)
    create(live, "first")
    assert names(await ws.receive_json_from(WAIT)) == ["first"]
    create(live, "second")
    assert await ws.receive_nothing(0.2)  # held back: the last frame went out just now
    create(live, "third")
    batch = await ws.receive_json_from(WAIT)
    assert names(batch) == ["second", "third"]
    await ws.disconnect()


async def test_the_hub_is_shared_and_removed_with_its_last_watcher() -> None:
    row, _live = await sandbox()
    sockets = [(await connected(row))[0] for _ in range(3)]
    hub = the_hub(row)
    assert len(hub.watchers) == 3
    layer = get_channel_layer()
    assert len(layer.groups[f"sandbox.{row.id}"]) == 1  # one channel for the process, not one per socket
    for ws in sockets[:2]:
        await ws.disconnect()
    assert fanout.hub_for(row.id) is hub
    await sockets[2].disconnect()
    assert fanout.hub_for(row.id) is None
    assert layer.groups == {}
    assert not hub._tasks  # its loops are finished


async def test_a_dropped_sandbox_closes_its_watchers_with_service_restart() -> None:
    """When this process forgets its copy (handed over, deleted), browsers must reconnect to the owner."""
    row, live = await sandbox()
    ws, _ = await connected(row)
    runtime().drop(row.id)
    assert live.dropped
    assert await ws.receive_output(WAIT) == {"type": "websocket.close", "code": fanout.SERVICE_RESTART}
    await ws.disconnect()
    assert fanout.hub_for(row.id) is None


# --- a relaying process's hub, against a scripted owner ------------------------------------


class FakeWatcher:
    """A consumer as the hub sees it: the texts it was sent, the code it was closed with."""

    def __init__(self) -> None:
        self.version: int | None = None
        self.sending = asyncio.Lock()
        self.texts: list[str] = []
        self.closed: int | None = None

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        assert text_data is not None
        self.texts.append(text_data)

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closed = code


class ScriptedOwner:
    """Answers the hub's forwarded ``snapshot`` calls from a revision the test moves; records them."""

    def __init__(self, revision: int) -> None:
        self.revision = revision
        self.calls: list[int | None] = []
        self.gone = False

    async def call(self, version: int | None) -> Any:
        self.calls.append(version)
        if self.gone:
            raise forwarding.ForwardError("the owning process did not answer in time")
        if version is None:
            return {"type": "cluster.snapshot", "resourceVersion": self.revision, "objects": []}
        return delta(version, self.revision) if version != self.revision else None


def delta(since: int, version: int) -> dict[str, Any]:
    return {"type": "cluster.delta", "fromResourceVersion": since, "resourceVersion": version, "events": []}


@pytest.fixture
def owner(monkeypatch: pytest.MonkeyPatch) -> ScriptedOwner:
    scripted = ScriptedOwner(revision=5)
    monkeypatch.setattr(fanout.RemoteHub, "_call", scripted.call)
    return scripted


async def relay_hub(watchers: list[FakeWatcher]) -> fanout.RemoteHub:
    for watcher in watchers:
        assert await fanout.join(watcher, "remote1", None, "owner-process") is not None
    hub = fanout.hub_for("remote1")
    assert isinstance(hub, fanout.RemoteHub)
    return hub


async def test_a_relay_hub_takes_one_snapshot_for_all_and_heals_a_gap_once(owner: ScriptedOwner) -> None:
    watchers = [FakeWatcher() for _ in range(3)]
    hub = await relay_hub(watchers)
    assert owner.calls == [None]  # one snapshot for the whole class, not one per socket
    assert {w.version for w in watchers} == {5}
    await hub._on_event({"type": "sandbox.delta", "message": delta(5, 6)})
    assert owner.calls == [None]
    assert len({w.texts[-1] for w in watchers}) == 1
    assert {w.version for w in watchers} == {6}
    owner.revision = 8
    await hub._on_event({"type": "sandbox.delta", "message": delta(7, 8)})  # the frame 6 -> 7 was dropped
    assert owner.calls == [None, 6]  # one catch-up for everyone
    assert [json.loads(w.texts[-1])["fromResourceVersion"] for w in watchers] == [6, 6, 6]
    await hub._on_event({"type": "sandbox.delta", "message": delta(5, 6)})  # late and old: ignored
    assert [len(w.texts) for w in watchers] == [3, 3, 3]
    for watcher in watchers:
        await hub.remove(watcher)
    assert fanout.hub_for("remote1") is None


async def test_a_relay_hub_closes_every_socket_when_the_owner_stops_answering(
    owner: ScriptedOwner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fanout, "REMOTE_TOUCH", 0.05)
    watchers = [FakeWatcher() for _ in range(3)]
    hub = await relay_hub(watchers)
    owner.gone = True
    for _ in range(100):
        if fanout.hub_for("remote1") is None:
            break
        await asyncio.sleep(0.02)
    assert [w.closed for w in watchers] == [fanout.SERVICE_RESTART] * 3
    assert fanout.hub_for("remote1") is None
    for watcher in watchers:
        await hub.remove(watcher)
    assert hub.closing and not hub._tasks
