"""``metrics.k8s.io/v1beta1``: the resource metrics API that ``kubectl top`` reads.

Mirrors metrics-server's PodMetrics and NodeMetrics lists (``/apis/metrics.k8s.io/v1beta1/
[namespaces/<ns>/]pods`` and ``/nodes``, and single items) over the core's simulated usage
(``kubelearn.cluster.metrics``). Simplified: a pod's whole usage is reported on its first
container, and the window is a fixed 15 s.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster import Cluster
from kubelearn.cluster import metrics as usage
from kubelearn.cluster.errors import StatusError

from .handlers import Reply
from .status import path_not_found

API_VERSION = "metrics.k8s.io/v1beta1"
WINDOW = "15s"


def _cpu(millicores: int) -> str:
    return f"{millicores * 1_000_000}n"


def _memory(size: int) -> str:
    return f"{size // 1024}Ki"


def _pod_metrics(cluster: Cluster, item: usage.PodUsage) -> dict[str, Any]:
    pod = cluster.store.peek("Pod", item.namespace, item.name) or {}
    containers = (pod.get("spec") or {}).get("containers") or [{"name": item.name}]
    return {
        "metadata": {"name": item.name, "namespace": item.namespace, "creationTimestamp": cluster.clock.timestamp()},
        "timestamp": cluster.clock.timestamp(),
        "window": WINDOW,
        "containers": [
            {
                "name": c.get("name", ""),
                "usage": {
                    "cpu": _cpu(item.cpu_m if i == 0 else 0),
                    "memory": _memory(item.memory_bytes if i == 0 else 0),
                },
            }
            for i, c in enumerate(containers)
        ],
    }


def _node_metrics(cluster: Cluster, name: str, cpu_m: int, memory: int) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "creationTimestamp": cluster.clock.timestamp()},
        "timestamp": cluster.clock.timestamp(),
        "window": WINDOW,
        "usage": {"cpu": _cpu(cpu_m), "memory": _memory(memory)},
    }


def _one(items: list[dict[str, Any]], name: str, resource: str) -> Reply:
    for item in items:
        if item["metadata"]["name"] == name:
            return Reply(
                {"kind": "PodMetrics" if resource == "pods" else "NodeMetrics", "apiVersion": API_VERSION, **item}
            )
    raise StatusError(
        404,
        "NotFound",
        f'{resource}.metrics.k8s.io "{name}" not found',
        {"name": name, "group": "metrics.k8s.io", "kind": resource},
    )


def respond(cluster: Cluster, version: str, rest: str) -> Reply:
    parts = [p for p in rest.strip("/").split("/") if p]
    namespace = None
    if len(parts) >= 3 and parts[0] == "namespaces":
        namespace, parts = parts[1], parts[2:]
    if version != "v1beta1" or not parts or parts[0] not in ("pods", "nodes") or len(parts) > 2:
        raise path_not_found()
    if parts[0] == "pods":
        items = [_pod_metrics(cluster, u) for u in usage.top_pods(cluster.ctx, namespace)]
        kind = "PodMetricsList"
    else:
        items = [_node_metrics(cluster, n, c, m) for n, (c, m) in sorted(usage.top_nodes(cluster.ctx).items())]
        kind = "NodeMetricsList"
    if len(parts) == 2:
        return _one(items, parts[1], parts[0])
    return Reply({"kind": kind, "apiVersion": API_VERSION, "metadata": {}, "items": items})
