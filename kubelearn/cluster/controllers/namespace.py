"""The namespace controller: empties a terminating namespace, then lets it go.

Mirrors ``pkg/controller/namespace``: ``kubectl delete namespace`` only marks the namespace
``Terminating``; this controller deletes everything inside it, waits until the last pod has
finished terminating, and then removes the ``kubernetes`` finalizer so the namespace vanishes.
New objects are refused meanwhile (NamespaceLifecycle admission). Lesson: "Namespaces".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from ..errors import StatusError
from ..kinds import KINDS
from ..objects import Key, clone, is_being_deleted
from ..store import WatchEvent
from .base import Context, Result

NAME = "namespace"
WATCHES = ("Namespace",)
RECHECK_SECONDS = 1.0


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    if event.type != "DELETED" and is_being_deleted(event.object):
        return [("Namespace", "", event.object["metadata"]["name"])]
    return []


def reconcile(ctx: Context, key: Key) -> Result:
    namespace = ctx.store.peek(*key)
    if namespace is None or not is_being_deleted(namespace):
        return Result()
    name = key[2]
    remaining = 0
    for info in KINDS:
        if not info.namespaced:
            continue
        for obj in list(ctx.store.iter_kind(info.kind, name)):
            remaining += 1
            if not is_being_deleted(obj):
                with contextlib.suppress(StatusError):
                    ctx.api.delete(info.kind, name, obj["metadata"]["name"])
    if remaining:
        return Result(requeue_after=RECHECK_SECONDS)
    ctx.store.delete("Namespace", "", name)
    return Result()


def finalize_spec(namespace: dict) -> dict:  # type: ignore[type-arg]
    """The namespace with its ``spec.finalizers`` emptied (what ``/finalize`` writes)."""
    updated = clone(namespace)
    updated.setdefault("spec", {})["finalizers"] = []
    return updated
