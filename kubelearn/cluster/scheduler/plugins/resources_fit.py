"""NodeResourcesFit (filter): the pod's requests must fit in what the node has left.

Mirrors ``plugins/noderesources/fit.go`` ``fitsRequest`` (1.32): "Too many pods" when the
node is at its ``pods`` allocatable; then, only for resources the pod actually requests,
"Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage" when the request
exceeds allocatable minus the requests already bound there. Limits and actual usage play no
part. Every shortfall is reported (a node can be short of both cpu and memory). In 1.32 these
are plain ``Unschedulable`` (preemption might help). Extended resources are not modelled.
"""

from __future__ import annotations

from ..cache import NodeInfo, PodInfo
from . import Status

NAME = "NodeResourcesFit"


def fits(pod: PodInfo, node: NodeInfo) -> bool:
    """The fast yes/no used on the hot path; ``filter`` explains a no."""
    if node.pod_count + 1 > node.alloc_pods:
        return False
    if pod.cpu > 0 and pod.cpu > node.alloc_cpu - node.req_cpu:
        return False
    if pod.memory > 0 and pod.memory > node.alloc_memory - node.req_memory:
        return False
    return not (pod.ephemeral > 0 and pod.ephemeral > node.alloc_ephemeral - node.req_ephemeral)


def _cpu(milli: int) -> str:
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def _mem(amount: int) -> str:
    if amount >= 2**1000:  # a huge quantity (e.g. "1e400") would overflow a float
        return f"{amount // 1024**3}Gi"
    mi = amount / (1024 * 1024)
    return f"{mi / 1024:g}Gi" if mi >= 1024 else f"{mi:g}Mi"


def filter(pod: PodInfo, node: NodeInfo) -> Status | None:
    reasons: list[str] = []
    details: list[str] = []
    if node.pod_count + 1 > node.alloc_pods:
        reasons.append("Too many pods")
        details.append(f"{node.name} already runs {node.pod_count} of its {node.alloc_pods} pods")
    if pod.cpu == 0 and pod.memory == 0 and pod.ephemeral == 0:
        return Status(NAME, tuple(reasons), False, "; ".join(details)) if reasons else None
    free_cpu = node.alloc_cpu - node.req_cpu
    if pod.cpu > 0 and pod.cpu > free_cpu:
        reasons.append("Insufficient cpu")
        details.append(
            f"the pod requests {_cpu(pod.cpu)} CPU but only {_cpu(max(free_cpu, 0))} "
            f"of {node.name}'s {_cpu(node.alloc_cpu)} is unrequested"
        )
    free_mem = node.alloc_memory - node.req_memory
    if pod.memory > 0 and pod.memory > free_mem:
        reasons.append("Insufficient memory")
        details.append(
            f"the pod requests {_mem(pod.memory)} memory but only {_mem(max(free_mem, 0))} "
            f"of {node.name}'s {_mem(node.alloc_memory)} is unrequested"
        )
    if pod.ephemeral > 0 and pod.ephemeral > node.alloc_ephemeral - node.req_ephemeral:
        reasons.append("Insufficient ephemeral-storage")
        details.append(f"{node.name} has too little ephemeral storage left")
    if not reasons:
        return None
    return Status(NAME, tuple(reasons), False, "; ".join(details))
