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

from ..apiserver.server import BACKGROUND, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, FOREGROUND
from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of, namespace_of, owner_references, uid_of
from ..store import DELETED, WatchEvent
from .base import Context, Result

NAME = "garbage-collector"
OWNED_KINDS = ("ReplicaSet", "Pod", "Job", "Endpoints")
WATCHES = ("Deployment", "ReplicaSet", "Pod", "Job", "Service", "HorizontalPodAutoscaler", "Node", "Endpoints")


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    meta = obj.get("metadata", {})
    keys: list[Key] = []
    if event.type != DELETED and (owner_references(obj) or meta.get("finalizers")):
        keys.append(key_of(obj))
    if event.type == DELETED or meta.get("deletionTimestamp"):
        keys.extend(key_of(dep) for dep in dependents(ctx, obj))
    return keys


def dependents(ctx: Context, owner: Obj) -> list[Obj]:
    uid = uid_of(owner)
    ns = namespace_of(owner) or None
    found = []
    for kind in OWNED_KINDS:
        for obj in ctx.store.iter_kind(kind, ns):
            if any(ref.get("uid") == uid for ref in owner_references(obj)):
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
