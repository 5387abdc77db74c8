"""NodeName: a pod that names its node fits only that node.

Mirrors ``plugins/nodename/node_name.go``. In practice a pod with ``spec.nodeName`` never
reaches the scheduler (it is already bound), so this filter matters only for ``explain``.
"""

from __future__ import annotations

from ..cache import NodeInfo, PodInfo
from . import Status

NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"


def filter(pod: PodInfo, node: NodeInfo) -> Status | None:
    if not pod.node_name or pod.node_name == node.name:
        return None
    return Status(NAME, (ERR_REASON,), True, f"the pod asks for node {pod.node_name}")
