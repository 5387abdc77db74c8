"""NodeResourcesFit (score, LeastAllocated): prefer the node with the most room left.

Mirrors ``plugins/noderesources/least_allocated.go`` with the default cpu:1, memory:1
weights: per resource ``(allocatable - requested) * 100 / allocatable`` in integer maths,
where requested is the node's non-zero requests plus the pod's (100m / 200Mi stand in for a
container that requests nothing, so empty-request pods still spread), 0 when over; the node's
score is the weighted average.
"""

from __future__ import annotations

from ..cache import NodeInfo, PodInfo
from . import MAX_NODE_SCORE

NAME = "NodeResourcesFit"
WEIGHT = 1


def _least(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def score(pod: PodInfo, node: NodeInfo) -> int:
    cpu = _least(node.nz_cpu + pod.nz_cpu, node.alloc_cpu)
    memory = _least(node.nz_memory + pod.nz_memory, node.alloc_memory)
    return (cpu + memory) // 2


def scores(pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
    """``score`` for many nodes, inlined: this loop runs for every feasible node of every pod."""
    out = []
    append = out.append
    pod_cpu, pod_memory = pod.nz_cpu, pod.nz_memory
    for node in nodes:
        capacity, requested = node.alloc_cpu, node.nz_cpu + pod_cpu
        cpu = (capacity - requested) * MAX_NODE_SCORE // capacity if capacity and requested <= capacity else 0
        capacity, requested = node.alloc_memory, node.nz_memory + pod_memory
        memory = (capacity - requested) * MAX_NODE_SCORE // capacity if capacity and requested <= capacity else 0
        append((cpu + memory) // 2)
    return out
