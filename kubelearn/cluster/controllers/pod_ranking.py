"""Which pods a ReplicaSet deletes first when it scales down.

Mirrors ``getPodsToDelete`` and ``ActivePodsWithRanks.Less`` in ``pkg/controller/
controller_utils.go`` (1.32, LogarithmicScaleDown on): unassigned before assigned, Pending
before Unknown before Running, not-ready before ready, lower ``pod-deletion-cost`` first,
pods doubled up on a node before lonely ones, then the most recently ready, the most
restarted and the newest — with times compared in log2 buckets so that pods of similar
age are picked by uid, spreading the choice. Lesson: "Scaling".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from functools import cmp_to_key

from ..objects import Obj
from .pod_index import is_ready, ready_condition

DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}


def _restarts(pod: Obj) -> int:
    statuses = (pod.get("status") or {}).get("containerStatuses") or ()
    return max((int(s.get("restartCount", 0)) for s in statuses), default=0)


def _cost(pod: Obj) -> int:
    raw = (pod["metadata"].get("annotations") or {}).get(DELETION_COST)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0


def _log_rank(now: float, stamp: float) -> int:
    nanos = (now - stamp) * 1e9
    return int(math.log2(nanos)) if nanos > 0 else -1


def pods_to_delete(pods: list[Obj], diff: int, now: float, parse: Callable[[str], float]) -> list[Obj]:
    """The ``diff`` pods to delete, best candidates first."""
    if diff >= len(pods):
        return list(pods)
    on_node = Counter(p["spec"].get("nodeName", "") for p in pods if p["spec"].get("nodeName"))

    def rank(pod: Obj) -> int:
        node = pod["spec"].get("nodeName", "")
        return on_node[node] if node else 0

    def stamp(value: str | None) -> float | None:
        return parse(value) if value else None

    def less(a: Obj, b: Obj) -> bool:
        na, nb = a["spec"].get("nodeName", ""), b["spec"].get("nodeName", "")
        if na != nb and (not na or not nb):
            return not na
        pa = _PHASE_ORDER.get((a.get("status") or {}).get("phase", ""), 0)
        pb = _PHASE_ORDER.get((b.get("status") or {}).get("phase", ""), 0)
        if pa != pb:
            return pa < pb
        ra, rb = is_ready(a), is_ready(b)
        if ra != rb:
            return not ra
        if _cost(a) != _cost(b):
            return _cost(a) < _cost(b)
        if rank(a) != rank(b):
            return rank(a) > rank(b)
        if ra and rb:
            ta = stamp((ready_condition(a) or {}).get("lastTransitionTime"))
            tb = stamp((ready_condition(b) or {}).get("lastTransitionTime"))
            if ta != tb:
                if ta is None or tb is None:
                    return ta is None
                diff_rank = _log_rank(now, ta) - _log_rank(now, tb)
                if diff_rank == 0:
                    return str(a["metadata"].get("uid")) < str(b["metadata"].get("uid"))
                return diff_rank < 0
        if _restarts(a) != _restarts(b):
            return _restarts(a) > _restarts(b)
        ca, cb = stamp(a["metadata"].get("creationTimestamp")), stamp(b["metadata"].get("creationTimestamp"))
        if ca != cb:
            if ca is None or cb is None:
                return ca is None
            diff_rank = _log_rank(now, ca) - _log_rank(now, cb)
            if diff_rank == 0:
                return str(a["metadata"].get("uid")) < str(b["metadata"].get("uid"))
            return diff_rank < 0
        return False

    def compare(a: Obj, b: Obj) -> int:
        return -1 if less(a, b) else 1 if less(b, a) else 0

    return sorted(pods, key=cmp_to_key(compare))[:diff]
