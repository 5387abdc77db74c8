"""The HorizontalPodAutoscaler controller (autoscaling/v2, resource metrics).

Mirrors ``pkg/controller/podautoscaler/horizontal.go`` (1.32) ``reconcileAutoscaler``: read
the target's scale subresource, compute a proposal per metric (``hpa_replicas``), keep the
largest, stabilise scale-downs over ``timings.hpa_downscale_stabilization`` (the highest
recommendation in the window wins), clamp to min/max and to the scale-up limit, and write
through the scale subresource with ``SuccessfulRescale`` ``New size: 4; reason: cpu resource
utilization (percentage of request) above target``. Status conditions AbleToScale,
ScalingActive and ScalingLimited use upstream's reasons and messages.
Syncing: upstream resyncs every HPA every 15 s forever; to let ``run_until_idle`` finish, the
sync loop here runs every ``timings.hpa_sync`` only while something can change — load on the
namespace, a recent rescale, a pending stabilised scale-down — and pod changes or new load
restart it. Simplified: ``behavior`` policies are applied against the current size only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import metrics as metrics_api
from ..apiserver.events import NORMAL, WARNING
from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of, labels_of
from ..selectors import SelectorError, matches, parse_label_selector
from ..store import DELETED, WatchEvent
from . import hpa_normalize
from .base import Context, Result
from .hpa_replicas import MetricError, average_value_replicas, utilization_replicas
from .pod_index import pod_index

NAME = "horizontal-pod-autoscaler"
COMPONENT = "horizontal-pod-autoscaler"
WATCHES = ("HorizontalPodAutoscaler", "Pod")
STATE_KEY = "hpa.state"


@dataclass(slots=True)
class HpaState:
    timer: Any = None
    synced_at: float | None = None
    generation: int = 0
    recommendations: list[tuple[float, int]] = field(default_factory=list)


def _state(ctx: Context, key: Key) -> HpaState:
    states: dict[Key, HpaState] = ctx.extras.setdefault(STATE_KEY, {})
    return states.setdefault(key, HpaState())


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    listeners = ctx.extras.get(metrics_api.LISTENERS_KEY)
    if listeners is None:
        listeners = ctx.extras[metrics_api.LISTENERS_KEY] = {}
    listeners[NAME] = _on_load
    if event.kind == "HorizontalPodAutoscaler":
        if event.type == DELETED:
            state = ctx.extras.get(STATE_KEY, {}).pop(key_of(event.object), None)
            if state is not None and state.timer is not None:
                state.timer.cancelled = True
            return []
        return [key_of(event.object)]
    if not ctx.store.count("HorizontalPodAutoscaler"):
        return []
    ns = event.object["metadata"].get("namespace", "")
    for hpa in ctx.store.iter_kind("HorizontalPodAutoscaler", ns):
        _wake(ctx, key_of(hpa))
    return []


def _on_load(ctx: Context, namespace: str) -> None:
    for hpa in ctx.store.iter_kind("HorizontalPodAutoscaler", namespace):
        _wake(ctx, key_of(hpa))


def _wake(ctx: Context, key: Key) -> None:
    """Make sure a sync is coming within one period (the resync loop may have gone quiet)."""
    state = _state(ctx, key)
    if state.timer is None or state.timer.cancelled:
        state.timer = ctx.clock.call_later(float(ctx.timings.hpa_sync), lambda: _run(ctx, key))


def reconcile(ctx: Context, key: Key) -> Result:
    hpa = ctx.store.peek(*key)
    if hpa is None:
        return Result()
    state = _state(ctx, key)
    generation = int(hpa["metadata"].get("generation", 1))
    pending = state.timer is not None and not state.timer.cancelled
    if generation == state.generation and (pending or state.synced_at == ctx.clock.now):
        return Result()
    _run(ctx, key)
    return Result()


def _run(ctx: Context, key: Key) -> None:
    state = _state(ctx, key)
    if state.timer is not None:
        state.timer.cancelled = True
        state.timer = None
    if ctx.store.peek(*key) is None:
        return
    if sync(ctx, key):
        state.timer = ctx.clock.call_later(float(ctx.timings.hpa_sync), lambda: _run(ctx, key))


def set_condition(status: Obj, kind: str, value: str, reason: str, message: str, now: str) -> None:
    """``setConditionInList``: update in place; the transition time moves only when status does."""
    conditions = status.setdefault("conditions", [])
    cond = next((c for c in conditions if c["type"] == kind), None)
    if cond is None:
        cond = {"type": kind}
        conditions.append(cond)
    if cond.get("status") != value:
        cond["lastTransitionTime"] = now
    cond.update(status=value, reason=reason, message=message)


def sync(ctx: Context, key: Key) -> bool:
    """One ``reconcileAutoscaler``; returns whether another sync should follow."""
    stored = ctx.store.peek(*key)
    assert stored is not None
    hpa, state = clone(stored), _state(ctx, key)
    state.synced_at, state.generation = ctx.clock.now, int(hpa["metadata"].get("generation", 1))
    ns, spec, now = key[1], hpa["spec"], ctx.clock.timestamp()
    status = hpa.setdefault("status", {})
    status.setdefault("desiredReplicas", 0)
    ref = spec.get("scaleTargetRef") or {}
    busy = metrics_api.has_load(ctx, ns)
    try:
        scale = ctx.api.get_scale(str(ref.get("kind")), ns, str(ref.get("name")))
    except (StatusError, KeyError) as exc:
        message = exc.message if isinstance(exc, StatusError) else f'no matches for kind "{ref.get("kind")}"'
        ctx.events.record(hpa, WARNING, "FailedGetScale", message, COMPONENT)
        set_condition(
            status,
            "AbleToScale",
            "False",
            "FailedGetScale",
            f"the HPA controller was unable to get the target's current scale: {message}",
            now,
        )
        _write(ctx, hpa, stored)
        return busy
    set_condition(
        status,
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
        now,
    )
    current = int(scale["spec"]["replicas"])
    if not state.recommendations:
        state.recommendations.append((ctx.clock.now, current))
    min_r, max_r = int(spec.get("minReplicas", 1) or 1), int(spec["maxReplicas"])
    rescale, reason, statuses, desired = True, "", None, current
    if current == 0 and min_r != 0:
        desired, rescale = 0, False
        set_condition(
            status,
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
            now,
        )
    elif current > max_r:
        reason, desired = "Current number of replicas above Spec.MaxReplicas", max_r
    elif current < min_r:
        reason, desired = "Current number of replicas below Spec.MinReplicas", min_r
    else:
        proposal, metric_name, statuses, error = _compute_for_metrics(ctx, hpa, scale, current, now)
        if error and proposal == -1:
            status["currentReplicas"] = current
            _set_metrics(status, statuses)
            _write(ctx, hpa, stored)
            ctx.events.record(hpa, WARNING, "FailedComputeMetricsReplicas", error, COMPONENT)
            return busy
        desired = max(0, proposal)
        if desired > current:
            reason = f"{metric_name} above target"
        elif desired < current:
            reason = "All metrics below target"
        desired = hpa_normalize.normalize(ctx, hpa, state, current, desired, min_r, max_r, now)
        rescale = desired != current
    if rescale:
        try:
            ctx.api.set_scale(str(ref.get("kind")), ns, str(ref.get("name")), desired)
        except StatusError as exc:
            ctx.events.record(
                hpa, WARNING, "FailedRescale", f"New size: {desired}; reason: {reason}; error: {exc.message}", COMPONENT
            )
            set_condition(
                status,
                "AbleToScale",
                "False",
                "FailedUpdateScale",
                f"the HPA controller was unable to update the target scale: {exc.message}",
                now,
            )
            _write(ctx, hpa, stored)
            return True
        set_condition(
            status,
            "AbleToScale",
            "True",
            "SucceededRescale",
            f"the HPA controller was able to update the target scale to {desired}",
            now,
        )
        ctx.events.record(hpa, NORMAL, "SuccessfulRescale", f"New size: {desired}; reason: {reason}", COMPONENT)
        status["lastScaleTime"] = now
    else:
        desired = current
    status["currentReplicas"], status["desiredReplicas"] = current, desired
    if not current:
        status.pop("currentReplicas")
    _set_metrics(status, statuses)
    _write(ctx, hpa, stored)
    stabilising = len({rec for _, rec in state.recommendations}) > 1  # the window still remembers other sizes
    return busy or rescale or stabilising


def _set_metrics(status: Obj, statuses: list[Obj] | None) -> None:
    if statuses:
        status["currentMetrics"] = statuses
    else:
        status.pop("currentMetrics", None)


def _write(ctx: Context, hpa: Obj, stored: Obj) -> None:
    order = ("lastScaleTime", "currentReplicas", "desiredReplicas", "currentMetrics", "conditions")
    status = hpa["status"]
    hpa["status"] = {k: status[k] for k in order if k in status}
    if hpa["status"] != stored.get("status"):
        ctx.api.update(hpa, subresource="status", trusted=True)


def _milli(value: int) -> str:
    return str(value // 1000) if value % 1000 == 0 else f"{value}m"


def _compute_for_metrics(ctx: Context, hpa: Obj, scale: Obj, current: int, now: str) -> tuple[int, str, list[Obj], str]:
    """``computeReplicasForMetrics``: the largest proposal, or -1 when every metric failed."""
    ns, status = hpa["metadata"]["namespace"], hpa["status"]
    specs = hpa["spec"].get("metrics") or []
    try:
        selector = parse_label_selector(scale["status"].get("selector") or "")
    except SelectorError:
        selector = None
    pods = sorted(
        (p for p in pod_index(ctx).in_namespace(ns) if selector and matches(selector, labels_of(p))),
        key=lambda p: p["metadata"]["name"],
    )
    replicas, name, statuses, invalid, first_error, invalid_cond = 0, "", [], 0, "", None
    for metric in specs:
        try:
            proposal, metric_name, entry = _resource_metric(ctx, metric, pods, current)
        except MetricError as exc:
            detail = str(exc)
            ctx.events.record(hpa, WARNING, "FailedGetResourceMetric", detail, COMPONENT)
            if invalid == 0:
                resource = (metric.get("resource") or {}).get("name", metric.get("type"))
                first_error = f"failed to get {resource} resource metric value: {detail}"
                invalid_cond = ("FailedGetResourceMetric", f"the HPA was unable to compute the replica count: {detail}")
            invalid += 1
            continue
        statuses.append(entry)
        if replicas == 0 or proposal > replicas:
            replicas, name = proposal, metric_name
    if invalid >= len(specs) or (invalid > 0 and replicas < current):
        if invalid_cond is not None:
            set_condition(status, "ScalingActive", "False", invalid_cond[0], invalid_cond[1], now)
        message = f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first_error}"
        return -1, "", statuses, message
    set_condition(
        status,
        "ScalingActive",
        "True",
        "ValidMetricFound",
        f"the HPA was able to successfully calculate a replica count from {name}",
        now,
    )
    return replicas, name, statuses, first_error


def _resource_metric(ctx: Context, metric: Obj, pods: list[Obj], current: int) -> tuple[int, str, Obj]:
    if metric.get("type") != "Resource":
        raise MetricError(f'unsupported metric source type "{metric.get("type")}"')
    resource = metric["resource"]["name"]
    target = metric["resource"].get("target") or {}
    usages = metrics_api.usage(ctx, pods)
    values = {name: (u.cpu_m if resource == "cpu" else u.memory_bytes * 1000) for (_, name), u in usages.items()}
    if target.get("averageValue") is not None:
        from ..apiserver.quantity import milli_value

        try:
            replicas, _, raw = average_value_replicas(current, pods, values, milli_value(target["averageValue"]))
        except MetricError as exc:
            raise MetricError(f"failed to get {resource} usage: {exc}") from exc
        return (
            replicas,
            f"{resource} resource",
            {
                "type": "Resource",
                "resource": {"name": resource, "current": {"averageValue": _milli(raw)}},
            },
        )
    if target.get("averageUtilization") is None:
        raise MetricError(
            "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set"
        )
    try:
        replicas, percent, raw = utilization_replicas(
            current, pods, values, resource, int(target["averageUtilization"])
        )
    except MetricError as exc:
        raise MetricError(f"failed to get {resource} utilization: {exc}") from exc
    current_value = {"averageUtilization": percent, "averageValue": _milli(raw)}
    return (
        replicas,
        f"{resource} resource utilization (percentage of request)",
        {
            "type": "Resource",
            "resource": {"name": resource, "current": current_value},
        },
    )
