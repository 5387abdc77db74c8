"""The WebSocket protocol between a sandbox and its watchers: a snapshot, then versioned deltas.

Modelled on a Kubernetes list-then-watch (and kube-ops-view's ``clusterupdate`` /
``clusterdelta``). Server to client::

    {"type": "cluster.snapshot", "resourceVersion": 12, "objects": [...]}
    {"type": "cluster.delta", "fromResourceVersion": 12, "resourceVersion": 15,
     "events": [{"type": "ADDED"|"MODIFIED"|"DELETED", "object": {...}}, ...]}
    {"type": "error", "message": "..."}

Client to server::

    {"type": "resume", "resourceVersion": 12}

A delta applies only on top of state at ``fromResourceVersion``; a client that sees a gap
sends ``resume`` with the last version it holds and gets the missing events, or a fresh
snapshot when the server's history no longer reaches back that far. Objects keep
Kubernetes' JSON shape; resource versions are integers (the store's revision).
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.store import Store, WatchEvent

SNAPSHOT = "cluster.snapshot"
DELTA = "cluster.delta"
ERROR = "error"
RESUME = "resume"


class EventEntry(TypedDict):
    type: str
    object: dict[str, Any]


class SnapshotMessage(TypedDict):
    type: Literal["cluster.snapshot"]
    resourceVersion: int
    objects: list[dict[str, Any]]


class DeltaMessage(TypedDict):
    type: Literal["cluster.delta"]
    fromResourceVersion: int
    resourceVersion: int
    events: list[EventEntry]


class ErrorMessage(TypedDict):
    type: Literal["error"]
    message: str


def snapshot(resource_version: int, objects: list[dict[str, Any]]) -> SnapshotMessage:
    return {"type": SNAPSHOT, "resourceVersion": resource_version, "objects": objects}


def delta(from_version: int, resource_version: int, events: list[WatchEvent]) -> DeltaMessage:
    entries: list[EventEntry] = [{"type": e.type, "object": e.object} for e in events]
    return {"type": DELTA, "fromResourceVersion": from_version, "resourceVersion": resource_version, "events": entries}


def error(message: str) -> ErrorMessage:
    return {"type": ERROR, "message": message}


def parse_resume(message: Any) -> int | None:
    """The version a ``resume`` message asks for, or None if the message is not a valid resume."""
    if not isinstance(message, dict) or message.get("type") != RESUME:
        return None
    version = message.get("resourceVersion")
    if isinstance(version, bool) or not isinstance(version, int | str):
        return None
    try:
        value = int(version)
    except ValueError:
        return None
    return value if value >= 0 else None


def catch_up(store: Store, version: int | None) -> SnapshotMessage | DeltaMessage | None:
    """What a watcher at ``version`` needs next (call with the sandbox lock held).

    Nothing when it is current; a delta with every event after ``version`` when the store's
    history reaches back that far; otherwise (no version yet, too old, or ahead of the store,
    as after a restore) a fresh snapshot. Objects are the store's own read-only dicts:
    encode them, never change them.
    """
    if version is None or version > store.revision:
        return snapshot(store.revision, list(store.iter_kind_all()))
    try:
        events = store.events_since(version)
    except StatusError:  # 410 Gone: compacted away
        return snapshot(store.revision, list(store.iter_kind_all()))
    if not events:
        return None
    return delta(version, store.revision, events)
