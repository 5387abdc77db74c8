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

from ..objects import Key, Obj, controller_ref
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
    ref = controller_ref(pod)
    return str(ref.get("uid", "")) if ref else ""


class PodIndex:
    def __init__(self, ctx: Context) -> None:
        self.pods: dict[PodKey, Obj] = {}
        self.by_owner: dict[str, dict[PodKey, None]] = {}
        self.by_ns: dict[str, dict[str, Obj]] = {}
        self._last: tuple[int, Obj | None, Obj | None] = (-1, None, None)
        for pod in ctx.store.iter_kind("Pod"):
            self._put(pod)
        self._synced_at = ctx.store.revision

    def _put(self, pod: Obj) -> None:
        meta = pod["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        self.pods[key] = pod
        self.by_ns.setdefault(key[0], {})[key[1]] = pod
        uid = controller_uid(pod)
        if uid:
            self.by_owner.setdefault(uid, {})[key] = None

    def _drop(self, pod: Obj) -> None:
        meta = pod["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        self.pods.pop(key, None)
        self.by_ns.get(key[0], {}).pop(key[1], None)
        uid = controller_uid(pod)
        owned = self.by_owner.get(uid)
        if owned is not None:
            owned.pop(key, None)
            if not owned:
                del self.by_owner[uid]

    def observe(self, event: WatchEvent) -> tuple[Obj | None, Obj | None]:
        """Apply one pod event (once, whichever controller sees it first); return (old, new)."""
        rv = event.resource_version
        if rv and rv == self._last[0]:
            return self._last[1], self._last[2]
        pod = event.object
        meta = pod["metadata"]
        old = self.pods.get((meta.get("namespace", ""), meta["name"]))
        if old is not None:
            self._drop(old)
        new = None if event.type == DELETED else pod
        if new is not None:
            self._put(new)
        if rv == 0 or rv <= self._synced_at:
            old = None  # a replayed or pre-cache event: we cannot know what changed
        if rv:
            self._last = (rv, old, new)
        return old, new

    def owned_by(self, uid: str) -> list[Obj]:
        return [self.pods[key] for key in self.by_owner.get(uid, ())]

    def in_namespace(self, namespace: str) -> list[Obj]:
        return list(self.by_ns.get(namespace, {}).values())


def pod_index(ctx: Context) -> PodIndex:
    index = ctx.extras.get("pod_index")
    if index is None:
        index = ctx.extras["pod_index"] = PodIndex(ctx)
    return index  # type: ignore[no-any-return]


def coalesce(ctx: Context, tag: str, key: Key, sync: Callable[[Context, Key], Any]) -> None:
    """Run ``sync(ctx, key)`` once, at the end of the current instant, however often it is asked."""
    pending: dict[Key, None] = ctx.extras.setdefault(f"coalesce:{tag}", {})
    if key in pending:
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
