"""Node lifecycle: notice a silent kubelet, taint the node, evict its pods, collect orphans.

Mirrors three kube-controller-manager loops (1.32):
- ``nodelifecycle`` (node-controller): a node whose kubelet stopped posting status for
  ``node-monitor-grace-period`` gets every condition set to ``Unknown`` /
  ``NodeStatusUnknown`` / "Kubelet stopped posting node status.", a ``NodeNotReady`` event,
  and its pods marked ``Ready=False`` (``MarkPodsNotReady``, event "Node is not ready"). It
  keeps the condition taints in step: ``not-ready`` / ``unreachable`` as NoSchedule *and*
  NoExecute (with ``timeAdded``), ``memory-pressure`` & co. and ``unschedulable`` (for a
  cordoned node) as NoSchedule;
- ``tainteviction`` (taint-eviction-controller): a pod on a node with a NoExecute taint it
  does not tolerate is deleted at once; one that tolerates it for ``tolerationSeconds`` is
  deleted that long after ``timeAdded`` (event ``TaintManagerEviction``, condition
  ``DisruptionTarget``);
- ``podgc``: pods bound to a node that no longer exists are deleted.
Simplified: the kubelet's heartbeat is implicit (no periodic writes): ``nodes.fail_node``
records the last heartbeat and the ``kubelearn.dev/failure`` annotation. Evicted pods are
force-deleted (grace 0) because no kubelet is left to confirm termination. A pod without the
not-ready/unreachable tolerations that DefaultTolerationSeconds admission adds is treated as if
it had them, and their 300s default means ``timings.eviction_timeout`` here. No PodGC quarantine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of
from ..store import DELETED, WatchEvent
from .base import Context, Result

NAME = "node-lifecycle-controller"
WATCHES = ("Node", "Pod")
NODE_CONTROLLER = "node-controller"
TAINT_EVICTION = "taint-eviction-controller"

FAILURE_ANNOTATION = "kubelearn.dev/failure"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
DEFAULT_TOLERATION_SECONDS = 300  # DefaultTolerationSeconds admission's default
# taintNodeByCondition: condition type -> (status that taints, taint key)
CONDITION_TAINTS = (
    ("MemoryPressure", "True", "node.kubernetes.io/memory-pressure"),
    ("DiskPressure", "True", "node.kubernetes.io/disk-pressure"),
    ("PIDPressure", "True", "node.kubernetes.io/pid-pressure"),
    ("NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable"),
)
CONTROLLER_KEYS = frozenset({NOT_READY, UNREACHABLE, UNSCHEDULABLE, *(key for _, _, key in CONDITION_TAINTS)})
UNKNOWN_REASON = "NodeStatusUnknown"
UNKNOWN_MESSAGE = "Kubelet stopped posting node status."


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    if event.kind == "Node":
        return [("Node", "", obj["metadata"]["name"])]
    if event.type == DELETED:
        return ()
    node_name = (obj.get("spec") or {}).get("nodeName")
    if not node_name:
        return ()
    node = ctx.store.peek("Node", "", node_name)
    if node is None:
        return [key_of(obj)]  # an orphan for PodGC
    if obj["metadata"].get("deletionTimestamp"):
        return ()
    taints = (node.get("spec") or {}).get("taints")
    if taints and any(t.get("effect") == "NoExecute" for t in taints):
        return [("Node", "", node_name)]
    return ()


def condition(node: Obj, kind: str) -> dict[str, Any] | None:
    for cond in (node.get("status") or {}).get("conditions") or ():
        if cond.get("type") == kind:
            return cond  # type: ignore[no-any-return]
    return None


def is_failed(node: Obj) -> bool:
    return (node["metadata"].get("annotations") or {}).get(FAILURE_ANNOTATION) == "true"


def pods_on(ctx: Context, node_name: str) -> list[Obj]:
    return [p for p in ctx.store.iter_kind("Pod") if (p.get("spec") or {}).get("nodeName") == node_name]


def reconcile(ctx: Context, key: Key) -> Result:
    if key[0] == "Pod":
        _collect_orphan(ctx, key)
        return Result()
    node = ctx.store.peek("Node", "", key[2])
    if node is None:
        for pod in pods_on(ctx, key[2]):
            _collect_orphan(ctx, key_of(pod))
        return Result()
    waits: list[float] = []
    if is_failed(node):
        node, wait = _monitor_health(ctx, node)
        if wait is not None:
            waits.append(wait)
    node = _sync_taints(ctx, node)
    wait = _evict_from(ctx, node)
    if wait is not None:
        waits.append(wait)
    return Result(requeue_after=min(waits) if waits else None)


# -- node health (monitorNodeHealth) --------------------------------------------------------


def _monitor_health(ctx: Context, node: Obj) -> tuple[Obj, float | None]:
    ready = condition(node, "Ready")
    if ready is not None and ready.get("status") == "Unknown":
        return node, None
    heartbeat = ctx.clock.parse(ready["lastHeartbeatTime"]) if ready and ready.get("lastHeartbeatTime") else 0.0
    due = heartbeat + ctx.timings.node_monitor_grace
    if ctx.clock.now < due:
        return node, due - ctx.clock.now
    updated = clone(node)
    now = ctx.clock.timestamp()
    for cond in updated.get("status", {}).get("conditions") or []:
        if cond.get("type") in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
            if cond.get("status") != "Unknown":
                cond["lastTransitionTime"] = now
            cond.update(status="Unknown", reason=UNKNOWN_REASON, message=UNKNOWN_MESSAGE)
    written, _ = ctx.api.update(updated, subresource="status", trusted=True)
    name = node["metadata"]["name"]
    ctx.events.record(written, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady", NODE_CONTROLLER)
    _mark_pods_not_ready(ctx, name)
    return ctx.store.peek("Node", "", name) or written, None


def _mark_pods_not_ready(ctx: Context, node_name: str) -> None:
    """``MarkPodsNotReady``: Ready=False on every pod of the node, with a warning event each."""
    for pod in pods_on(ctx, node_name):
        conditions = (pod.get("status") or {}).get("conditions") or []
        if not any(c.get("type") == "Ready" and c.get("status") != "False" for c in conditions):
            continue
        updated = clone(pod)
        for cond in updated["status"]["conditions"]:
            if cond.get("type") == "Ready":
                cond["status"] = "False"
                cond["lastTransitionTime"] = ctx.clock.timestamp()
        try:
            written, _ = ctx.api.update(updated, subresource="status", trusted=True)
        except StatusError:
            continue
        ctx.events.record(written, "Warning", "NodeNotReady", "Node is not ready", NODE_CONTROLLER)


# -- taints (doNoScheduleTaintingPass / doNoExecuteTaintingPass) ----------------------------


def desired_taints(node: Obj) -> list[dict[str, str]]:
    """The controller-owned taints this node should carry now, NoExecute first."""
    wanted: list[dict[str, str]] = []
    ready = condition(node, "Ready")
    status = ready.get("status") if ready else "Unknown"
    if status == "False":
        wanted += [{"key": NOT_READY, "effect": "NoExecute"}, {"key": NOT_READY, "effect": "NoSchedule"}]
    elif status == "Unknown":
        wanted += [{"key": UNREACHABLE, "effect": "NoExecute"}, {"key": UNREACHABLE, "effect": "NoSchedule"}]
    for kind, bad, key in CONDITION_TAINTS:
        cond = condition(node, kind)
        if cond is not None and cond.get("status") == bad:
            wanted.append({"key": key, "effect": "NoSchedule"})
    if (node.get("spec") or {}).get("unschedulable"):
        wanted.append({"key": UNSCHEDULABLE, "effect": "NoSchedule"})
    return wanted


def _sync_taints(ctx: Context, node: Obj) -> Obj:
    current = list((node.get("spec") or {}).get("taints") or [])
    wanted = desired_taints(node)
    wanted_ids = {(t["key"], t["effect"]) for t in wanted}
    kept = [t for t in current if t.get("key") not in CONTROLLER_KEYS or (t.get("key"), t.get("effect")) in wanted_ids]
    have = {(t.get("key"), t.get("effect")) for t in kept}
    for taint in wanted:
        if (taint["key"], taint["effect"]) not in have:
            added = dict(taint)
            if taint["effect"] == "NoExecute":
                added["timeAdded"] = ctx.clock.timestamp()
            kept.append(added)
    if kept == current:
        return node
    updated = clone(node)
    if kept:
        updated.setdefault("spec", {})["taints"] = kept
    else:
        updated.get("spec", {}).pop("taints", None)
    written, _ = ctx.api.update(updated, trusted=True)
    return ctx.store.peek("Node", "", node["metadata"]["name"]) or written


# -- taint eviction -------------------------------------------------------------------------


def _toleration_matches(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    if (toleration.get("operator") or "Equal") == "Exists":
        return True
    return (toleration.get("value") or "") == (taint.get("value") or "")


def eviction_delay(ctx: Context, pod: Obj, taints: list[dict[str, Any]]) -> float | None:
    """Seconds after the taint was added when the pod must go; None when it may stay forever."""
    tolerations = (pod.get("spec") or {}).get("tolerations") or []
    delays: list[float] = []
    for taint in taints:
        matching = [t for t in tolerations if _toleration_matches(t, taint)]
        if not matching:
            if taint.get("key") in (NOT_READY, UNREACHABLE):
                delays.append(ctx.timings.eviction_timeout)  # the admission default, scaled
                continue
            return 0.0
        seconds = [t["tolerationSeconds"] for t in matching if t.get("tolerationSeconds") is not None]
        if not seconds:
            continue  # tolerated forever
        shortest = max(0, min(int(s) for s in seconds))
        delays.append(ctx.timings.eviction_timeout if shortest == DEFAULT_TOLERATION_SECONDS else float(shortest))
    return min(delays) if delays else None


def _evict_from(ctx: Context, node: Obj) -> float | None:
    taints = [t for t in (node.get("spec") or {}).get("taints") or () if t.get("effect") == "NoExecute"]
    if not taints:
        return None
    added = min((ctx.clock.parse(t["timeAdded"]) for t in taints if t.get("timeAdded")), default=ctx.clock.now)
    waits: list[float] = []
    for pod in pods_on(ctx, node["metadata"]["name"]):
        if pod["metadata"].get("deletionTimestamp"):
            continue
        delay = eviction_delay(ctx, pod, taints)
        if delay is None:
            continue
        remaining = added + delay - ctx.clock.now
        if remaining > 0:
            waits.append(remaining)
            continue
        meta = pod["metadata"]
        ctx.events.record(
            pod,
            "Normal",
            "TaintManagerEviction",
            f"Marking for deletion Pod {meta['namespace']}/{meta['name']}",
            TAINT_EVICTION,
        )
        _disrupt_and_delete(ctx, pod, "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")
    return min(waits) if waits else None


def _disrupt_and_delete(ctx: Context, pod: Obj, reason: str, message: str, fail: bool = False) -> None:
    """Add the ``DisruptionTarget`` condition, then delete without grace (no kubelet to wait for)."""
    updated = clone(pod)
    status = updated.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
    conditions.append(
        {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": ctx.clock.timestamp(),
            "reason": reason,
            "message": message,
        }
    )
    status["conditions"] = conditions
    if fail and status.get("phase") not in ("Succeeded", "Failed"):
        status["phase"] = "Failed"
    kind, ns, name = key_of(pod)
    try:
        ctx.api.update(updated, subresource="status", trusted=True)
        ctx.api.delete(kind, ns, name, grace_period=0)
    except StatusError:
        pass  # already gone


# -- PodGC (gcOrphaned) ---------------------------------------------------------------------


def _collect_orphan(ctx: Context, key: Key) -> None:
    pod = ctx.store.peek(*key)
    if pod is None:
        return
    node_name = (pod.get("spec") or {}).get("nodeName")
    if not node_name or ctx.store.peek("Node", "", node_name) is not None:
        return
    _disrupt_and_delete(ctx, pod, "DeletionByPodGC", "PodGC: node no longer exists", fail=True)
