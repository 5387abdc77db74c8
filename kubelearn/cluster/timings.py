"""Lifecycle timings, in one table an instructor can read and tune.

Real clusters take seconds to minutes for these steps; the defaults here are short enough to
watch in class yet keep the real order and proportions (an image pull takes longer than a
container start; a node is declared NotReady long before its pods are evicted). The values
that upstream hard-codes are cited next to each field. Lesson: "Architecture" and "Self-healing".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Timings:
    # Scheduler: a Pending pod that did not fit is retried after this (upstream podMaxBackoff 10s).
    scheduler_retry: float = 5.0
    # Kubelet: pulling an image the node has not seen (a known image; unknown ones fail).
    image_pull: float = 2.0
    # Kubelet: an image already on the node ("Container image ... already present on machine").
    image_present: float = 0.2
    # Kubelet: from Created to Started.
    container_start: float = 1.0
    # Kubelet: a started container becomes Ready after this (or after its readiness probe's initialDelaySeconds).
    readiness_delay: float = 1.0
    # Kubelet: CrashLoopBackOff delays, 10s doubling to 5m as upstream (kubelet backOffPeriod/MaxContainerBackOff).
    crashloop_initial: float = 10.0
    crashloop_max: float = 300.0
    # Kubelet: how long a crashing image runs before it exits.
    crash_after: float = 3.0
    # Kubelet: ImagePullBackOff retry, same doubling as CrashLoopBackOff.
    image_pull_backoff_initial: float = 10.0
    # Kubelet: a terminating container stops after this (bounded by terminationGracePeriodSeconds).
    termination: float = 2.0
    # Node lifecycle: no heartbeat for this long -> NotReady (upstream node-monitor-grace-period 40s).
    node_monitor_grace: float = 20.0
    # Node lifecycle: pods on a NotReady node are evicted after this (upstream tolerationSeconds 300s).
    eviction_timeout: float = 30.0
    # HPA: sync period (upstream horizontal-pod-autoscaler-sync-period 15s).
    hpa_sync: float = 15.0
    # HPA: scale-down stabilization window (upstream 300s).
    hpa_downscale_stabilization: float = 300.0
    # Deployment: how often a stalled rollout is re-checked against progressDeadlineSeconds.
    progress_check: float = 5.0
    # Kubelet: how long resolving an image that does not exist takes before ErrImagePull.
    image_pull_fail: float = 1.0
    # Kubelet: the pod worker's re-sync after an error (ErrImagePull -> ImagePullBackOff, Error -> restart
    # or CrashLoopBackOff); upstream re-syncs after ~10s with jitter.
    pod_sync: float = 1.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_overrides(self, **overrides: Any) -> Timings:
        return replace(self, **overrides)


DEFAULT_TIMINGS = Timings()
