"""From the kubelet's records to ``pod.status``: phase, conditions and container statuses.

Mirrors ``generateAPIPodStatus``/``getPhase`` in ``pkg/kubelet/kubelet_pods.go`` and
``status.GeneratePodReadyCondition``: Pending while a container waits to be created,
Running once every container has started, Succeeded/Failed when they are done for good;
the five conditions kubectl shows (PodReadyToStartContainers, Initialized, Ready,
ContainersReady, PodScheduled) with upstream reasons and messages; one containerStatus per
container with waiting/running/terminated state, ``lastState``, ``restartCount``, ``ready``
and ``started``. Conditions set by others (PodScheduled, DisruptionTarget) are kept.
"""

from __future__ import annotations

from typing import Any

from ..objects import Obj
from .runtime import ContainerRecord, PodRecord
from .stages import ALIVE, CREATING, DONE, PULLING, STAGES, TERMINATED, WAITING

MY_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")


def container_status(c: ContainerRecord, stamp: Any, has_init: bool = True) -> dict[str, Any]:
    running = c.stage in ALIVE
    status: dict[str, Any] = {
        "name": c.name,
        "image": c.image.full if c.runs else c.image.text,
        "imageID": c.image.image_id if c.runs else "",
    }
    if c.container_id:
        status["containerID"] = f"containerd://{c.container_id}"
    last: dict[str, Any] | None
    if running:
        state: dict[str, Any] = {"running": {"startedAt": stamp(c.started_at)}}
        last = c.last_term
    elif c.stage in (TERMINATED, DONE) or (c.stage in (PULLING, CREATING) and c.last_term):
        state = {"terminated": dict(c.last_term)} if c.last_term else {"waiting": {"reason": "ContainerCreating"}}
        last = c.prev_term
    else:
        reason = STAGES[c.stage].waiting_reason
        if c.stage == WAITING and not has_init:
            reason = "ContainerCreating"  # volumes are being mounted
        waiting: dict[str, Any] = {"reason": reason}
        if c.message:
            waiting["message"] = c.message
        state = {"waiting": waiting}
        last = c.last_term
    status["lastState"] = {"terminated": dict(last)} if last else {}
    status["ready"] = bool(running and c.ready) or (c.init and c.stage == DONE and c.exit_code == 0)
    status["restartCount"] = max(0, c.runs - 1)
    status["started"] = running if not c.init else False
    status["state"] = state
    mounts = c.spec.get("volumeMounts")
    if mounts and c.runs:
        status["volumeMounts"] = [
            {
                "name": m.get("name"),
                "mountPath": m.get("mountPath"),
                **({"readOnly": True, "recursiveReadOnly": "Disabled"} if m.get("readOnly") else {}),
            }
            for m in mounts
        ]
    return status


def phase_of(rec: PodRecord) -> str:
    """``getPhase``: from the container states and the restart policy."""
    for c in rec.init:
        if c.stage == DONE and c.exit_code != 0:
            return "Failed"
    if not rec.initialized:
        return "Pending"
    running = stopped = succeeded = waiting = 0
    for c in rec.app:
        if c.stage in ALIVE:
            running += 1
        elif c.stage in (TERMINATED, DONE):
            stopped += 1
            succeeded += c.exit_code == 0
        elif c.last_term is not None:
            stopped += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if rec.restart_policy == "Always" or any(c.stage != DONE for c in rec.app):
            return "Running"
        return "Succeeded" if stopped == succeeded else "Failed"
    return "Pending"


def _condition(
    old: dict[str, dict[str, Any]], kind: str, ok: bool, now: str, reason: str = "", message: str = ""
) -> dict[str, Any]:
    status = "True" if ok else "False"
    previous = old.get(kind)
    cond: dict[str, Any] = {
        "lastProbeTime": None,
        "lastTransitionTime": previous["lastTransitionTime"] if previous and previous.get("status") == status else now,
    }
    if not ok and message:
        cond["message"] = message
    if not ok and reason:
        cond["reason"] = reason
    cond["status"] = status
    cond["type"] = kind
    return cond


def build_status(pod: Obj, rec: PodRecord, now: str, stamp: Any) -> dict[str, Any]:
    old_status = pod.get("status") or {}
    status = dict(old_status)
    phase = phase_of(rec)
    terminal = phase in ("Succeeded", "Failed")
    old = {c.get("type"): c for c in old_status.get("conditions") or []}
    unready = [c.name for c in rec.app if not (c.stage in ALIVE and c.ready)]
    incomplete = [c.name for c in rec.init if not (c.stage == DONE and c.exit_code == 0)]
    if terminal:
        reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
        ready_cond = _condition(old, "Ready", False, now, reason)
        containers_ready = _condition(old, "ContainersReady", False, now, reason)
    else:
        message = f"containers with unready status: [{' '.join(unready)}]"
        ready_cond = _condition(old, "Ready", not unready, now, "ContainersNotReady", message)
        containers_ready = _condition(old, "ContainersReady", not unready, now, "ContainersNotReady", message)
    init_cond = _condition(
        old,
        "Initialized",
        rec.initialized or not incomplete or (terminal and not incomplete),
        now,
        "ContainersNotInitialized",
        f"containers with incomplete status: [{' '.join(incomplete)}]",
    )
    if terminal and not rec.init:
        init_cond = _condition(old, "Initialized", True, now)
    conditions = [
        _condition(old, "PodReadyToStartContainers", bool(rec.ip) and not terminal, now),
        init_cond,
        ready_cond,
        containers_ready,
    ]
    conditions += [c for t, c in old.items() if t not in MY_CONDITIONS]
    status["phase"] = phase
    status["conditions"] = conditions
    status["hostIP"] = rec.host_ip
    status["hostIPs"] = [{"ip": rec.host_ip}]
    if rec.ip:
        status["podIP"] = rec.ip
        status["podIPs"] = [{"ip": rec.ip}]
    status["startTime"] = rec.start_time
    if rec.init:
        status["initContainerStatuses"] = [container_status(c, stamp) for c in rec.init]
    status["containerStatuses"] = [container_status(c, stamp, bool(rec.init)) for c in rec.app]
    return status
