"""The kubelet: the agent on every ship that turns a bound Pod into running containers.

Mirrors the kubelet's pod workers (``pkg/kubelet/pod_workers.go``, ``kuberuntime``) as seen
through the API: for each pod bound to a node it mounts volumes, pulls images, creates and
starts containers (init containers first, in order), runs probes, restarts containers per
``restartPolicy`` with CrashLoopBackOff, reports everything in ``pod.status`` and in Events
with upstream reasons and wording, and finally stops the containers of a deleted pod and
removes it. One controller serves every node: its key is the pod, and it ignores pods on a
failed node (``kubelearn.dev/failure: "true"``: the kubelet is dead). The container
lifecycle is the table in ``stages``; what a container does is its image's ``Program``.
Simplified: no sandbox restarts, no startup probes, no image garbage collection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..apiserver.events import NORMAL, WARNING
from ..errors import StatusError
from ..objects import Key, Obj, annotations_of, key_of, name_of, namespace_of, uid_of
from ..store import DELETED, WatchEvent
from . import lifecycle
from . import logs as logbook
from .config import resolve_env
from .images import parse_reference
from .runtime import ContainerRecord, KubeletState, NodeIpam, PodRecord, state_of
from .stages import (
    ALIVE,
    CRASH_LOOP,
    CREATING,
    DONE,
    RUNNING,
)
from .status import build_status, signature

NAME = "kubelet"
WATCHES = ("Pod", "Node", "ConfigMap", "Secret", "PersistentVolumeClaim")
COMPONENT = "kubelet"
FAILURE_ANNOTATION = "kubelearn.dev/failure"
EPS = 1e-6
IP_RETRY = 10.0


@dataclass(frozen=True, slots=True)
class Result:
    """``reconcile.Result`` (the engine reads ``requeue_after``)."""

    requeue_after: float | None = None


SETTLED = Result()  # shared (frozen): the common answer, without building one per reconcile


def node_failed(node: Obj) -> bool:
    return annotations_of(node).get(FAILURE_ANNOTATION) == "true"


# -- informers -------------------------------------------------------------------------------


def keys_for(event: WatchEvent, ctx: Any) -> Iterable[Key]:
    state = state_of(ctx)
    obj = event.object
    kind = event.kind
    if kind == "Pod":
        meta = obj["metadata"]
        key = ("Pod", str(meta.get("namespace", "") or ""), str(meta.get("name", "")))
        node = (obj.get("spec") or {}).get("nodeName")
        if event.type == DELETED:
            if node:
                state.by_node.get(node, set()).discard(key)
            return [key] if key in state.pods else []
        if not node or state.writing == key:
            return []
        on_node = state.by_node.get(node)
        if on_node is None:
            on_node = state.by_node[node] = set()
        on_node.add(key)
        return [key]
    if kind == "Node":
        name = name_of(obj)
        failed = event.type != DELETED and node_failed(obj)
        if failed == (name in state.failed_nodes):
            return []
        if failed:
            state.failed_nodes.add(name)
        else:
            state.failed_nodes.discard(name)
        return sorted(state.by_node.get(name, ()))
    return sorted(state.blocked.pop(key_of(obj), ()))


# -- reconcile -------------------------------------------------------------------------------


def reconcile(ctx: Any, key: Key) -> Result:
    state = state_of(ctx)
    now = ctx.clock.now
    pod = ctx.store.peek(*key)
    rec = state.pods.get(key)
    if rec is not None and (pod is None or uid_of(pod) != rec.uid):
        _forget(ctx, state, rec)
        rec = None
    if pod is None:
        return SETTLED
    node_name = (pod.get("spec") or {}).get("nodeName")
    node = ctx.store.peek("Node", "", node_name) if node_name else None
    if node is None or node_failed(node):
        if rec is not None:
            rec.wake = None
        return SETTLED
    if rec is None:
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp"):
            return SETTLED
        rec = _new_record(ctx, state, pod, node)
        if rec is None:
            return Result(requeue_after=IP_RETRY)
    if pod["metadata"].get("deletionTimestamp"):
        _terminate(ctx, pod, rec, now)
        if rec.remove_at is not None and rec.remove_at <= now + EPS:
            _remove(ctx, pod)
            return SETTLED
    else:
        lifecycle.advance(ctx, pod, rec, now)
        if rec.changed:
            write_status(ctx, pod, rec)
    return _schedule(rec, now)


def _schedule(rec: PodRecord, now: float) -> Result:
    due = rec.due()
    if due is None:
        return SETTLED
    if rec.wake is not None and now + EPS < rec.wake <= due + EPS:
        return SETTLED
    rec.wake = due
    return Result(requeue_after=max(0.0, due - now))


def write_status(ctx: Any, pod: Obj, rec: PodRecord, quiet: bool = True) -> None:
    """PATCH pod/status with what the records say (skipped when nothing visible changed)."""
    rec.changed = False
    current = pod.get("status")
    seen = signature(rec)
    written = rec.written
    if written is not None and written[1] is current and written[0] == seen:
        return  # nothing moved since our own last write: the build would give ``current`` back
    status = build_status(pod, rec, ctx.clock.timestamp(), ctx.clock.timestamp)
    if status == current:
        rec.written = (seen, current)
        return
    state = state_of(ctx)
    state.writing = rec.key if quiet else None
    try:
        stored, _ = ctx.api.update(
            {**pod, "status": status}, subresource="status", trusted=True, copy_out=False, copy_in=False
        )
    except StatusError:
        pass
    else:
        rec.written = (seen, stored.get("status"))
    finally:
        state.writing = None
    logbook.update_metrics(ctx, rec)


# -- records ---------------------------------------------------------------------------------


def _seed_ipam(ctx: Any, state: KubeletState) -> None:
    state.seeded = True
    placed = [
        (key_of(pod), pod)
        for pod in ctx.store.scan("Pod")
        if (pod.get("spec") or {}).get("nodeName") and (pod.get("status") or {}).get("podIP")
    ]
    for _key, pod in sorted(placed, key=lambda item: item[0]):  # store order, as after a restore
        _ipam(ctx, state, pod["spec"]["nodeName"]).reserve(pod["status"]["podIP"], uid_of(pod))


def _ipam(ctx: Any, state: KubeletState, node_name: str) -> NodeIpam:
    ipam = state.ipam.get(node_name)
    if ipam is None:
        node = ctx.store.peek("Node", "", node_name) or {}
        ipam = state.ipam[node_name] = NodeIpam((node.get("spec") or {}).get("podCIDR", ""))
    return ipam


def _new_record(ctx: Any, state: KubeletState, pod: Obj, node: Obj) -> PodRecord | None:
    if not state.seeded:
        _seed_ipam(ctx, state)
    spec, status, uid = pod.get("spec") or {}, pod.get("status") or {}, uid_of(pod)
    node_name = name_of(node)
    ipam = _ipam(ctx, state, node_name)
    ip = status.get("podIP") or ipam.allocate(uid)
    if ip is None:
        sandbox = f"{ctx.rng.getrandbits_hex()}{ctx.rng.getrandbits_hex()}"
        ctx.events.record(
            pod,
            WARNING,
            "FailedCreatePodSandBox",
            f"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "
            f'"{sandbox}": plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available '
            f"in range set: {ipam.range_text()}",
            COMPONENT,
            node_name,
        )
        return None
    ipam.reserve(ip, uid)
    host_ip = next(
        (
            a.get("address", "")
            for a in (node.get("status") or {}).get("addresses") or []
            if a.get("type") == "InternalIP"
        ),
        "",
    )

    def make(c: dict[str, Any], init: bool) -> ContainerRecord:
        return ContainerRecord(str(c.get("name", "")), init, c, parse_reference(str(c.get("image", ""))))

    rec = PodRecord(
        key_of(pod),
        uid,
        node_name,
        ip,
        host_ip,
        status.get("startTime") or ctx.clock.timestamp(),
        str(spec.get("restartPolicy") or "Always"),
        [make(c, True) for c in spec.get("initContainers") or []],
        [make(c, False) for c in spec.get("containers") or []],
    )
    state.pods[rec.key] = rec
    state.by_node.setdefault(node_name, set()).add(rec.key)
    if status.get("containerStatuses"):
        _adopt(ctx, pod, rec)
    return rec


def _adopt(ctx: Any, pod: Obj, rec: PodRecord) -> None:
    """After a restore: take over containers the status says are running (kubelet restart)."""
    statuses = {s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or []}
    statuses.update({s.get("name"): s for s in (pod.get("status") or {}).get("initContainerStatuses") or []})
    if not any(
        "running" in (s.get("state") or {}) or "terminated" in (s.get("state") or {}) for s in statuses.values()
    ):
        return  # nothing had started yet: a fresh record mounts, pulls and starts, as after a kubelet restart
    rec.mounted = True
    rec.initialized = all(
        (statuses.get(c.name) or {}).get("state", {}).get("terminated", {}).get("exitCode") == 0 for c in rec.init
    )
    for c in rec.containers():
        status = statuses.get(c.name) or {}
        state = status.get("state") or {}
        c.runs = int(status.get("restartCount") or 0) + (1 if "running" in state or "terminated" in state else 0)
        c.last_term = (status.get("lastState") or {}).get("terminated")
        c.container_id = str(status.get("containerID", "")).removeprefix("containerd://")
        if "running" in state:
            started = ctx.clock.parse(state["running"]["startedAt"])
            c.env = resolve_env(ctx.store, pod, c.spec)[0]
            c.stage, c.runs = CREATING, int(status.get("restartCount") or 0)
            lifecycle.start(ctx, pod, rec, c, started, adopted=c.container_id or "adopted")
            c.ready = bool(status.get("ready"))
        elif "terminated" in state and (c.init or rec.restart_policy != "Always"):
            c.prev_term, c.last_term = c.last_term, state["terminated"]
            c.exit_code = int(state["terminated"].get("exitCode", 0))
            c.stage = DONE
        elif (state.get("waiting") or {}).get("reason") == CRASH_LOOP and c.last_term:
            c.stage, c.until, c.backoff = CRASH_LOOP, ctx.clock.now, ctx.timings.crashloop_initial


def _forget(ctx: Any, state: KubeletState, rec: PodRecord) -> None:
    state.pods.pop(rec.key, None)
    ipam = state.ipam.get(rec.node)
    if ipam is not None:
        ipam.release(rec.ip, rec.uid)
    logbook.forget(ctx, rec.uid)


# -- termination -----------------------------------------------------------------------------


def _terminate(ctx: Any, pod: Obj, rec: PodRecord, now: float) -> None:
    if rec.terminating:
        return
    rec.terminating = True
    stop_at = now
    for c in rec.containers():
        if c.stage in ALIVE:
            if c.stage == RUNNING:
                lifecycle.event(ctx, pod, rec, c, NORMAL, "Killing", f"Stopping container {c.name}")
                lifecycle.stop(ctx, pod, c, now)
            stop_at = max(stop_at, c.until or now)
        c.until = c.ready_at = c.next_ready_probe = c.next_live_probe = None
    rec.remove_at = stop_at


def _remove(ctx: Any, pod: Obj) -> None:
    with contextlib.suppress(StatusError):
        ctx.api.delete("Pod", namespace_of(pod), name_of(pod), grace_period=0)


# -- actions ---------------------------------------------------------------------------------


def crash_container(ctx: Any, namespace: str, pod: str, container: str | None = None, exit_code: int = 1) -> bool:
    """Make a running container exit with ``exit_code`` now (then restart per policy). False if none ran."""
    state = state_of(ctx)
    obj = ctx.store.peek("Pod", namespace, pod)
    rec = state.pods.get(("Pod", namespace, pod))
    if obj is None or rec is None or rec.uid != uid_of(obj) or rec.terminating:
        return False
    for c in rec.app + rec.init:
        if c.stage in ALIVE and (container is None or c.name == container):
            lifecycle.exit(ctx, obj, rec, c, ctx.clock.now, exit_code, "Completed" if exit_code == 0 else "Error")
            write_status(ctx, obj, rec, quiet=False)
            return True
    return False
