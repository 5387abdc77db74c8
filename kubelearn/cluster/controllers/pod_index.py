"""The workload controllers' shared pod informer cache: pods by namespace and by controller.

Mirrors the shared pod informer and its indexers in kube-controller-manager: the ReplicaSet,
Job and Endpoints controllers all look at the same pods, so one cache answers "which pods
does this ReplicaSet control?" or "which pods live in this namespace?" without rescanning
the store. The cache is fed from the informer events each controller's ``keys_for`` sees;
``observe`` returns the previous and current version of the pod so each controller can
decide whether the change matters to it (the ``updatePod`` handlers upstream compare
``old`` and ``cur`` the same way).

``coalesce`` is the other half of keeping a 1,000-pod rollout cheap: status-only changes
(a pod became Ready) are gathered and reconciled once per simulated instant, as a real
controller's work queue collapses a burst of updates into one sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..objects import Key, Obj
from ..store import DELETED, WatchEvent
from .base import Context

PodKey = tuple[str, str]  # (namespace, name)


def is_active(pod: Obj) -> bool:
    """``controller.IsPodActive``: not finished and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def ready_condition(pod: Obj) -> dict[str, Any] | None:
    for cond in (pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == "Ready":
            return cond  # type: ignore[no-any-return]
    return None


def is_ready(pod: Obj) -> bool:
    cond = ready_condition(pod)
    return cond is not None and cond.get("status") == "True"


def controller_uid(pod: Obj | None) -> str:
    if pod is None:
        return ""
    for ref in pod["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return str(ref.get("uid", ""))
    return ""


class PodIndex:
    def __init__(self, ctx: Context) -> None:
        self.pods: dict[PodKey, Obj] = {}
        self.by_owner: dict[str, dict[PodKey, None]] = {}
        self.by_ns: dict[str, dict[str, Obj]] = {}
        # Pods without a controller, per namespace: the only ones a ReplicaSet or Job may adopt
        # (``ClaimPods`` upstream filters a namespace's list the same way; an index keeps a
        # 10,000-pod namespace from being rescanned on every sync).
        self.orphans: dict[str, dict[str, Obj]] = {}
        self._last: tuple[int, Obj | None, Obj | None] = (-1, None, None)
        for pod in ctx.store.iter_kind("Pod"):
            self._put(pod)
        self._synced_at = ctx.store.revision

    def _put(self, pod: Obj, ns: str | None = None, name: str = "", uid: str | None = None) -> None:
        if ns is None:
            meta = pod["metadata"]
            ns, name = meta.get("namespace", ""), meta["name"]
        if uid is None:
            uid = controller_uid(pod)
        key = (ns, name)
        self.pods[key] = pod
        in_ns = self.by_ns.get(ns)
        if in_ns is None:
            in_ns = self.by_ns[ns] = {}
        in_ns[name] = pod
        if uid:
            owned = self.by_owner.get(uid)
            if owned is None:
                owned = self.by_owner[uid] = {}
            owned[key] = None
        else:
            orphans = self.orphans.get(ns)
            if orphans is None:
                orphans = self.orphans[ns] = {}
            orphans[name] = pod

    def _drop(self, pod: Obj, ns: str | None = None, name: str = "", uid: str | None = None) -> None:
        if ns is None:
            meta = pod["metadata"]
            ns, name = meta.get("namespace", ""), meta["name"]
        if uid is None:
            uid = controller_uid(pod)
        key = (ns, name)
        self.pods.pop(key, None)
        self.by_ns.get(ns, {}).pop(name, None)
        if not uid:
            orphans = self.orphans.get(ns)
            if orphans is not None:
                orphans.pop(name, None)
                if not orphans:
                    del self.orphans[ns]
            return
        owned = self.by_owner.get(uid)
        if owned is not None:
            owned.pop(key, None)
            if not owned:
                del self.by_owner[uid]

    def observe(self, event: WatchEvent) -> tuple[Obj | None, Obj | None]:
        """Apply one pod event (once, whichever controller sees it first); return (old, new)."""
        rv = event.resource_version
        last = self._last
        if rv and rv == last[0]:
            return last[1], last[2]
        pod = event.object
        meta = pod["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        key = (ns, name)
        old = self.pods.get(key)
        new = None if event.type == DELETED else pod
        if (
            new is not None
            and old is not None
            and old["metadata"].get("ownerReferences") is meta.get("ownerReferences")
            and name in self.by_ns.get(ns, ())
        ):
            # A status write: same owner references (stored objects are never mutated, so
            # unchanged parts are shared with the version before). Move the pod to the end of
            # its lists, as a drop and put would, without looking its owner up again.
            self.pods[key] = pod
            in_ns = self.by_ns[ns]
            del in_ns[name]
            in_ns[name] = pod
            uid = controller_uid(pod)
            if uid:
                owned = self.by_owner[uid]
                del owned[key]
                owned[key] = None
            else:
                orphans = self.orphans[ns]
                del orphans[name]
                orphans[name] = pod
        else:
            uid = controller_uid(pod)
            if old is not None:
                same = old["metadata"].get("ownerReferences") is meta.get("ownerReferences")
                self._drop(old, ns, name, uid if same else None)
            if new is not None:
                self._put(new, ns, name, uid)
        if rv == 0 or rv <= self._synced_at:
            old = None  # a replayed or pre-cache event: we cannot know what changed
        if rv:
            self._last = (rv, old, new)
        return old, new

    def owned_by(self, uid: str) -> list[Obj]:
        return [self.pods[key] for key in self.by_owner.get(uid, ())]

    def in_namespace(self, namespace: str) -> list[Obj]:
        return list(self.by_ns.get(namespace, {}).values())

    def orphans_in(self, namespace: str) -> list[Obj]:
        """Pods of ``namespace`` without a controller owner, in ``in_namespace`` order."""
        return list(self.orphans.get(namespace, {}).values())


def pod_index(ctx: Context) -> PodIndex:
    index = ctx.extras.get("pod_index")
    if index is None:
        index = ctx.extras["pod_index"] = PodIndex(ctx)
    return index  # type: ignore[no-any-return]


def coalesce(ctx: Context, tag: str, key: Key, sync: Callable[[Context, Key], Any]) -> None:
    """Run ``sync(ctx, key)`` once, at the end of the current instant, however often it is asked."""
    pending: dict[Key, None] | None = ctx.extras.get(f"coalesce:{tag}")
    if pending is None:
        pending = ctx.extras[f"coalesce:{tag}"] = {}
    elif key in pending:
        return
    first = not pending
    pending[key] = None
    if first:

        def flush() -> None:
            while pending:
                item = next(iter(pending))
                del pending[item]
                result = sync(ctx, item)
                delay = getattr(result, "requeue_after", None)
                if delay is not None:
                    ctx.clock.call_later(delay, lambda k=item: coalesce(ctx, tag, k, sync))

        ctx.clock.call_later(0.0, flush)
