"""NodeUnschedulable: a cordoned node (``spec.unschedulable``) takes no new pods.

Mirrors ``plugins/nodeunschedulable/node_unschedulable.go``: a pod that tolerates the
``node.kubernetes.io/unschedulable:NoSchedule`` taint may still go there (DaemonSet pods do).
"""

from __future__ import annotations

from ..cache import NodeInfo, PodInfo
from . import Status
from .taint_toleration import tolerates

NAME = "NodeUnschedulable"
ERR_REASON = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def filter(pod: PodInfo, node: NodeInfo) -> Status | None:
    if not node.unschedulable or tolerates(pod.tolerations, UNSCHEDULABLE_TAINT):
        return None
    return Status(NAME, (ERR_REASON,), True, f"{node.name} is cordoned (kubectl cordon): no new pods")
