"""How the HPA turns a raw proposal into the size it sets: stabilisation and limits.

Mirrors ``normalizeDesiredReplicas`` (no ``behavior``: the highest recommendation of the
last ``timings.hpa_downscale_stabilization`` seconds wins; scale-up capped at
max(2 x current, 4); clamp to min/max) and, simplified, ``normalizeDesiredReplicasWithBehaviors``
(windows from ``behavior``; each policy's limit taken against the current size rather than
the scale events of its period). Conditions AbleToScale and ScalingLimited are set with
upstream's reasons: ScaleDownStabilized, ReadyForNewScale, ScaleUpLimit, TooManyReplicas,
TooFewReplicas, DesiredWithinRange.
"""

from __future__ import annotations

import math
from typing import Any

from ..objects import Obj

READY = ("ReadyForNewScale", "recommended size matches current size")
DOWN_STABILIZED = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
)
UP_STABILIZED = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
)
UP_LIMIT = ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
DOWN_LIMIT = ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
WITHIN = ("DesiredWithinRange", "the desired count is within the acceptable range")


def _record(state: Any, now: float, proposal: int, window: float) -> list[int]:
    """Keep the recommendations inside the window (plus this one); return their values."""
    state.recommendations = [(t, r) for t, r in state.recommendations if t >= now - window]
    state.recommendations.append((now, proposal))
    return [r for _, r in state.recommendations]


def normalize(ctx: Any, hpa: Obj, state: Any, current: int, proposal: int, min_r: int, max_r: int, now: str) -> int:
    from .hpa import set_condition

    status = hpa["status"]
    behavior = hpa["spec"].get("behavior")
    if behavior is None:
        window = float(ctx.timings.hpa_downscale_stabilization)
        stabilized = max(_record(state, ctx.clock.now, proposal, window))
        label = DOWN_STABILIZED if stabilized != proposal else READY
        set_condition(status, "AbleToScale", "True", *label, now)
        up_limit = max(2 * current, 4)
        low, high = min_r, max_r
        high_label = TOO_MANY
        if max_r > up_limit:
            high, high_label = up_limit, UP_LIMIT
        low_label = TOO_FEW
    else:
        up, down = behavior.get("scaleUp") or {}, behavior.get("scaleDown") or {}
        down_window = float(down.get("stabilizationWindowSeconds", ctx.timings.hpa_downscale_stabilization))
        up_window = float(up.get("stabilizationWindowSeconds", 0))
        values = _record(state, ctx.clock.now, proposal, max(up_window, down_window))
        recent_up = [r for t, r in state.recommendations if t >= ctx.clock.now - up_window] or [proposal]
        recent_down = [r for t, r in state.recommendations if t >= ctx.clock.now - down_window] or [proposal]
        del values
        stabilized = current
        if min(recent_up) > current:
            stabilized = min(recent_up)
        if max(recent_down) < current:
            stabilized = max(recent_down)
        label = READY
        if stabilized != proposal:
            label = UP_STABILIZED if proposal > stabilized else DOWN_STABILIZED
        set_condition(status, "AbleToScale", "True", *label, now)
        high, high_label = min(max_r, _limit(up, current, +1)), UP_LIMIT
        if high == max_r:
            high_label = TOO_MANY
        low, low_label = max(min_r, _limit(down, current, -1)), DOWN_LIMIT
        if low == min_r:
            low_label = TOO_FEW
    if stabilized < low:
        desired, reason = low, low_label
    elif stabilized > high:
        desired, reason = high, high_label
    else:
        desired, reason = stabilized, WITHIN
    set_condition(status, "ScalingLimited", "False" if desired == stabilized else "True", *reason, now)
    return desired


def _limit(rules: Obj, current: int, direction: int) -> int:
    """The furthest the policies allow from ``current`` (``selectPolicy`` Max, Min or Disabled)."""
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    options = []
    for policy in rules.get("policies") or ():
        value = int(policy.get("value", 0))
        if policy.get("type") == "Pods":
            options.append(current + direction * value)
        else:
            change = current * value / 100
            options.append(math.ceil(current + change) if direction > 0 else math.ceil(current - change))
    if not options:
        return current + direction * 10**9
    pick = max if (select == "Max") == (direction > 0) else min
    return int(pick(options))
