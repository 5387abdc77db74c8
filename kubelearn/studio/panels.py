"""What the workbench's read-only panels show: inspector, chaos targets, timeline, replay.

Each function reads the live cluster under its lock (after ``advance()``) and returns plain
template context; nothing here writes to the cluster. The inspector's three tabs mirror
``kubectl get -o yaml`` (Secret values masked until revealed), ``kubectl describe`` and the
scheduler's per-node verdicts (``scheduler.explain``), which is what answers "why Pending?".
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import yaml

from kubelearn.cluster import Cluster, nodes, scheduler
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import BY_KIND
from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import get_all, get_kind

from . import kubectl_bridge, recording
from .models import Recording
from .services import Workbench

MASK = "••••••••"
TIMELINE_LENGTH = 60


def _printer(cluster: Cluster) -> Printer:
    now = cluster.clock.now
    return Printer(lambda stamp: now - cluster.clock.parse(stamp))


def _masked(obj: dict[str, Any]) -> dict[str, Any]:
    obj = {**obj}
    for field in ("data", "stringData"):
        if isinstance(obj.get(field), dict):
            obj[field] = dict.fromkeys(obj[field], MASK)
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if "kubectl.kubernetes.io/last-applied-configuration" in annotations:  # holds the values too
        obj["metadata"] = {**obj["metadata"], "annotations": {**annotations}}
        obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = MASK
    return obj


def inspect(bench: Workbench, kind: str, namespace: str, name: str, reveal: bool) -> dict[str, Any]:
    info = BY_KIND.get(kind)
    if info is None:
        return {"error": f'the server doesn\'t have a resource type "{kind}"'}
    namespace = namespace if info.namespaced else ""
    with bench.live.lock:
        bench.live.advance()
        cluster = bench.cluster
        try:
            obj = cluster.api.get(kind, namespace, name)
            described = kubectl_bridge.describe(cluster, kind, namespace, name)
        except StatusError as exc:
            return {"error": f"Error from server ({exc.reason}): {exc.message}"}
        # Judge a bound pod as if it were still waiting, or every other ship just says "wrong node name".
        probe = {**obj, "spec": {k: v for k, v in (obj.get("spec") or {}).items() if k != "nodeName"}}
        verdicts = scheduler.explain(cluster.ctx, probe) if kind == "Pod" else []
    obj.get("metadata", {}).pop("managedFields", None)
    secret = kind == "Secret"
    shown = obj if reveal or not secret else _masked(obj)
    return {
        "yaml": yaml.safe_dump(shown, sort_keys=True, allow_unicode=True),
        "describe": described,
        "verdicts": verdicts,
        "pending": kind == "Pod" and not (obj.get("spec") or {}).get("nodeName"),
        "node": (obj.get("spec") or {}).get("nodeName", ""),
        "secret": secret,
        "revealed": reveal and secret,
        "phase": (obj.get("status") or {}).get("phase", ""),
    }


def targets(bench: Workbench) -> dict[str, Any]:
    """What the chaos controls can aim at: pods, ships (with their state) and Services."""
    with bench.live.lock:
        bench.live.advance()
        store = bench.cluster.store
        pods = [p for p in store.iter_kind("Pod") if p["metadata"]["namespace"] not in ("kube-system",)]
        ships = [(n["metadata"]["name"], nodes.is_failed(n)) for n in store.iter_kind("Node")]
        services = [s for s in store.iter_kind("Service") if s["metadata"]["name"] != "kubernetes"]
    return {
        "pods": [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods],
        "ships": ships,
        "services": [(s["metadata"]["namespace"], s["metadata"]["name"]) for s in services],
    }


def timeline(bench: Workbench) -> dict[str, Any]:
    """The latest Events and recorded inputs, by simulated time (newest last)."""
    log = Recording.objects.filter(sandbox_id=bench.live.id).first()
    with bench.live.lock:
        bench.live.advance()
        cluster = bench.cluster
        now = cluster.clock.now
        items = []
        for event in cluster.store.iter_kind("Event"):
            stamp = event.get("lastTimestamp") or event.get("firstTimestamp") or event["metadata"]["creationTimestamp"]
            involved = event.get("involvedObject") or {}
            items.append(
                {
                    "t": cluster.clock.parse(stamp),
                    "input": False,
                    "warning": event.get("type") == "Warning",
                    "reason": event.get("reason", ""),
                    "object": f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
                    "message": event.get("message", ""),
                }
            )
    for entry in log.entries if log else []:
        label = {"apply": "apply -f editor.yaml", "command": entry.get("line", "")}.get(entry["op"])
        label = label or f"{entry.get('action')} {entry.get('name', '')}".strip()
        items.append({"t": entry["t"], "input": True, "warning": False, "reason": entry["op"], "message": label})
    items.sort(key=lambda item: (item["t"], not item["input"]))
    for item in items:
        item["clock"] = clock_text(item["t"])
    return {"now": now, "now_clock": clock_text(now), "items": items[-TIMELINE_LENGTH:], "recorded": log is not None}


def clock_text(seconds: float) -> str:
    """Simulated time as mm:ss (h:mm:ss past an hour), like the mockup's timeline."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def replay(bench: Workbench, at: float) -> dict[str, Any]:
    """``kubectl get nodes`` and ``kubectl get all -A`` as they were at simulated second ``at``."""
    log = Recording.objects.filter(sandbox_id=bench.live.id).first()
    with bench.live.lock:
        bench.live.advance()
        now = bench.cluster.clock.now
        start = float((log.base or {}).get("now", 0.0)) if log else now
    at = min(max(at, start), now)
    cluster = recording.state_at(log, at) if log else bench.cluster
    with bench.live.lock if log is None else nullcontext():
        printer = _printer(cluster)
        text = get_kind(cluster.store, printer, "Node") + "\n\n" + get_all(cluster.store, printer, None)
    return {"at": at, "at_clock": clock_text(at), "start": start, "now": now, "text": text, "recorded": log is not None}
