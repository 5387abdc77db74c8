"""kube-scheduler: filter -> score -> bind, one unscheduled pod at a time.

Mirrors ``pkg/scheduler/schedule_one.go`` and the default plugin set of 1.32:
- **filter** each node with NodeUnschedulable, NodeName, TaintToleration, NodeAffinity and
  NodeResourcesFit, in that order, stopping at a node's first failing plugin; like upstream,
  once ``numFeasibleNodesToFind`` nodes fit (all of them below 100 nodes; see
  ``PERCENTAGE_OF_NODES_TO_SCORE``) the search stops, and the next one starts where it ended;
- **score** the feasible nodes with LeastAllocated (weight 1) and spreading (weight 2) and take
  the best, the first in node order on a tie (upstream picks a tie at random);
- **bind**: set ``spec.nodeName`` and ``PodScheduled=True``, record ``Scheduled``;
- on failure: ``PodScheduled=False/Unschedulable`` and a ``FailedScheduling`` event whose
  message is ``FitError.Error()`` plus the DefaultPreemption PostFilter's verdict.
A pod that did not fit waits until a node is added or changes, or a bound pod goes away, and
is also retried every ``timings.scheduler_retry`` seconds while it stays Pending.
Simplified: no preemption (victims are only counted for the message), no scheduling queue
priorities or backoff, no pod (anti-)affinity, ports or volume plugins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..objects import Key, Obj, key_of
from ..store import DELETED, WatchEvent
from .cache import TERMINAL_PHASES, NodeInfo, PodInfo, SchedulerCache, cache_of, pod_info, wants_scheduling
from .plugins import (
    MAX_NODE_SCORE,
    Status,
    least_allocated,
    node_affinity,
    node_name,
    node_unschedulable,
    resources_fit,
    spreading,
)
from .plugins import taint_toleration as taints

NAME = "default-scheduler"
WATCHES = ("Pod", "Node")
COMPONENT = "default-scheduler"
FILTERS = (node_unschedulable, node_name, taints, node_affinity, resources_fit)
NO_NODES = "no nodes available to schedule pods"
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE = 5
BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50
# KubeSchedulerConfiguration.percentageOfNodesToScore. Upstream's default, 0, means adaptive
# (50% minus 1% per 125 nodes, at least 5%: 420 of 1,000 nodes). We set 10 so a big
# benchmark fleet scores upstream's floor of 100 nodes per pod; below 100 nodes all are scored.
PERCENTAGE_OF_NODES_TO_SCORE = 10
_ANYTHING = float("-inf")


@dataclass(frozen=True, slots=True)
class Result:
    """Same shape as ``controllers.base.Result`` (the scheduler sits beside the controllers)."""

    requeue_after: float | None = None


SETTLED = Result()  # shared (frozen): the common answer, without building one per reconcile


@dataclass(frozen=True, slots=True)
class NodeVerdict:
    """Why one node could or could not take a pod, for the lesson UI."""

    node: str
    ok: bool
    reasons: tuple[str, ...] = ()  # upstream's strings, from the first failing plugin
    details: tuple[str, ...] = ()  # plain-language sentences, one per failing plugin
    plugin: str = ""
    score: int | None = None
    scores: tuple[tuple[str, int], ...] = ()


@dataclass(slots=True)
class Decision:
    node: NodeInfo | None
    statuses: dict[str, Status]
    num_nodes: int


# -- informer side --------------------------------------------------------------------------


def keys_for(event: WatchEvent, ctx: Any) -> Iterable[Key]:
    cache = cache_of(ctx)
    obj = event.object
    if event.kind == "Node":
        if event.type == DELETED:
            cache.forget_node(obj["metadata"]["name"])
            return ()
        return list(cache.pending) if cache.observe_node(obj) else ()
    meta = obj["metadata"]
    key: Key = ("Pod", meta.get("namespace", "") or "", meta.get("name", ""))
    if event.type == DELETED:
        return list(cache.pending) if cache.forget_pod(key) else ()
    node_name = (obj.get("spec") or {}).get("nodeName")
    if node_name:
        bound = cache.bound.get(key)
        if (
            bound is not None
            and bound.node == node_name
            and (obj.get("status") or {}).get("phase") not in TERMINAL_PHASES
        ):
            # Most pod events: a status write of a pod already counted on its node. Nothing
            # the scheduler counts moved (``observe_pod`` would say so at more cost).
            if key in cache.pending:
                cache.pending.pop(key, None)
                cache.retry_at.pop(key, None)
            return ()
    freed = cache.observe_pod(obj, key)
    keys = list(cache.pending) if freed else []
    if wants_scheduling(obj):
        generation = obj["metadata"].get("generation", 0)
        if cache.pending.get(key, -1) != generation:
            keys.append(key)  # new, or its spec changed since it last failed
    elif key in cache.pending:
        cache.pending.pop(key, None)
        cache.retry_at.pop(key, None)
    return keys


# -- the scheduling cycle -------------------------------------------------------------------


def num_feasible_nodes_to_find(num_all: int, percentage: int = PERCENTAGE_OF_NODES_TO_SCORE) -> int:
    """``numFeasibleNodesToFind``: stop filtering once this many nodes fit."""
    if num_all < MIN_FEASIBLE_NODES_TO_FIND or percentage >= 100:
        return num_all
    if percentage <= 0:  # adaptive
        percentage = max(BASE_PERCENTAGE_OF_NODES_TO_SCORE - num_all // 125, MIN_FEASIBLE_NODES_PERCENTAGE)
    return max(num_all * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def run_filters(pod: PodInfo, node: NodeInfo) -> Status | None:
    """Every filter plugin in order; the first failure decides (``RunFilterPlugins``)."""
    for plugin in FILTERS:
        status = plugin.filter(pod, node)
        if status is not None:
            return status
    return None


def score_nodes(pod: PodInfo, nodes: list[NodeInfo], cache: SchedulerCache) -> list[tuple[int, int]]:
    """(LeastAllocated, spreading) per node, before weights."""
    least = least_allocated.scores(pod, nodes)
    spread = spreading.normalize(pod, nodes, cache)
    return list(zip(least, spread, strict=True))


def schedule(cache: SchedulerCache, pod: PodInfo) -> Decision:
    nodes = cache.node_list()
    total = len(nodes)
    if total == 0:
        return Decision(None, {}, 0)
    wanted = num_feasible_nodes_to_find(total)
    start = cache.next_start % total
    found = 0  # feasible nodes so far
    # Feasible nodes grouped by the state their score depends on, first node of each state
    # first (see ``best_node``): built here, in the filter loop, to touch each node once.
    groups: dict[NodeState, NodeInfo] = {}
    owner = pod.owner
    statuses: dict[str, Status] = {}
    # The common case inlined: a pod with no node constraints on a node without taints or
    # cordon can only fail NodeResourcesFit, so check its numbers here and call plugins only
    # to explain a failure. Anything else goes through every filter plugin in order.
    plain = not (pod.node_name or pod.has_node_constraints)
    # A resource the pod does not request always fits (even on an overcommitted node): -inf.
    cpu = pod.cpu or _ANYTHING
    memory = pod.memory or _ANYTHING
    ephemeral = pod.ephemeral or _ANYTHING
    if plain:
        floor = cache.plain_floor()
        if floor is not None and floor[0] > 0 and cpu <= floor[1] and memory <= floor[2] and ephemeral <= floor[3]:
            return _schedule_anywhere(cache, pod, nodes, start, wanted)
    for node in nodes[start:] + nodes[:start] if start else nodes:
        if plain and not node.blocked:
            if (
                node.pod_count < node.alloc_pods
                and cpu <= node.free_cpu
                and memory <= node.free_memory
                and ephemeral <= node.free_ephemeral
            ):
                status = None
            else:
                status = resources_fit.filter(pod, node)
        else:
            status = run_filters(pod, node)
        if status is None:
            found += 1
            state = (node.score_key, node.owners.get(owner, 0), node.zone) if owner else (node.score_key, 0, "")
            if state not in groups:
                groups[state] = node
            if found >= wanted:
                break
        else:
            statuses[node.name] = status
    cache.next_start = (start + found + len(statuses)) % total
    if not found:
        return Decision(None, statuses, total)
    if found == 1:
        return Decision(next(iter(groups.values())), statuses, total)
    return Decision(_best_of(pod, groups, cache), statuses, total)


def _schedule_anywhere(cache: SchedulerCache, pod: PodInfo, nodes: list[NodeInfo], start: int, wanted: int) -> Decision:
    """``schedule`` when every node fits (``SchedulerCache.plain_floor``): the filter loop
    would find the ``wanted`` nodes from ``start`` feasible, so only their grouping is left."""
    total = len(nodes)
    window = nodes[start : start + wanted]
    if len(window) < wanted:
        window += nodes[: wanted - len(window)]
    cache.next_start = (start + wanted) % total
    if wanted == 1:
        return Decision(window[0], {}, total)
    groups: dict[NodeState, NodeInfo] = {}
    first = groups.setdefault  # keeps the first node of each state, in scan order
    owner = pod.owner
    if owner:
        for node in window:
            first((node.score_key, node.owners.get(owner, 0), node.zone), node)
    else:
        for node in window:
            first((node.score_key, 0, ""), node)
    return Decision(_best_of(pod, groups, cache), {}, total)


# What a node's score depends on (see ``best_node``): its ``score_key``, its count of the pod's
# siblings and its zone.
NodeState = tuple[tuple[int, int, int, int], int, str]


def best_node(pod: PodInfo, feasible: list[NodeInfo], cache: SchedulerCache) -> NodeInfo:
    """The highest weighted score, the first in ``feasible`` order on a tie.

    The same integer arithmetic as ``least_allocated.scores`` and ``spreading.normalize``
    (``score_nodes``, which ``explain`` shows per node), but scored once per distinct node
    state: a score depends only on the node's allocatable and non-zero requests, its count of
    the pod's siblings and its zone, and a fleet filling up evenly has few distinct states.
    Taking the first node of each state in ``feasible`` order keeps the tie-breaking.
    """
    owner = pod.owner
    groups: dict[NodeState, NodeInfo] = {}
    for node in feasible:
        state = (node.score_key, node.owners.get(owner, 0), node.zone) if owner else (node.score_key, 0, "")
        if state not in groups:
            groups[state] = node
    return _best_of(pod, groups, cache)


def _best_of(pod: PodInfo, groups: dict[NodeState, NodeInfo], cache: SchedulerCache) -> NodeInfo:
    owner = pod.owner
    max_score = MAX_NODE_SCORE
    lw, sw = least_allocated.WEIGHT, spreading.WEIGHT
    pod_cpu, pod_memory = pod.nz_cpu, pod.nz_memory
    max_node = max_zone = 0
    zoned = False
    zone_counts: dict[str, int] = {}
    if owner:
        max_node = max(state[1] for state in groups)
        zoned = any(state[2] for state in groups)
        if zoned:
            for zone, owners in cache.zone_owners.items():
                zone_counts[zone] = owners.get(owner, 0)
            max_zone = max(zone_counts.get(state[2], 0) for state in groups)
    node_weight = 1.0 - spreading.ZONE_WEIGHTING
    zone_weight = spreading.ZONE_WEIGHTING
    best, best_score = next(iter(groups.values())), -1
    for state, node in groups.items():
        (alloc_cpu, nz_cpu, alloc_memory, nz_memory), count, zone = state
        requested = nz_cpu + pod_cpu
        cpu = (alloc_cpu - requested) * max_score // alloc_cpu if alloc_cpu and requested <= alloc_cpu else 0
        requested = nz_memory + pod_memory
        memory = (
            (alloc_memory - requested) * max_score // alloc_memory if alloc_memory and requested <= alloc_memory else 0
        )
        least = (cpu + memory) // 2
        if not owner:
            spread = max_score
        elif not zoned:
            spread = int(max_score * (max_node - count) / max_node) if max_node else max_score
        else:
            f_score = max_score * (max_node - count) / max_node if max_node else float(max_score)
            if zone:
                zone_count = zone_counts.get(zone, 0)
                zone_score = max_score * (max_zone - zone_count) / max_zone if max_zone else float(max_score)
                f_score = f_score * node_weight + zone_weight * zone_score
            spread = int(f_score)
        score = least * lw + spread * sw
        if score > best_score:
            best, best_score = node, score
    return best


# -- messages -------------------------------------------------------------------------------


def _histogram(reasons: Iterable[str]) -> list[str]:
    """``sortReasonsHistogram``: "<count> <reason>" strings, sorted as plain strings."""
    return sorted(f"{count} {reason}" for reason, count in Counter(reasons).items())


def preemption_message(cache: SchedulerCache, pod: PodInfo, decision: Decision) -> str:
    """DefaultPreemption's PostFilter verdict, as appended to the FailedScheduling message."""
    if pod.preemption_policy == "Never":
        return "preemption: not eligible due to preemptionPolicy=Never."
    reasons: list[str] = []
    considered = 0  # nodes where preemption might help (plain Unschedulable)
    for name, status in decision.statuses.items():
        if status.unresolvable:
            continue  # counted below as "Preemption is not helpful for scheduling"
        considered += 1
        node = cache.nodes[name]
        if pod.priority <= cache.min_priority or not any(p < pod.priority for p in node.pods.values()):
            reasons.append("No preemption victims found for incoming pod")
        else:
            reasons.extend(status.reasons)  # victims exist but are not evicted here
    absent = decision.num_nodes - considered
    histogram = _histogram(reasons)
    if absent > 0:
        histogram = sorted([*histogram, f"{absent} Preemption is not helpful for scheduling"])
    return f"preemption: 0/{decision.num_nodes} nodes are available: {', '.join(histogram)}."


def fit_error(cache: SchedulerCache, pod: PodInfo, decision: Decision) -> str:
    """``FitError.Error()``: ``0/3 nodes are available: 3 Insufficient cpu. preemption: ...``."""
    if decision.num_nodes == 0:
        return NO_NODES
    message = f"0/{decision.num_nodes} nodes are available:"
    histogram = _histogram(r for status in decision.statuses.values() for r in status.reasons)
    if histogram:
        message += f" {', '.join(histogram)}."
    return f"{message} {preemption_message(cache, pod, decision)}"


# -- reconcile: one attempt for one pod -----------------------------------------------------


def reconcile(ctx: Any, key: Key) -> Result:
    cache = cache_of(ctx)
    pod = ctx.store.peek(*key)
    if pod is None or not wants_scheduling(pod):
        cache.pending.pop(key, None)
        cache.retry_at.pop(key, None)
        return SETTLED
    info = pod_info(pod)
    decision = schedule(cache, info)
    if decision.node is not None:
        cache.pending.pop(key, None)
        cache.retry_at.pop(key, None)
        _bind(ctx, pod, decision.node.name)
        return SETTLED
    message = fit_error(cache, info, decision)
    cache.pending[key] = pod["metadata"].get("generation", 0)
    _set_condition(ctx, pod, "False", "Unschedulable", message)
    ctx.events.record(pod, "Warning", "FailedScheduling", message, COMPONENT)
    now = ctx.clock.now
    if cache.retry_at.get(key, -1.0) > now:
        return SETTLED  # a retry is already on the clock
    cache.retry_at[key] = now + ctx.timings.scheduler_retry
    return Result(requeue_after=ctx.timings.scheduler_retry)


def _scheduled_condition(ctx: Any, old: dict[str, Any] | None, status: str, reason: str, message: str) -> dict:  # type: ignore[type-arg]
    condition: dict[str, Any] = {"type": "PodScheduled", "status": status, "lastProbeTime": None}
    same = old is not None and old.get("status") == status
    condition["lastTransitionTime"] = old.get("lastTransitionTime") if same and old else ctx.clock.timestamp()
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    return condition


def _with_condition(ctx: Any, pod: Obj, status: str, reason: str, message: str) -> Obj | None:
    """A shallow copy of ``pod`` with PodScheduled set, or None when nothing would change.

    Only the containers on the way to the condition are new; the API server deep-copies what
    it is given, so sharing the rest with the stored (read-only) pod is safe.
    """
    pod_status = pod.get("status") or {}
    conditions = list(pod_status.get("conditions") or ())
    index, old = next(((i, c) for i, c in enumerate(conditions) if c.get("type") == "PodScheduled"), (-1, None))
    if old is not None and (old.get("status"), old.get("reason", ""), old.get("message", "")) == (
        status,
        reason,
        message,
    ):
        return None
    condition = _scheduled_condition(ctx, old, status, reason, message)
    if index >= 0:
        conditions[index] = condition
    else:
        conditions.append(condition)
    return {**pod, "status": {**pod_status, "conditions": conditions}}


def _set_condition(ctx: Any, pod: Obj, status: str, reason: str, message: str) -> None:
    updated = _with_condition(ctx, pod, status, reason, message)
    if updated is not None:
        ctx.api.update(updated, subresource="status", trusted=True)


def _bind(ctx: Any, pod: Obj, node: str) -> None:
    """The ``pods/binding`` subresource: nodeName and PodScheduled=True in one write."""
    updated = _with_condition(ctx, pod, "True", "", "") or {**pod}
    updated["spec"] = {**pod["spec"], "nodeName": node}
    bound, _ = ctx.api.update(updated, trusted=True, copy_out=False, copy_in=False)
    meta = pod["metadata"]
    ctx.events.record(
        bound,
        "Normal",
        "Scheduled",
        f"Successfully assigned {meta.get('namespace')}/{meta['name']} to {node}",
        COMPONENT,
    )


# -- explain: the per-node story behind a decision ------------------------------------------


def explain(ctx: Any, pod: Obj) -> list[NodeVerdict]:
    """Every node's verdict for ``pod`` right now, computed on demand (nothing is stored)."""
    cache = cache_of(ctx)
    info = pod_info(pod)
    bound = cache.bound.get(key_of(pod))
    verdicts: list[NodeVerdict] = []
    feasible: list[NodeInfo] = []
    for node in cache.node_list():
        if bound is not None and bound.node == node.name:  # judge the node as if the pod were not there
            node = replace(
                node,
                req_cpu=node.req_cpu - bound.cpu,
                req_memory=node.req_memory - bound.memory,
                nz_cpu=node.nz_cpu - bound.nz_cpu,
                nz_memory=node.nz_memory - bound.nz_memory,
                pod_count=node.pod_count - 1,
            )
        failures = [s for s in (plugin.filter(info, node) for plugin in FILTERS) if s is not None]
        if failures:
            first = failures[0]
            verdicts.append(
                NodeVerdict(node.name, False, first.reasons, tuple(s.detail for s in failures), first.plugin)
            )
        else:
            feasible.append(node)
            verdicts.append(NodeVerdict(node.name, True))
    scored = dict(zip((n.name for n in feasible), score_nodes(info, feasible, cache), strict=True))
    out = []
    for verdict in verdicts:
        if verdict.node in scored:
            least, spread = scored[verdict.node]
            total = least * least_allocated.WEIGHT + spread * spreading.WEIGHT
            parts = ((least_allocated.NAME, least), (spreading.NAME, spread))
            verdict = replace(verdict, score=total, scores=parts)
        out.append(verdict)
    return out
