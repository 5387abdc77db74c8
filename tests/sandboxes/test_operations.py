"""Named sandbox operations (``forwarding.operation``/``run_sync``) and the hand-over, in one process.

Without Redis every sandbox is this process's, so ``run_sync`` runs the operation here under
the runtime's rule; these tests pin that local path (lock, ``advance``, ``changed`` only when
the store moved, values that survive a trip between processes) and the runtime's side of a
hand-over (final write, drop, waiters woken, lease released). The cross-process paths are in
``tests/scaleout``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from kubelearn.cluster import Cluster
from kubelearn.sandboxes import forwarding, persistence
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

pytestmark = pytest.mark.django_db

CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made-here", "namespace": "default"}}
seen: dict[str, Any] = {}


@forwarding.operation("test.create")
def _create(live: LiveSandbox, name: str) -> dict[str, Any]:
    seen["locked"] = live.lock._is_owned()  # type: ignore[attr-defined]
    seen["live"] = live
    body = {**CONFIGMAP, "metadata": {**CONFIGMAP["metadata"], "name": name}}
    created, _ = live.cluster.api.create(body)
    return {"uid": created["metadata"]["uid"], "pair": (1, 2)}


@forwarding.operation("test.read", right="watch")
def _read(live: LiveSandbox) -> list[str]:
    return sorted(o["metadata"]["name"] for o in live.cluster.store.iter_kind("ConfigMap", "default"))


@forwarding.operation("test.leak")
def _leak(live: LiveSandbox) -> Any:
    return live  # not JSON-able: would not survive a trip to another process


@pytest.fixture
def row() -> Sandbox:
    seen.clear()
    return create_sandbox("ops")


def test_an_operation_runs_here_under_the_lock_and_wakes_watchers_when_it_changes_the_store(row: Sandbox) -> None:
    changes: list[int] = []
    live = runtime().open(row.id)
    assert live is not None
    live.on_change.append(lambda lv: changes.append(lv.cluster.store.revision))
    result = forwarding.run_sync(row.id, "test.create", name="made-here")
    assert seen == {"locked": True, "live": live}
    assert result["pair"] == [1, 2]  # as it would arrive from another process
    assert live.cluster.store.get("ConfigMap", "default", "made-here")["metadata"]["uid"] == result["uid"]
    assert changes and live.dirty
    changes.clear()
    assert forwarding.run_sync(row.id, "test.read") == ["made-here"]
    assert changes == []  # a read changes nothing and wakes nobody


def test_unknown_operations_sandboxes_and_rights_are_refused(row: Sandbox) -> None:
    with pytest.raises(LookupError):
        forwarding.run_sync(row.id, "test.nothing-by-this-name")
    with pytest.raises(LookupError):
        forwarding.run_sync("nosuchsandbox", "test.read")
    with pytest.raises(ValueError, match="right"):
        forwarding.operation("test.bad", right="admin")


def test_values_that_could_not_cross_processes_fail_here_too(row: Sandbox) -> None:
    with pytest.raises(TypeError):
        forwarding.run_sync(row.id, "test.leak")
    with pytest.raises(TypeError):
        forwarding.run_sync(row.id, "test.create", name=object())


def test_an_operation_that_finds_its_object_handed_over_runs_on_the_current_one(row: Sandbox) -> None:
    stale = runtime().open(row.id)
    assert stale is not None
    runtime().drop(row.id)
    assert stale.dropped
    with pytest.raises(forwarding.Moved):
        forwarding.run_local(stale, "test.read", {})
    forwarding.run_sync(row.id, "test.create", name="after")
    assert seen["live"] is not stale
    assert seen["live"] is runtime().get(row.id)


def test_take_over_without_redis_is_the_local_open(row: Sandbox) -> None:
    assert forwarding.take_over(row.id) is runtime().open(row.id)
    with pytest.raises(LookupError):
        forwarding.take_over("nosuchsandbox")


def test_hand_over_writes_last_drops_and_releases_under_the_locks(row: Sandbox) -> None:
    live = runtime().open(row.id)
    assert live is not None
    forwarding.run_sync(row.id, "test.create", name="last-words")
    dropped: list[LiveSandbox] = []
    runtime().on_drop.append(dropped.append)
    released: list[str] = []

    def release(sandbox_id: str) -> None:
        assert live.lock._is_owned() and live.save_lock.locked()  # type: ignore[attr-defined]
        released.append(sandbox_id)

    try:
        assert runtime().hand_over(row.id, persistence.save_held, release) is live
    finally:
        runtime().on_drop.remove(dropped.append)
    assert released == [row.id] and dropped == [live] and live.dropped
    assert runtime().get(row.id) is None
    saved = Sandbox.objects.get(pk=row.id).snapshot["store"]["objects"]
    assert any(o["metadata"]["name"] == "last-words" for o in saved)  # written before the drop
    assert runtime().hand_over(row.id, persistence.save_held, released.append) is None
    assert released == [row.id, row.id]  # not in memory: the lease is released all the same


def test_a_failed_final_write_keeps_the_sandbox(row: Sandbox) -> None:
    live = runtime().open(row.id)

    def broken(_: LiveSandbox) -> None:
        raise OSError("database gone")

    with pytest.raises(OSError):
        runtime().hand_over(row.id, broken, lambda _: None)
    assert runtime().get(row.id) is live and live is not None and not live.dropped


async def test_dropping_wakes_a_waiting_watcher_at_once() -> None:
    live = runtime().add(LiveSandbox("wakeme", Cluster(seed=1)))
    waiter = asyncio.create_task(live.wait_for_change(30))
    await asyncio.sleep(0.05)
    threading.Thread(target=runtime().drop, args=("wakeme",)).start()
    assert await asyncio.wait_for(waiter, 5) is True
    assert live.dropped and runtime().get("wakeme") is None
