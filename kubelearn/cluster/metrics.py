"""Pod CPU and memory usage: the resource metrics API (metrics-server) in miniature.

Mirrors what ``metrics.k8s.io`` serves to the HorizontalPodAutoscaler and ``kubectl top``:
per running pod, CPU in millicores and memory in bytes. The kubelet writes each running
pod's baseline into ``ctx.extras["metrics"]`` (``{uid: {"cpu_m", "memory_bytes"[,
"cpu_m_per_rps"]}}``); simulated traffic (``set_load``, driven by the proxy) adds CPU: each
Service's requests per second are shared among its ready endpoints, and each request costs
the image's ``cpu_m_per_rps`` millicores (a default when the kubelet gives none).
Simplified: no scrape window — usage is read the instant it is asked for, so the HPA sees
load change at its next sync. Lesson: "Autoscaling".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .objects import Obj

METRICS_KEY = "metrics"
LOAD_KEY = "load"
# Components that want to hear about load changes (the HPA) register ``fn(ctx, namespace)`` here.
LISTENERS_KEY = "load_listeners"
DEFAULT_CPU_M_PER_RPS = 1.0
# A running pod the kubelet reported nothing for (or no kubelet at all) still uses a little.
FALLBACK_USAGE = {"cpu_m": 1, "memory_bytes": 4 * 1024 * 1024}


@dataclass(frozen=True, slots=True)
class PodUsage:
    namespace: str
    name: str
    node: str
    cpu_m: int
    memory_bytes: int


def set_load(ctx: Any, namespace: str, service: str, rps: float) -> None:
    """Sustained requests per second sent to a Service (0 removes the load)."""
    load: dict[tuple[str, str], float] = ctx.extras.setdefault(LOAD_KEY, {})
    if rps > 0:
        load[(namespace, service)] = float(rps)
    else:
        load.pop((namespace, service), None)
    for listener in list(ctx.extras.get(LISTENERS_KEY, {}).values()):
        listener(ctx, namespace)


def load_of(ctx: Any, namespace: str, service: str) -> float:
    return float(ctx.extras.get(LOAD_KEY, {}).get((namespace, service), 0.0))


def has_load(ctx: Any, namespace: str | None = None) -> bool:
    return any(ns == namespace or namespace is None for ns, _ in ctx.extras.get(LOAD_KEY, {}))


def _rps_by_pod(ctx: Any, namespace: str) -> dict[str, float]:
    """Each loaded Service's rps shared out over its ready addresses (by pod uid)."""
    shares: dict[str, float] = {}
    for (ns, service), rps in sorted(ctx.extras.get(LOAD_KEY, {}).items()):
        if ns != namespace:
            continue
        endpoints = ctx.store.peek("Endpoints", ns, service)
        uids = [
            address.get("targetRef", {}).get("uid", "")
            for subset in (endpoints or {}).get("subsets") or ()
            for address in subset.get("addresses") or ()
        ]
        for uid in uids:
            shares[uid] = shares.get(uid, 0.0) + rps / len(uids)
    return shares


def _running(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and not pod["metadata"].get("deletionTimestamp")


def usage(ctx: Any, pods: list[Obj]) -> dict[tuple[str, str], PodUsage]:
    """Usage of each running pod in ``pods`` by (namespace, name); pods without metrics are absent."""
    baselines: dict[str, dict[str, Any]] = ctx.extras.get(METRICS_KEY, {})
    cost_hook = ctx.extras.get("image_request_cost")
    shares_by_ns: dict[str, dict[str, float]] = {}
    out: dict[tuple[str, str], PodUsage] = {}
    for pod in pods:
        if not _running(pod):
            continue
        meta = pod["metadata"]
        ns, uid = meta.get("namespace", ""), meta.get("uid", "")
        if ns not in shares_by_ns:
            shares_by_ns[ns] = _rps_by_pod(ctx, ns)
        base = baselines.get(uid) or FALLBACK_USAGE
        per_rps = base.get("cpu_m_per_rps")
        if per_rps is None and callable(cost_hook):
            images = [c.get("image", "") for c in pod["spec"].get("containers") or ()]
            per_rps = sum(float(cost_hook(image) or 0.0) for image in images)
        if per_rps is None:
            per_rps = DEFAULT_CPU_M_PER_RPS
        cpu = int(base.get("cpu_m", 0)) + round(shares_by_ns[ns].get(uid, 0.0) * float(per_rps))
        node = pod["spec"].get("nodeName", "")
        out[(ns, meta["name"])] = PodUsage(ns, meta["name"], node, cpu, int(base.get("memory_bytes", 0)))
    return out


def top_pods(ctx: Any, namespace: str | None = None) -> list[PodUsage]:
    """``kubectl top pods``: running pods' usage, sorted by namespace and name."""
    pods = list(ctx.store.iter_kind("Pod", namespace))
    return sorted(usage(ctx, pods).values(), key=lambda u: (u.namespace, u.name))


def top_nodes(ctx: Any) -> dict[str, tuple[int, int]]:
    """``kubectl top nodes``: summed pod usage per node, (cpu millicores, memory bytes)."""
    totals: dict[str, tuple[int, int]] = {n["metadata"]["name"]: (0, 0) for n in ctx.store.iter_kind("Node")}
    for item in top_pods(ctx):
        cpu, mem = totals.get(item.node, (0, 0))
        totals[item.node] = (cpu + item.cpu_m, mem + item.memory_bytes)
    return totals
