"""Human-readable columns for every kind, as kubectl shows them.

Mirrors ``pkg/printers/internalversion/printers.go`` (the server-side Table columns that
``kubectl get`` prints) and apimachinery's ``HumanDuration`` for the AGE column. The REST
facade turns these rows into ``meta.k8s.io/v1`` Tables; ``simulate`` and the command bar
print them as text with kubectl's tabwriter spacing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .objects import Obj, labels_of, name_of


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str = "string"
    priority: int = 0  # 1 = shown only with -o wide
    format: str = ""
    description: str = ""


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: 45s, 3m20s, 15m, 5h30m, 3d4h, 400d, 3y20d."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


class Printer:
    """Rows for objects, given a function that turns a timestamp into seconds-ago."""

    def __init__(self, age_of: Callable[[str], float]) -> None:
        self._age_of = age_of

    def age(self, obj: Obj) -> str:
        stamp = obj.get("metadata", {}).get("creationTimestamp")
        return human_duration(self._age_of(stamp)) if stamp else "<unknown>"

    def columns(self, kind: str) -> list[Column]:
        return COLUMNS.get(kind, [Column("Name", format="name"), Column("Age")])

    def row(self, obj: Obj) -> list[Any]:
        cells = ROWS.get(obj.get("kind", ""))
        if cells is None:
            return [name_of(obj), self.age(obj)]
        return cells(self, obj)


def _containers(obj: Obj) -> list[dict[str, Any]]:
    return obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or []


def _selector_text(selector: dict[str, Any] | None) -> str:
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op = expr.get("operator")
        if op == "In":
            parts.append(f"{expr['key']} in ({','.join(expr.get('values') or [])})")
        elif op == "NotIn":
            parts.append(f"{expr['key']} notin ({','.join(expr.get('values') or [])})")
        elif op == "Exists":
            parts.append(expr["key"])
        elif op == "DoesNotExist":
            parts.append(f"!{expr['key']}")
    return ",".join(parts) or "<none>"


def pod_status(pod: Obj) -> tuple[str, int, int, int, str]:
    """``printPod``: (STATUS, ready, total, restarts, last-restart) as kubectl computes them."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    total = len(spec.get("containers") or [])
    restarts, ready = 0, 0
    reason = status.get("reason") or status.get("phase") or "Pending"
    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += int(cs.get("restartCount", 0))
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode") == 0:
            continue
        if term:
            reason = "Init:" + (term.get("reason") or f"ExitCode:{term.get('exitCode')}")
        elif wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    if not initializing:
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount", 0))
            state = cs.get("state") or {}
            if state.get("waiting", {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif state.get("terminated", {}).get("reason"):
                reason = state["terminated"]["reason"]
            elif "terminated" in state:
                term = state["terminated"]
                reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode')}"
            elif "running" in state and cs.get("ready"):
                has_running = True
                ready += 1
            elif "running" in state:
                has_running = True
        if reason == "Completed" and has_running:
            reason = "Running" if _pod_ready(status) else "NotReady"
    if pod.get("metadata", {}).get("deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return reason, ready, total, restarts, ""


def _pod_ready(status: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])


def _pod_row(p: Printer, pod: Obj) -> list[Any]:
    reason, ready, total, restarts, _ = pod_status(pod)
    status = pod.get("status", {})
    return [
        name_of(pod),
        f"{ready}/{total}",
        reason,
        str(restarts),
        p.age(pod),
        status.get("podIP") or "<none>",
        pod.get("spec", {}).get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        "<none>",
    ]


def _deployment_row(p: Printer, d: Obj) -> list[Any]:
    spec, status = d.get("spec", {}), d.get("status", {})
    containers = _containers(d)
    return [
        name_of(d),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        p.age(d),
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
        _selector_text(spec.get("selector")),
    ]


def _replicaset_row(p: Printer, rs: Obj) -> list[Any]:
    spec, status = rs.get("spec", {}), rs.get("status", {})
    containers = _containers(rs)
    return [
        name_of(rs),
        spec.get("replicas", 1),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        p.age(rs),
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
        _selector_text(spec.get("selector")),
    ]


def service_ports(svc: Obj) -> str:
    parts = []
    for port in svc.get("spec", {}).get("ports") or []:
        text = f"{port.get('port')}"
        if port.get("nodePort"):
            text += f":{port['nodePort']}"
        parts.append(f"{text}/{port.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _service_row(p: Printer, svc: Obj) -> list[Any]:
    spec = svc.get("spec", {})
    external = ",".join(spec.get("externalIPs") or [])
    ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress") or []
    if spec.get("type") == "LoadBalancer":
        external = ",".join(i.get("ip") or i.get("hostname", "") for i in ingress) or "<pending>"
    elif spec.get("type") == "ExternalName":
        external = spec.get("externalName", "")
    selector = spec.get("selector") or {}
    return [
        name_of(svc),
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP") or "<none>",
        external or "<none>",
        service_ports(svc),
        p.age(svc),
        ",".join(f"{k}={v}" for k, v in sorted(selector.items())) or "<none>",
    ]


def _node_row(p: Printer, node: Obj) -> list[Any]:
    conditions = node.get("status", {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    status = "Ready" if ready and ready.get("status") == "True" else "NotReady" if ready else "Unknown"
    if node.get("spec", {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    roles = sorted(k.split("/", 1)[1] for k in labels_of(node) if k.startswith("node-role.kubernetes.io/"))
    info = node.get("status", {}).get("nodeInfo", {})
    addresses = {a.get("type"): a.get("address") for a in node.get("status", {}).get("addresses") or []}
    return [
        name_of(node),
        status,
        ",".join(roles) or "<none>",
        p.age(node),
        info.get("kubeletVersion", ""),
        addresses.get("InternalIP", "<none>"),
        addresses.get("ExternalIP", "<none>"),
        info.get("osImage", ""),
        info.get("kernelVersion", ""),
        info.get("containerRuntimeVersion", ""),
    ]


def _endpoints_text(ep: Obj) -> str:
    items = []
    for subset in ep.get("subsets") or []:
        ports = subset.get("ports") or [{}]
        for address in subset.get("addresses") or []:
            for port in ports:
                items.append(f"{address.get('ip')}:{port.get('port')}" if port else address.get("ip"))
    if not items:
        return "<none>"
    text = ",".join(items[:3])
    return text + f" + {len(items) - 3} more..." if len(items) > 3 else text


def _event_row(p: Printer, ev: Obj) -> list[Any]:
    involved = ev.get("involvedObject", {})
    last = ev.get("lastTimestamp") or ev.get("eventTime") or ev.get("metadata", {}).get("creationTimestamp")
    count = int(ev.get("count", 1))
    last_seen = human_duration(p._age_of(last)) if last else "<unknown>"
    if count > 1:
        first = ev.get("firstTimestamp") or last
        last_seen = f"{last_seen} (x{count} over {human_duration(p._age_of(first))})"
    return [
        last_seen,
        ev.get("type", ""),
        ev.get("reason", ""),
        f"{involved.get('kind', '').lower()}/{involved.get('name', '')}",
        ev.get("message", "").strip(),
        ev.get("source", {}).get("component", ""),
        "",
        ev.get("firstTimestamp", ""),
        count,
        name_of(ev),
    ]


def _hpa_row(p: Printer, hpa: Obj) -> list[Any]:
    spec, status = hpa.get("spec", {}), hpa.get("status", {})
    ref = spec.get("scaleTargetRef", {})
    targets = []
    current = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        if metric.get("type") == "Resource":
            res = metric.get("resource", {})
            target = res.get("target", {})
            now = "<unknown>"
            if i < len(current) and current[i].get("resource", {}).get("current"):
                cur = current[i]["resource"]["current"]
                if "averageUtilization" in cur:
                    now = f"{cur['averageUtilization']}%"
                elif "averageValue" in cur:
                    now = str(cur["averageValue"])
            if "averageUtilization" in target:
                targets.append(f"{res.get('name')}: {now}/{target['averageUtilization']}%")
            else:
                targets.append(f"{res.get('name')}: {now}/{target.get('averageValue', '')}")
    return [
        name_of(hpa),
        f"{ref.get('kind')}/{ref.get('name')}",
        ", ".join(targets) or "<none>",
        spec.get("minReplicas", 1),
        spec.get("maxReplicas", 0),
        status.get("currentReplicas", 0),
        p.age(hpa),
    ]


def _job_row(p: Printer, job: Obj) -> list[Any]:
    spec, status = job.get("spec", {}), job.get("status", {})
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    state = "Running"
    if conditions.get("Complete") == "True":
        state = "Complete"
    elif conditions.get("Failed") == "True":
        state = "Failed"
    elif conditions.get("Suspended") == "True":
        state = "Suspended"
    duration = ""
    if status.get("startTime"):
        end = status.get("completionTime")
        start_age = p._age_of(status["startTime"])
        duration = human_duration(start_age - (p._age_of(end) if end else 0))
    containers = _containers(job)
    return [
        name_of(job),
        state,
        f"{status.get('succeeded', 0)}/{spec.get('completions', 1)}",
        duration,
        p.age(job),
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
        _selector_text(spec.get("selector")),
    ]


def _pvc_row(p: Printer, pvc: Obj) -> list[Any]:
    spec, status = pvc.get("spec", {}), pvc.get("status", {})
    modes = _access_modes(status.get("accessModes") or [])
    return [
        name_of(pvc),
        status.get("phase", "Pending"),
        spec.get("volumeName", ""),
        (status.get("capacity") or {}).get("storage", ""),
        modes,
        spec.get("storageClassName") or "<unset>",
        "<unset>",
        p.age(pvc),
        spec.get("volumeMode", "Filesystem"),
    ]


def _pv_row(p: Printer, pv: Obj) -> list[Any]:
    spec, status = pv.get("spec", {}), pv.get("status", {})
    claim = spec.get("claimRef") or {}
    return [
        name_of(pv),
        (spec.get("capacity") or {}).get("storage", ""),
        _access_modes(spec.get("accessModes") or []),
        spec.get("persistentVolumeReclaimPolicy", "Retain"),
        status.get("phase", "Pending"),
        f"{claim.get('namespace')}/{claim.get('name')}" if claim else "",
        spec.get("storageClassName", ""),
        "<unset>",
        status.get("reason", ""),
        p.age(pv),
        spec.get("volumeMode", "Filesystem"),
    ]


def _access_modes(modes: list[str]) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    return ",".join(short.get(m, m) for m in modes)


def _namespace_row(p: Printer, ns: Obj) -> list[Any]:
    return [name_of(ns), ns.get("status", {}).get("phase", "Active"), p.age(ns)]


def _configmap_row(p: Printer, cm: Obj) -> list[Any]:
    return [name_of(cm), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}), p.age(cm)]


def _secret_row(p: Printer, s: Obj) -> list[Any]:
    return [name_of(s), s.get("type", "Opaque"), len(s.get("data") or {}), p.age(s)]


def _sa_row(p: Printer, sa: Obj) -> list[Any]:
    return [name_of(sa), len(sa.get("secrets") or []), p.age(sa)]


def _ep_row(p: Printer, ep: Obj) -> list[Any]:
    return [name_of(ep), _endpoints_text(ep), p.age(ep)]


_NAME = Column("Name", format="name", description="Name must be unique within a namespace.")
_AGE = Column(
    "Age", description="CreationTimestamp is a timestamp representing the server time when this object was created."
)

COLUMNS: dict[str, list[Column]] = {
    "Pod": [
        _NAME,
        Column("Ready"),
        Column("Status"),
        Column("Restarts"),
        _AGE,
        Column("IP", priority=1),
        Column("Node", priority=1),
        Column("Nominated Node", priority=1),
        Column("Readiness Gates", priority=1),
    ],
    "Deployment": [
        _NAME,
        Column("Ready"),
        Column("Up-to-date", "integer"),
        Column("Available", "integer"),
        _AGE,
        Column("Containers", priority=1),
        Column("Images", priority=1),
        Column("Selector", priority=1),
    ],
    "ReplicaSet": [
        _NAME,
        Column("Desired", "integer"),
        Column("Current", "integer"),
        Column("Ready", "integer"),
        _AGE,
        Column("Containers", priority=1),
        Column("Images", priority=1),
        Column("Selector", priority=1),
    ],
    "Service": [
        _NAME,
        Column("Type"),
        Column("Cluster-IP"),
        Column("External-IP"),
        Column("Port(s)"),
        _AGE,
        Column("Selector", priority=1),
    ],
    "Node": [
        _NAME,
        Column("Status"),
        Column("Roles"),
        _AGE,
        Column("Version"),
        Column("Internal-IP", priority=1),
        Column("External-IP", priority=1),
        Column("OS-Image", priority=1),
        Column("Kernel-Version", priority=1),
        Column("Container-Runtime", priority=1),
    ],
    "Namespace": [_NAME, Column("Status"), _AGE],
    "ConfigMap": [_NAME, Column("Data", "integer"), _AGE],
    "Secret": [_NAME, Column("Type"), Column("Data", "integer"), _AGE],
    "ServiceAccount": [_NAME, Column("Secrets", "integer"), _AGE],
    "Endpoints": [_NAME, Column("Endpoints"), _AGE],
    "Event": [
        Column("Last Seen"),
        Column("Type"),
        Column("Reason"),
        Column("Object"),
        Column("Message"),
        Column("Source", priority=1),
        Column("Subobject", priority=1),
        Column("First Seen", priority=1),
        Column("Count", "integer", priority=1),
        Column("Name", priority=1),
    ],
    "HorizontalPodAutoscaler": [
        _NAME,
        Column("Reference"),
        Column("Targets"),
        Column("MinPods", "integer"),
        Column("MaxPods", "integer"),
        Column("Replicas", "integer"),
        _AGE,
    ],
    "Job": [
        _NAME,
        Column("Status"),
        Column("Completions"),
        Column("Duration"),
        _AGE,
        Column("Containers", priority=1),
        Column("Images", priority=1),
        Column("Selector", priority=1),
    ],
    "PersistentVolumeClaim": [
        _NAME,
        Column("Status"),
        Column("Volume"),
        Column("Capacity"),
        Column("Access Modes"),
        Column("StorageClass"),
        Column("VolumeAttributesClass"),
        _AGE,
        Column("VolumeMode", priority=1),
    ],
    "PersistentVolume": [
        _NAME,
        Column("Capacity"),
        Column("Access Modes"),
        Column("Reclaim Policy"),
        Column("Status"),
        Column("Claim"),
        Column("StorageClass"),
        Column("VolumeAttributesClass"),
        Column("Reason"),
        _AGE,
        Column("VolumeMode", priority=1),
    ],
}

ROWS: dict[str, Callable[[Printer, Obj], list[Any]]] = {
    "Pod": _pod_row,
    "Deployment": _deployment_row,
    "ReplicaSet": _replicaset_row,
    "Service": _service_row,
    "Node": _node_row,
    "Namespace": _namespace_row,
    "ConfigMap": _configmap_row,
    "Secret": _secret_row,
    "ServiceAccount": _sa_row,
    "Endpoints": _ep_row,
    "Event": _event_row,
    "HorizontalPodAutoscaler": _hpa_row,
    "Job": _job_row,
    "PersistentVolumeClaim": _pvc_row,
    "PersistentVolume": _pv_row,
}


def format_table(
    printer: Printer,
    kind: str,
    objects: list[Obj],
    *,
    wide: bool = False,
    name_prefix: str = "",
    with_namespace: bool = False,
    headers: bool = True,
) -> str:
    """Text like ``kubectl get``: upper-case headers, columns padded as kubectl's tabwriter pads them."""
    columns = [c for c in printer.columns(kind) if wide or c.priority == 0]
    keep = [i for i, c in enumerate(printer.columns(kind)) if wide or c.priority == 0]
    rows: list[list[str]] = []
    if headers:
        rows.append((["NAMESPACE"] if with_namespace else []) + [c.name.upper() for c in columns])
    for obj in objects:
        full = printer.row(obj)
        cells = [str(full[i]) for i in keep]
        if name_prefix and columns and columns[0].format == "name":
            cells[0] = f"{name_prefix}{cells[0]}"
        if with_namespace:
            cells.insert(0, obj.get("metadata", {}).get("namespace", ""))
        rows.append(cells)
    return tabwrite(rows)


def tabwrite(rows: list[list[str]], padding: int = 3, minwidth: int = 6) -> str:
    """Go's ``tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)`` for cells without embedded tabs."""
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    sizes = [0] * width
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            sizes[i] = max(sizes[i], len(cell) + padding, minwidth)
    lines = []
    for row in rows:
        parts = [cell.ljust(sizes[i]) for i, cell in enumerate(row[:-1])]
        parts.append(row[-1] if row else "")
        lines.append("".join(parts).rstrip())
    return "\n".join(lines)
