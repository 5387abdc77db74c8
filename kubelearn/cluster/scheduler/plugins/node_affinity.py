"""NodeAffinity: ``spec.nodeSelector`` and required node affinity must match the node's labels.

Mirrors ``plugins/nodeaffinity/node_affinity.go`` and ``component-helpers/scheduling/corev1/
nodeaffinity``: every nodeSelector pair must match; of the required ``nodeSelectorTerms`` at
least one must match, a term being the AND of its ``matchExpressions`` (In, NotIn, Exists,
DoesNotExist, Gt, Lt) and ``matchFields`` (``metadata.name`` only); an empty term matches
nothing. Simplified: preferred affinity is not scored.
"""

from __future__ import annotations

from typing import Any

from ..cache import NodeInfo, PodInfo
from . import Status

NAME = "NodeAffinity"
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"


def _requirement_matches(expr: dict[str, Any], values: dict[str, str]) -> bool:
    key, operator = expr.get("key", ""), expr.get("operator", "")
    wanted = [str(v) for v in expr.get("values") or ()]
    present = key in values
    if operator == "In":
        return present and values[key] in wanted
    if operator == "NotIn":
        return not present or values[key] not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(values[key]), int(wanted[0])
        except ValueError:
            return False
        return have > bound if operator == "Gt" else have < bound
    return False


def term_matches(term: dict[str, Any], node: NodeInfo) -> bool:
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        return False
    if not all(_requirement_matches(e, node.labels) for e in expressions):
        return False
    return all(_requirement_matches(f, {"metadata.name": node.name}) for f in fields)


def matches(pod: PodInfo, node: NodeInfo) -> bool:
    for key, val in pod.node_selector.items():
        if node.labels.get(key) != val:
            return False
    if pod.required_terms is not None:
        return any(term_matches(term, node) for term in pod.required_terms)
    return True


def filter(pod: PodInfo, node: NodeInfo) -> Status | None:
    if matches(pod, node):
        return None
    missing = [f"{k}={v}" for k, v in pod.node_selector.items() if node.labels.get(k) != v]
    detail = (
        f"{node.name} lacks the label(s) {', '.join(missing)} the pod's nodeSelector asks for"
        if missing
        else f"{node.name}'s labels match none of the pod's required node affinity terms"
    )
    return Status(NAME, (ERR_REASON_POD,), True, detail)
