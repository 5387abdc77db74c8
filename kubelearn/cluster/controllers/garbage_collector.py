"""The garbage collector: cascading deletion through ``ownerReferences``.

Mirrors kube-controller-manager's garbage collector (``pkg/controller/garbagecollector``):
- an object whose every owner is gone is deleted (background cascading, the default);
- an owner deleted with ``propagationPolicy: Foreground`` carries the ``foregroundDeletion``
  finalizer and stays (with a deletionTimestamp) until its dependents are gone;
- an owner deleted with ``Orphan`` carries the ``orphan`` finalizer: its dependents lose the
  owner reference and live on.
Simplified: it scans the owned kinds instead of keeping upstream's dependency graph — the
mini cluster holds hundreds of objects, not millions. Lesson: "Self-healing" and "Deployment".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from ..apiserver.server import BACKGROUND, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, FOREGROUND
from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of, namespace_of, owner_references, uid_of
from ..store import ADDED, DELETED, WatchEvent
from .base import Context, Result

NAME = "garbage-collector"
OWNED_KINDS = ("ReplicaSet", "Pod", "Job", "Endpoints")
WATCHES = ("Deployment", "ReplicaSet", "Pod", "Job", "Service", "HorizontalPodAutoscaler", "Node", "Endpoints")


def _index(ctx: Context) -> dict[str, set[Key]]:
    """Owner uid -> keys of its dependents: upstream's dependency graph, kept from watch events."""
    index: dict[str, set[Key]] | None = ctx.extras.get("gc_dependents")
    if index is None:
        index = ctx.extras["gc_dependents"] = {}
    return index


def _track(ctx: Context, event: WatchEvent) -> bool:
    """Keep the dependency graph; True when the object's owner references may have changed.

    Upstream's graph builder queues an object for ``attemptToDelete`` when it appears or its
    owner references change, not on every status write; a vanished owner is caught from the
    owner's own DELETED event (``dependents`` of its uid).
    """
    kind = event.kind
    if kind not in OWNED_KINDS:
        return True
    meta = event.object["metadata"]
    key = (kind, str(meta.get("namespace", "") or ""), str(meta.get("name", "")))
    refs = meta.get("ownerReferences") or _NO_REFS
    refs_of: dict[Key, list[dict[str, Any]]] | None = ctx.extras.get("gc_owners_of")
    if refs_of is None:
        refs_of = ctx.extras["gc_owners_of"] = {}
    kept = event.type != ADDED and event.type != DELETED and event.resource_version
    if kept:
        # An update (most are status writes, which share the reference list with the version
        # before): nothing to re-index while the references stay the same.
        previous = refs_of.get(key, _NO_REFS)
        if refs is previous:
            return False
        if refs == previous:
            refs_of[key] = refs
            return False
    previous = refs_of.pop(key, _NO_REFS)
    if event.type != DELETED and refs:
        refs_of[key] = refs
    index = _index(ctx)
    for ref in previous:
        index.get(ref.get("uid", ""), set()).discard(key)
    if event.type != DELETED:
        for ref in refs:
            uid = ref.get("uid", "")
            dependents = index.get(uid)
            if dependents is None:
                dependents = index[uid] = set()
            dependents.add(key)
    return True


_NO_REFS: list[dict[str, Any]] = []


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    owners_changed = _track(ctx, event)
    obj = event.object
    meta = obj.get("metadata", {})
    keys: list[Key] = []
    if event.type != DELETED and (
        (meta.get("ownerReferences") and (owners_changed or meta.get("deletionTimestamp"))) or meta.get("finalizers")
    ):
        keys.append(key_of(obj))
    if event.type == DELETED or meta.get("deletionTimestamp"):
        keys.extend(key_of(dep) for dep in dependents(ctx, obj))
    if event.type == DELETED:
        # An owner waiting in foreground deletion may now be free to go.
        keys.extend((ref.get("kind", ""), namespace_of(obj), ref.get("name", "")) for ref in owner_references(obj))
    return keys


def dependents(ctx: Context, owner: Obj) -> list[Obj]:
    found = []
    for key in sorted(_index(ctx).get(uid_of(owner), ())):
        obj = ctx.store.peek(*key)
        if obj is not None:
            found.append(obj)
    return found


def _owner_exists(ctx: Context, obj: Obj, ref: dict) -> bool:  # type: ignore[type-arg]
    owner = ctx.store.peek(ref.get("kind", ""), namespace_of(obj), ref.get("name", ""))
    if owner is None and ref.get("kind") in ("Node", "Namespace"):
        owner = ctx.store.peek(ref.get("kind", ""), "", ref.get("name", ""))
    return owner is not None and uid_of(owner) == ref.get("uid")


def reconcile(ctx: Context, key: Key) -> Result:
    obj = ctx.store.peek(*key)
    if obj is None:
        return Result()
    finalizers = obj["metadata"].get("finalizers") or []
    if obj["metadata"].get("deletionTimestamp"):
        if FINALIZER_ORPHAN in finalizers:
            _orphan_dependents(ctx, obj)
            ctx.api.remove_finalizer(key[0], key[1], key[2], FINALIZER_ORPHAN)
            return Result()
        if FINALIZER_FOREGROUND in finalizers:
            remaining = dependents(ctx, obj)
            for dep in remaining:
                if not dep["metadata"].get("deletionTimestamp"):
                    _delete(ctx, dep, FOREGROUND)
            if not dependents(ctx, obj):
                ctx.api.remove_finalizer(key[0], key[1], key[2], FINALIZER_FOREGROUND)
            return Result()
    refs = owner_references(obj)
    if refs and not obj["metadata"].get("deletionTimestamp"):
        alive = [ref for ref in refs if _owner_exists(ctx, obj, ref)]
        if not alive:
            _delete(ctx, obj, BACKGROUND)
        elif len(alive) != len(refs):
            updated = clone(obj)
            updated["metadata"]["ownerReferences"] = alive
            ctx.api.update(updated, trusted=True)
    return Result()


def _orphan_dependents(ctx: Context, owner: Obj) -> None:
    uid = uid_of(owner)
    for dep in dependents(ctx, owner):
        updated = clone(dep)
        refs = [ref for ref in owner_references(dep) if ref.get("uid") != uid]
        if refs:
            updated["metadata"]["ownerReferences"] = refs
        else:
            updated["metadata"].pop("ownerReferences", None)
        ctx.api.update(updated, trusted=True)


def _delete(ctx: Context, obj: Obj, propagation: str) -> None:
    kind, ns, name = key_of(obj)
    with contextlib.suppress(StatusError):  # already gone: the state we wanted
        ctx.api.delete(kind, ns, name, propagation=propagation)
