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
from .stages import ALIVE, CREATING, DONE, PULLING, RUNNING, STAGES, STOPPING, TERMINATED, WAITING

MY_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
# Stages that read the same in pod.status (both "ContainerCreating"; both running): ``signature``
# names how a stage looks, so moving between them (a pulled image being created) writes nothing.
_LOOKS_LIKE = {PULLING: CREATING, STOPPING: RUNNING}


def container_status(c: ContainerRecord, stamp: Any, has_init: bool = True) -> dict[str, Any]:
    running = c.stage in ALIVE
    image = c.image
    status: dict[str, Any] = (
        {"name": c.name, "image": image.full, "imageID": image.image_id}
        if c.runs
        else {"name": c.name, "image": image.text, "imageID": ""}
    )
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
    status["restartCount"] = c.runs - 1 if c.runs > 1 else 0
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
    transition = previous["lastTransitionTime"] if previous is not None and previous.get("status") == status else now
    cond: dict[str, Any] = {"lastProbeTime": None, "lastTransitionTime": transition}
    if not ok and message:
        cond["message"] = message
    if not ok and reason:
        cond["reason"] = reason
    cond["status"] = status
    cond["type"] = kind
    # Unchanged: keep the stored dict (read-only, shared) so the write allocates only what moved.
    return previous if previous == cond else cond  # type: ignore[return-value]


def signature(rec: PodRecord) -> tuple[object, ...]:
    """Every field of the records that ``build_status`` reads and that can change.

    ``build_status`` is a function of the stored status, these fields and the time (used only
    for a condition that flips): when neither the stored status nor the signature moved since
    the kubelet last wrote, the status would come out the same, and building it (a dozen dicts
    compared field by field) can be skipped. Names, images, specs and the restart policy are
    fixed for a record's life, so they are not part of it.
    """
    looks = _LOOKS_LIKE
    return (
        rec.initialized,
        rec.ip,
        rec.host_ip,
        rec.start_time,
        *[
            (
                looks.get(c.stage, c.stage),
                c.runs,
                c.container_id,
                c.started_at,
                c.last_term,
                c.prev_term,
                c.message,
                c.ready,
                c.exit_code,
            )
            for c in (rec.init + rec.app if rec.init else rec.app)
        ],
    )


def build_status(pod: Obj, rec: PodRecord, now: str, stamp: Any) -> dict[str, Any]:
    old_status = pod.get("status") or {}
    status = dict(old_status)
    phase = phase_of(rec)
    terminal = phase in ("Succeeded", "Failed")
    old_conditions = old_status.get("conditions") or ()
    old = {c.get("type"): c for c in old_conditions}
    app, init = rec.app, rec.init
    unready = [c.name for c in app if not (c.stage in ALIVE and c.ready)]
    incomplete = [c.name for c in init if not (c.stage == DONE and c.exit_code == 0)] if init else []
    if terminal:
        reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
        ready_cond = _condition(old, "Ready", False, now, reason)
        containers_ready = _condition(old, "ContainersReady", False, now, reason)
    else:
        message = f"containers with unready status: [{' '.join(unready)}]" if unready else ""
        ready_cond = _condition(old, "Ready", not unready, now, "ContainersNotReady", message)
        containers_ready = _condition(old, "ContainersReady", not unready, now, "ContainersNotReady", message)
    if terminal and not init:
        init_cond = _condition(old, "Initialized", True, now)
    else:
        init_cond = _condition(
            old,
            "Initialized",
            rec.initialized or not incomplete or (terminal and not incomplete),
            now,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(incomplete)}]",
        )
    conditions = [
        _condition(old, "PodReadyToStartContainers", bool(rec.ip) and not terminal, now),
        init_cond,
        ready_cond,
        containers_ready,
    ]
    conditions += [c for t, c in old.items() if t not in MY_CONDITIONS]
    if len(conditions) == len(old_conditions) and all(a is b for a, b in zip(conditions, old_conditions, strict=False)):
        conditions = old_conditions  # nothing moved: share the stored list too
    status["phase"] = phase
    status["conditions"] = conditions
    status["hostIP"] = rec.host_ip
    host_ips = [{"ip": rec.host_ip}]
    old_host_ips = old_status.get("hostIPs")
    status["hostIPs"] = old_host_ips if old_host_ips == host_ips else host_ips
    if rec.ip:
        status["podIP"] = rec.ip
        pod_ips = [{"ip": rec.ip}]
        old_pod_ips = old_status.get("podIPs")
        status["podIPs"] = old_pod_ips if old_pod_ips == pod_ips else pod_ips
    status["startTime"] = rec.start_time
    if init:
        status["initContainerStatuses"] = _statuses(old_status.get("initContainerStatuses"), init, stamp, True)
    status["containerStatuses"] = _statuses(old_status.get("containerStatuses"), app, stamp, bool(init))
    return status


def _statuses(old: list[dict[str, Any]] | None, containers: list[ContainerRecord], stamp: Any, has_init: bool) -> Any:
    """The container statuses, reusing each stored one that did not change (and the stored
    list when none did): an unchanged part stays the stored, read-only object, so a status
    write allocates only what moved (less to copy, less for the cyclic GC to scan)."""
    if not old or len(old) != len(containers):
        return [container_status(c, stamp, has_init) for c in containers]
    merged = []
    same = True
    for prev, c in zip(old, containers, strict=True):
        cur = container_status(c, stamp, has_init)
        if prev == cur:
            merged.append(prev)
        else:
            merged.append(cur)
            same = False
    return old if same else merged
