"""Per-kind registry strategies: what the server does to an object around validation.

Mirrors ``pkg/registry/<group>/<kind>/strategy.go``: ``PrepareForCreate`` (reset status,
set generation 1), ``PrepareForUpdate`` (keep status on a spec write and spec on a status
write; bump ``metadata.generation`` when the spec — or, for Deployments, the annotations —
changed). Simplified: only the kinds the mini cluster serves, and no field-level wiping.
"""

from __future__ import annotations

from typing import Any

from ..objects import Obj

# Kinds whose status the server resets on create (the status subresource owns it).
_INITIAL_STATUS: dict[str, dict[str, Any] | None] = {
    "Deployment": {},
    "ReplicaSet": {"replicas": 0},
    "Pod": {"phase": "Pending"},
    "Service": {"loadBalancer": {}},
    "Job": {},
    "HorizontalPodAutoscaler": {},
    "PersistentVolumeClaim": {"phase": "Pending"},
    "PersistentVolume": {"phase": "Pending"},
    "Namespace": {"phase": "Active"},
}

# Kinds that carry ``metadata.generation`` (they have a spec a controller observes).
_GENERATION_KINDS = {"Deployment", "ReplicaSet", "Job", "HorizontalPodAutoscaler", "Pod"}

# Kinds with a status subresource: writes to the main resource cannot change status.
STATUS_SUBRESOURCE = {
    "Deployment",
    "ReplicaSet",
    "Pod",
    "Service",
    "Job",
    "HorizontalPodAutoscaler",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "Namespace",
    "Node",
}


def prepare_for_create(obj: Obj) -> None:
    kind = obj["kind"]
    if kind in _INITIAL_STATUS:
        status = _INITIAL_STATUS[kind]
        if status is None:
            obj.pop("status", None)
        else:
            obj["status"] = dict(status)
    if kind in _GENERATION_KINDS:
        obj["metadata"]["generation"] = 1
    if kind == "Pod" and "status" in obj:
        obj["status"]["qosClass"] = qos_class(obj)
    if kind == "Job":
        generate_job_selector(obj)


JOB_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"


def generate_job_selector(job: Obj) -> None:
    """``generateSelector`` in the Job strategy: select the Job's own pods by its uid.

    Unless ``spec.manualSelector`` is true, the server labels the pod template with the
    controller uid and job name (new and legacy keys) and selects on the uid.
    """
    spec = job.setdefault("spec", {})
    if spec.get("manualSelector"):
        return
    uid, name = job["metadata"]["uid"], job["metadata"].get("name", "")
    template_meta = spec.setdefault("template", {}).setdefault("metadata", {})
    labels = template_meta.setdefault("labels", {})
    labels.setdefault(JOB_UID_LABEL, uid)
    labels.setdefault(JOB_NAME_LABEL, name)
    labels.setdefault("controller-uid", uid)
    labels.setdefault("job-name", name)
    if not spec.get("selector"):
        spec["selector"] = {"matchLabels": {JOB_UID_LABEL: uid}}


def prepare_for_update(new: Obj, old: Obj) -> None:
    """A write to the main resource: keep the old status; bump generation if the spec changed."""
    kind = new["kind"]
    if kind in STATUS_SUBRESOURCE:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if kind in _GENERATION_KINDS:
        generation = int(old["metadata"].get("generation") or 1)
        changed = new.get("spec") != old.get("spec")
        if kind == "Deployment":
            changed = changed or _annotations(new) != _annotations(old)
        new["metadata"]["generation"] = generation + 1 if changed else generation


def prepare_for_status_update(new: Obj, old: Obj) -> None:
    """A write to ``/status``: only status (and, as upstream allows, labels/annotations) change."""
    for field in ("spec",):
        if field in old:
            new[field] = old[field]
        else:
            new.pop(field, None)
    if "generation" in old["metadata"]:
        new["metadata"]["generation"] = old["metadata"]["generation"]


def _annotations(obj: Obj) -> dict[str, str]:
    return obj.get("metadata", {}).get("annotations") or {}


def qos_class(pod: Obj) -> str:
    """``GetPodQOS``: Guaranteed if every container sets equal requests and limits for cpu and memory."""
    containers = pod.get("spec", {}).get("containers") or []
    any_set = False
    guaranteed = bool(containers)
    for container in containers:
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for res in ("cpu", "memory"):
            limit = limits.get(res)
            if limit is None or requests.get(res, limit) != limit:
                guaranteed = False
    if guaranteed and any_set:
        return "Guaranteed"
    return "Burstable" if any_set else "BestEffort"
