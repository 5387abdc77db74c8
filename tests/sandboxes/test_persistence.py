"""Sandboxes live in memory, are saved as snapshots (throttled) and come back after eviction."""

from __future__ import annotations

import time

import pytest
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import housekeeper, persistence
from kubelearn.sandboxes.models import Sandbox, key_digest
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

pytestmark = pytest.mark.django_db

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]},
        },
    },
}


def configmap(name: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


def objects(live: LiveSandbox) -> list[tuple[str, str, str, str]]:
    return sorted(
        (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"], o["metadata"]["uid"])
        for o in live.cluster.store.iter_kind_all()
    )


def saved_revision(sandbox_id: str) -> int:
    return int(Sandbox.objects.get(pk=sandbox_id).snapshot["store"]["revision"])


def test_a_new_sandbox_is_stored_with_a_booted_cluster_and_hashed_key() -> None:
    """Creating a sandbox stores the snapshot of a freshly booted cluster and the key's digest."""
    row = create_sandbox("alpha")
    row.refresh_from_db()
    assert len(row.id) == 12
    assert row.access_key_sha256 == key_digest(row.access_key)
    assert row.watch_token != row.access_key
    kinds = {o["kind"] for o in row.snapshot["store"]["objects"]}
    assert {"Namespace", "Node", "Service"} <= kinds
    assert Sandbox.by_access_key(row.access_key) == row
    assert Sandbox.by_access_key(row.access_key + "x") is None


def test_the_runtime_restores_a_sandbox_from_its_snapshot_on_open() -> None:
    """A sandbox that is not in memory is loaded by id, or by its access key; unknown keys give None."""
    row = create_sandbox("beta")
    assert runtime().get(row.id) is None
    live = runtime().open_by_key(row.access_key)
    assert live is not None
    assert live.id == row.id
    assert runtime().open(row.id) is live
    assert runtime().open_by_key("not-a-key") is None
    assert runtime().open("nosuchsandbx") is None


def test_objects_survive_being_dropped_from_memory_and_reopened() -> None:
    """Create objects, flush, drop the live cluster: reopening brings back exactly the same objects."""
    row = create_sandbox("gamma")
    live = runtime().open(row.id)
    assert live is not None
    with live.lock:
        live.cluster.api.create(DEPLOYMENT)
        live.cluster.step(30)
        live.changed()
    before = objects(live)
    assert any(kind == "Pod" for kind, *_ in before)
    assert persistence.flush(row.id) is True
    assert persistence.flush(row.id) is False  # nothing new
    runtime().drop(row.id)
    again = runtime().open(row.id)
    assert again is not None
    assert again is not live
    assert objects(again) == before
    assert again.cluster.clock.now == live.cluster.clock.now


def test_snapshot_writes_are_throttled_per_sandbox(settings: Settings) -> None:
    """The first change is written at once, later ones only after SANDBOX_SAVE_SECONDS."""
    settings.SANDBOX_SAVE_SECONDS = 2.0
    row = create_sandbox("delta")
    live = runtime().open(row.id)
    assert live is not None
    start = saved_revision(row.id)
    live.last_saved = 0.0  # long ago
    now = time.monotonic()
    with live.lock:
        live.cluster.api.create(configmap("one"))
        live.changed()
    assert persistence.save_due(now) == 1
    first = saved_revision(row.id)
    assert first > start
    with live.lock:
        live.cluster.api.create(configmap("two"))
        live.changed()
    assert persistence.save_due(now + 1.0) == 0
    assert saved_revision(row.id) == first
    assert persistence.save_due(now + 2.5) == 1
    assert saved_revision(row.id) == live.cluster.store.revision


def test_idle_sandboxes_are_flushed_and_evicted_but_watched_ones_stay(settings: Settings) -> None:
    """Eviction saves unsaved changes first; a watched sandbox is never evicted."""
    settings.SANDBOX_IDLE_SECONDS = 60
    idle, watched = create_sandbox("idle"), create_sandbox("watched")
    live_idle, live_watched = runtime().open(idle.id), runtime().open(watched.id)
    assert live_idle is not None
    assert live_watched is not None
    live_watched.watch()
    with live_idle.lock:
        live_idle.cluster.api.create(configmap("kept"))
        live_idle.changed()
    later = time.monotonic() + 61
    assert persistence.evict_idle(later) == [idle.id]
    assert runtime().live_ids() == [watched.id]
    assert saved_revision(idle.id) == live_idle.cluster.store.revision
    reopened = runtime().open(idle.id)
    assert reopened is not None
    assert reopened.cluster.store.get("ConfigMap", "default", "kept") is not None


def test_the_housekeeper_ticks_only_watched_running_sandboxes() -> None:
    """Watched sandboxes advance with the wall clock times their speed; paused or unwatched ones do not."""
    rows = [create_sandbox(name) for name in ("w1", "w2", "w3")]
    fast, paused, unwatched = (runtime().open(r.id) for r in rows)
    assert fast is not None
    assert paused is not None
    assert unwatched is not None
    fast.watch()
    paused.watch()
    fast.set_speed(10)  # clamped to 4
    paused.set_speed(paused=True)
    assert fast.speed == 4.0
    start = time.monotonic()
    for live in (fast, paused, unwatched):
        live.last_wall = start
    clocks = [live.cluster.clock.now for live in (fast, paused, unwatched)]
    assert housekeeper.tick_watched(start + 2.0) == 1
    assert fast.cluster.clock.now == pytest.approx(clocks[0] + 8.0)
    assert paused.cluster.clock.now == clocks[1]
    assert unwatched.cluster.clock.now == clocks[2]
    fast.unwatch()
    assert fast.watchers == 0


def test_a_run_of_the_housekeeper_saves_speed_and_pause_with_the_snapshot() -> None:
    """Speed and pause travel with the snapshot, so a restored sandbox keeps them."""
    row = create_sandbox("epsilon")
    live = runtime().open(row.id)
    assert live is not None
    live.set_speed(0.1, paused=True)
    live.changed()
    housekeeper.run_once(time.monotonic() + 5)
    row.refresh_from_db()
    assert (row.speed, row.paused) == (0.25, True)
    runtime().drop(row.id)
    again = runtime().open(row.id)
    assert again is not None
    assert (again.speed, again.paused) == (0.25, True)
