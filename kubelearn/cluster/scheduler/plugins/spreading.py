"""Spreading: keep the pods of one controller (a ReplicaSet, a Job) apart, by node and by zone.

Mirrors what the default ``PodTopologySpread`` constraints (hostname maxSkew 3, zone maxSkew 5,
ScheduleAnyway) and the older ``SelectorSpread`` score achieve: a node already running many of
the pod's siblings scores lower. The formula is SelectorSpread's: per node
``100 * (max - count) / max``, blended 1/3 node to 2/3 zone when nodes carry zone labels.
Simplified: siblings are pods with the same controller owner (not a Service/RS selector match),
and zone counts cover every node rather than only the feasible ones.
"""

from __future__ import annotations

from ..cache import NodeInfo, PodInfo, SchedulerCache
from . import MAX_NODE_SCORE

NAME = "PodTopologySpread"
WEIGHT = 2
ZONE_WEIGHTING = 2.0 / 3.0


def normalize(pod: PodInfo, nodes: list[NodeInfo], cache: SchedulerCache) -> list[int]:
    """Scores for ``nodes`` (all feasible for ``pod``), in the same order."""
    owner = pod.owner
    if not owner:
        return [MAX_NODE_SCORE] * len(nodes)
    counts = [node.owners.get(owner, 0) for node in nodes]
    max_node = max(counts, default=0)
    if not any(node.zone for node in nodes):
        if max_node == 0:
            return [MAX_NODE_SCORE] * len(nodes)
        return [int(MAX_NODE_SCORE * (max_node - count) / max_node) for count in counts]
    zones = cache.zone_owners
    by_zone = {zone: owners.get(owner, 0) for zone, owners in zones.items()}
    zone_counts = [by_zone.get(node.zone, 0) for node in nodes]
    max_zone = max(zone_counts, default=0)
    node_weight = 1.0 - ZONE_WEIGHTING
    scores = []
    append = scores.append
    for node, count, zone_count in zip(nodes, counts, zone_counts, strict=True):
        f_score = MAX_NODE_SCORE * (max_node - count) / max_node if max_node else float(MAX_NODE_SCORE)
        if node.zone:
            zone_score = MAX_NODE_SCORE * (max_zone - zone_count) / max_zone if max_zone else float(MAX_NODE_SCORE)
            f_score = f_score * node_weight + ZONE_WEIGHTING * zone_score
        append(int(f_score))
    return scores
