"""The HorizontalPodAutoscaler's replica calculator for resource metrics (CPU, memory).

Mirrors ``pkg/controller/podautoscaler/replica_calculator.go`` (1.32): pods are grouped into
ready, unready (Pending or not Ready), missing (no metrics) and ignored (deleting, Failed);
the usage ratio is taken over the ready pods with metrics; within the 10% tolerance nothing
changes; otherwise ``ceil(ratio x ready pods)`` — unless unready or missing pods could
reverse the decision, in which case they count as 0% on a scale-up and 100% on a scale-down.
Errors carry upstream's wording (``missing request for cpu in container app of Pod web-x``).
Simplified: no CPU initialisation period (a pod counts once it is Ready).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..apiserver.quantity import milli_value
from ..objects import Obj
from .pod_index import is_ready

TOLERANCE = 0.1


class MetricError(Exception):
    """A failed metric computation; ``str()`` is upstream's error text."""


def pod_requests(pods: list[Obj], resource: str) -> dict[str, int]:
    """``calculatePodRequests``: each pod's summed request in milli-units, or an error."""
    requests: dict[str, int] = {}
    for pod in pods:
        total = 0
        containers = list(pod["spec"].get("containers") or ())
        containers += [c for c in pod["spec"].get("initContainers") or () if c.get("restartPolicy") == "Always"]
        for container in containers:
            wanted = ((container.get("resources") or {}).get("requests") or {}).get(resource)
            if wanted is None:
                raise MetricError(
                    f"missing request for {resource} in container {container.get('name')} of Pod {pod['metadata']['name']}"
                )
            total += milli_value(wanted)
        requests[pod["metadata"]["name"]] = total
    return requests


def _group(pods: list[Obj], metrics: dict[str, int]) -> tuple[int, set[str], set[str], set[str]]:
    ready, unready, missing, ignored = 0, set(), set(), set()
    for pod in pods:
        name = pod["metadata"]["name"]
        phase = (pod.get("status") or {}).get("phase")
        if pod["metadata"].get("deletionTimestamp") or phase == "Failed":
            ignored.add(name)
        elif phase == "Pending":
            unready.add(name)
        elif name not in metrics:
            missing.add(name)
        elif not is_ready(pod):
            unready.add(name)
        else:
            ready += 1
    return ready, unready, missing, ignored


Ratio = Callable[[dict[str, int]], tuple[float, int, int]]


def _replicas(
    current: int, pods: list[Obj], metrics: dict[str, int], ratio_of: Ratio, fallback_high: Callable[[str], int]
) -> tuple[int, int, int]:
    """The shared decision of ``GetResourceReplicas`` and ``calcPlainMetricReplicas``."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = _group(pods, metrics)
    metrics = {name: value for name, value in metrics.items() if name not in ignored and name not in unready}
    metrics = {name: value for name, value in metrics.items() if name in {p["metadata"]["name"] for p in pods}}
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, shown, raw = ratio_of(metrics)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, shown, raw
        return math.ceil(ratio * ready), shown, raw
    for name in missing:
        metrics[name] = fallback_high(name) if ratio < 1.0 else 0
    if scale_up_with_unready:
        for name in unready:
            metrics[name] = 0
    new_ratio = ratio_of(metrics)[0]
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current, shown, raw
    proposal = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and proposal > current) or (new_ratio > 1.0 and proposal < current):
        return current, shown, raw
    return proposal, shown, raw


def utilization_replicas(
    current: int, pods: list[Obj], metrics: dict[str, int], resource: str, target: int
) -> tuple[int, int, int]:
    """``GetResourceReplicas``: (replicas, utilization %, average usage in milli-units)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    requests = pod_requests(pods, resource)

    def ratio_of(values: dict[str, int]) -> tuple[float, int, int]:
        used = [(values[name], requests[name]) for name in values if name in requests]
        total_request = sum(r for _, r in used)
        if total_request == 0:
            raise MetricError("no metrics returned matched known pods")
        utilization = int(sum(u for u, _ in used) * 100 / total_request)
        return utilization / target, utilization, sum(u for u, _ in used) // len(used)

    return _replicas(current, pods, metrics, ratio_of, lambda name: requests[name] * max(100, target) // 100)


def average_value_replicas(current: int, pods: list[Obj], metrics: dict[str, int], target: int) -> tuple[int, int, int]:
    """``GetRawResourceReplicas``: (replicas, 0, average usage in milli-units)."""

    def ratio_of(values: dict[str, int]) -> tuple[float, int, int]:
        average = sum(values.values()) // len(values)
        return average / target, 0, average

    return _replicas(current, pods, metrics, ratio_of, lambda _name: target)
