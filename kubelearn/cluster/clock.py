"""The simulated clock: the only source of "now" in the mini cluster.

Kubernetes components read the wall clock; ours read ``SimClock`` so that a test can say
"after 10 simulated seconds the pod is Running" and get the same answer every run, in
microseconds (kwok's injected clock, kopf's looptime). Time is float seconds since the
cluster's epoch; timestamps render as RFC 3339 like ``metadata.creationTimestamp``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_EPOCH = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)
_STAMP_CACHE = 64  # remembered seconds per clock (small: an idle sandbox keeps it; cleared when full)


@dataclass(slots=True)
class _Timer:
    at: float
    seq: int
    callback: Callable[..., None]
    cancelled: bool = False
    args: tuple[Any, ...] = ()

    def fire(self) -> None:
        self.callback(*self.args)


class SimClock:
    """Simulated time plus a timer heap; ``advance`` fires due timers in order."""

    def __init__(self, epoch: datetime = DEFAULT_EPOCH) -> None:
        self.epoch = epoch
        self.now = 0.0
        # (at, seq, timer): tuples compare in C, so the heap never calls back into Python.
        self._timers: list[tuple[float, int, _Timer]] = []
        self._seq = 0
        # second -> its RFC 3339 text: the kubelet stamps "now" and each container's start in turn,
        # so one remembered second kept missing; a bounded dict keeps strftime off the hot path.
        self._stamps: dict[int, str] = {}

    def timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with second precision, as ``metav1.Time`` serialises (memoised per second)."""
        second = int(self.now if at is None else at)
        stamp = self._stamps.get(second)
        if stamp is None:
            if len(self._stamps) >= _STAMP_CACHE:
                self._stamps.clear()
            stamp = self._stamps[second] = (self.epoch + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return stamp

    def micro_timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with microseconds, as ``metav1.MicroTime`` (Event ``eventTime``)."""
        moment = self.epoch + timedelta(seconds=self.now if at is None else at)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def parse(self, stamp: str) -> float:
        """Seconds since the epoch for a timestamp this clock wrote."""
        moment = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        return (moment - self.epoch).total_seconds()

    def call_at(self, at: float, callback: Callable[..., None], *args: Any) -> _Timer:
        """Run ``callback(*args)`` at ``at`` (passing args saves a closure per timer)."""
        self._seq += 1
        at = at if at > self.now else self.now
        timer = _Timer(at, self._seq, callback, False, args)
        heapq.heappush(self._timers, (at, self._seq, timer))
        return timer

    def call_later(self, delay: float, callback: Callable[..., None], *args: Any) -> _Timer:
        return self.call_at(self.now + delay, callback, *args)

    def next_timer_at(self) -> float | None:
        timers = self._timers
        while timers and timers[0][2].cancelled:
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def pop_due(self) -> _Timer | None:
        """Remove and return the earliest timer due at or before ``now``."""
        nxt = self.next_timer_at()
        if nxt is not None and nxt <= self.now:
            return heapq.heappop(self._timers)[2]
        return None

    def pending(self) -> int:
        return sum(1 for _at, _seq, t in self._timers if not t.cancelled)
