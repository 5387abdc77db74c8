"""TaintToleration: a node's NoSchedule/NoExecute taints keep out pods that do not tolerate them.

Mirrors ``plugins/tainttoleration/taint_toleration.go`` and ``v1helper.TolerationsTolerateTaint``
(1.32 wording: ``node(s) had untolerated taint {key: value}``, the first untolerated taint in
the node's order). Simplified: the PreferNoSchedule score is not implemented.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..cache import HARD_EFFECTS, NodeInfo, PodInfo
from . import Status

NAME = "TaintToleration"


def toleration_matches(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """``Toleration.ToleratesTaint``: effect and key match (empty matches all), then the operator."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerates(tolerations: Iterable[dict[str, Any]], taint: dict[str, Any]) -> bool:
    return any(toleration_matches(t, taint) for t in tolerations)


def untolerated_taint(tolerations: list[dict[str, Any]], taints: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``FindMatchingUntoleratedTaint`` with ``DoNotScheduleTaintsFilterFunc``."""
    for taint in taints:
        if taint.get("effect") in HARD_EFFECTS and not tolerates(tolerations, taint):
            return taint
    return None


def filter(pod: PodInfo, node: NodeInfo) -> Status | None:
    taint = untolerated_taint(pod.tolerations, node.taints)
    if taint is None:
        return None
    key, val = taint.get("key", ""), taint.get("value") or ""
    shown = f"{key}={val}:{taint.get('effect')}" if val else f"{key}:{taint.get('effect')}"
    return Status(
        NAME,
        (f"node(s) had untolerated taint {{{key}: {val}}}",),
        True,
        f"{node.name} has the taint {shown} and the pod has no matching toleration",
    )
