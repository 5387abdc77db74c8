"""Things people do to nodes: add and remove ships, cordon, drain, taint, fail and restore them.

Mirrors what ``kubectl cordon|uncordon|drain|taint`` send to the API server, and what the
world does to a node (a kubelet joins and registers its Node; a machine dies and its kubelet
stops posting status). Each action is a plain function over the cluster's Context so a lesson
or the UI can call it; the controllers (node lifecycle, scheduler, ReplicaSets) react to the
resulting writes exactly as they would to kubectl.
Simplified: ``drain`` evicts every pod on the node (no PodDisruptionBudgets, no DaemonSet or
unmanaged-pod refusals, no waiting); a failed node's kubelet simply stops heartbeating.
"""

from __future__ import annotations

import re
from typing import Any

from .controllers.base import Context
from .controllers.node_lifecycle import FAILURE_ANNOTATION, pods_on
from .errors import StatusError
from .fleet import make_node, ship_name
from .objects import Obj, clone, key_of

KUBELET = "kubelet"
_CIDR = re.compile(r"^10\.(\d+)\.(\d+)\.0/24$")
HEALTHY_CONDITIONS = {
    "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
    "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
}


def _node(ctx: Context, name: str) -> Obj:
    return ctx.api.get("Node", "", name)


def _write(ctx: Context, node: Obj) -> Obj:
    written, _ = ctx.api.update(node, trusted=True)
    return written


# -- joining and leaving --------------------------------------------------------------------


def add_node(ctx: Context, name: str | None = None, **kwargs: Any) -> Obj:
    """A new ship joins: its kubelet registers a Ready Node (``kubectl get nodes`` shows it)."""
    used, names = set(), set()
    for node in ctx.store.iter_kind("Node"):
        names.add(node["metadata"]["name"])
        match = _CIDR.match((node.get("spec") or {}).get("podCIDR", ""))
        if match:  # fleet.make_node's scheme: 10.(244 + index // 256).(index % 256).0/24
            used.add((int(match.group(1)) - 244) * 256 + int(match.group(2)))
    index = next(i for i in range(len(used) + len(names) + 1) if i not in used and ship_name(i) not in names)
    node = make_node(name or ship_name(index), index, now=ctx.clock.timestamp(), **kwargs)
    created, _ = ctx.api.create(node, trusted=True)
    return created


def remove_node(ctx: Context, name: str) -> Obj:
    """``kubectl delete node``: the Node goes; PodGC then deletes the pods still bound to it."""
    return ctx.api.delete("Node", "", name)


# -- scheduling controls --------------------------------------------------------------------


def cordon(ctx: Context, name: str) -> Obj:
    """``kubectl cordon``: ``spec.unschedulable: true`` (node lifecycle adds the NoSchedule taint)."""
    node = _node(ctx, name)
    if node.get("spec", {}).get("unschedulable"):
        return node
    node.setdefault("spec", {})["unschedulable"] = True
    return _write(ctx, node)


def uncordon(ctx: Context, name: str) -> Obj:
    node = _node(ctx, name)
    if not node.get("spec", {}).get("unschedulable"):
        return node
    node["spec"].pop("unschedulable", None)
    return _write(ctx, node)


def drain(ctx: Context, name: str, grace_period: int | None = None) -> list[str]:
    """``kubectl drain --force --ignore-daemonsets``: cordon, then evict every pod; returns their names."""
    cordon(ctx, name)
    evicted: list[str] = []
    for pod in pods_on(ctx, name):
        if pod["metadata"].get("deletionTimestamp"):
            continue
        if evict(ctx, pod, grace_period):
            evicted.append(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    return evicted


def evict(ctx: Context, pod: Obj, grace_period: int | None = None) -> bool:
    """The Eviction API: mark ``DisruptionTarget`` (EvictionByEvictionAPI), then delete gracefully."""
    updated = clone(pod)
    status = updated.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
    conditions.append(
        {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": ctx.clock.timestamp(),
            "reason": "EvictionByEvictionAPI",
            "message": "Eviction API: evicting",
        }
    )
    status["conditions"] = conditions
    kind, ns, pod_name = key_of(pod)
    try:
        ctx.api.update(updated, subresource="status", trusted=True)
        ctx.api.delete(kind, ns, pod_name, grace_period=grace_period)
    except StatusError:
        return False
    return True


def taint(ctx: Context, name: str, key: str, value: str = "", effect: str = "NoSchedule") -> Obj:
    """``kubectl taint nodes NAME key=value:effect`` (replaces a taint with the same key and effect)."""
    node = _node(ctx, name)
    taints = [t for t in node.get("spec", {}).get("taints") or [] if (t.get("key"), t.get("effect")) != (key, effect)]
    new: dict[str, Any] = {"key": key, "effect": effect}
    if value:
        new["value"] = value
    if effect == "NoExecute":
        new["timeAdded"] = ctx.clock.timestamp()
    node.setdefault("spec", {})["taints"] = [*taints, new]
    return _write(ctx, node)


def untaint(ctx: Context, name: str, key: str, effect: str | None = None) -> Obj:
    """``kubectl taint nodes NAME key[:effect]-``."""
    node = _node(ctx, name)
    current = node.get("spec", {}).get("taints") or []
    kept = [t for t in current if not (t.get("key") == key and (effect is None or t.get("effect") == effect))]
    if kept == current:
        return node
    if kept:
        node["spec"]["taints"] = kept
    else:
        node["spec"].pop("taints", None)
    return _write(ctx, node)


# -- failure and recovery -------------------------------------------------------------------


def fail_node(ctx: Context, name: str) -> Obj:
    """The machine dies: its kubelet's last heartbeat is now; node lifecycle notices after the grace."""
    node = _node(ctx, name)
    annotations = node["metadata"].setdefault("annotations", {})
    if annotations.get(FAILURE_ANNOTATION) == "true":
        return node
    annotations[FAILURE_ANNOTATION] = "true"
    now = ctx.clock.timestamp()
    for cond in node.get("status", {}).get("conditions") or []:
        cond["lastHeartbeatTime"] = now
    return _write(ctx, node)


def restore_node(ctx: Context, name: str) -> Obj:
    """The kubelet is back: conditions healthy again; node lifecycle lifts its taints."""
    node = _node(ctx, name)
    annotations = node["metadata"].get("annotations") or {}
    annotations.pop(FAILURE_ANNOTATION, None)
    if not annotations:
        node["metadata"].pop("annotations", None)
    now = ctx.clock.timestamp()
    was_ready = False
    for cond in node.get("status", {}).get("conditions") or []:
        healthy = HEALTHY_CONDITIONS.get(cond.get("type", ""))
        if healthy is None:
            continue
        status, reason, message = healthy
        if cond.get("type") == "Ready":
            was_ready = cond.get("status") == "True"
        if cond.get("status") != status:
            cond["lastTransitionTime"] = now
        cond.update(status=status, reason=reason, message=message, lastHeartbeatTime=now)
    written = _write(ctx, node)
    if not was_ready:
        ctx.events.record(written, "Normal", "NodeReady", f"Node {name} status is now: NodeReady", KUBELET, host=name)
    return written


def is_failed(node: Obj) -> bool:
    return (node.get("metadata", {}).get("annotations") or {}).get(FAILURE_ANNOTATION) == "true"
