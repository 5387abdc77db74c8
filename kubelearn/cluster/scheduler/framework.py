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
from .cache import NodeInfo, PodInfo, SchedulerCache, cache_of, pod_info, wants_scheduling
from .plugins import Status, least_allocated, node_affinity, node_name, node_unschedulable, resources_fit, spreading
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


@dataclass(frozen=True, slots=True)
class Result:
    """Same shape as ``controllers.base.Result`` (the scheduler sits beside the controllers)."""

    requeue_after: float | None = None


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
    key = key_of(obj)
    if event.type == DELETED:
        return list(cache.pending) if cache.forget_pod(key) else ()
    freed = cache.observe_pod(obj)
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
    feasible: list[NodeInfo] = []
    statuses: dict[str, Status] = {}
    # The common case inlined: a pod with no node constraints on a node without taints or
    # cordon can only fail NodeResourcesFit, so check its numbers here and call plugins only
    # to explain a failure. Anything else goes through every filter plugin in order.
    plain = not (pod.node_name or pod.has_node_constraints)
    cpu, memory, ephemeral = pod.cpu, pod.memory, pod.ephemeral
    for node in nodes[start:] + nodes[:start] if start else nodes:
        if plain and not node.blocked:
            if (
                node.pod_count < node.alloc_pods
                and (cpu == 0 or cpu <= node.alloc_cpu - node.req_cpu)
                and (memory == 0 or memory <= node.alloc_memory - node.req_memory)
                and (ephemeral == 0 or ephemeral <= node.alloc_ephemeral - node.req_ephemeral)
            ):
                feasible.append(node)
                if len(feasible) >= wanted:
                    break
                continue
            status = resources_fit.filter(pod, node)
        else:
            status = run_filters(pod, node)
        if status is None:
            feasible.append(node)
            if len(feasible) >= wanted:
                break
        else:
            statuses[node.name] = status
    cache.next_start = (start + len(feasible) + len(statuses)) % total
    if not feasible:
        return Decision(None, statuses, total)
    if len(feasible) == 1:
        return Decision(feasible[0], statuses, total)
    best, best_score = feasible[0], -1
    lw, sw = least_allocated.WEIGHT, spreading.WEIGHT
    for node, (least, spread) in zip(feasible, score_nodes(pod, feasible, cache), strict=True):
        total_score = least * lw + spread * sw
        if total_score > best_score:
            best, best_score = node, total_score
    return Decision(best, statuses, total)


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
        return Result()
    info = pod_info(pod)
    decision = schedule(cache, info)
    if decision.node is not None:
        cache.pending.pop(key, None)
        cache.retry_at.pop(key, None)
        _bind(ctx, pod, decision.node.name)
        return Result()
    message = fit_error(cache, info, decision)
    cache.pending[key] = pod["metadata"].get("generation", 0)
    _set_condition(ctx, pod, "False", "Unschedulable", message)
    ctx.events.record(pod, "Warning", "FailedScheduling", message, COMPONENT)
    now = ctx.clock.now
    if cache.retry_at.get(key, -1.0) > now:
        return Result()  # a retry is already on the clock
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
    bound, _ = ctx.api.update(updated, trusted=True, copy_out=False)
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
