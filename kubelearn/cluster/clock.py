"""The simulated clock: the only source of "now" in the mini cluster.

Kubernetes components read the wall clock; ours read ``SimClock`` so that a test can say
"after 10 simulated seconds the pod is Running" and get the same answer every run, in
microseconds (kwok's injected clock, kopf's looptime). Time is float seconds since the
cluster's epoch; timestamps render as RFC 3339 like ``metadata.creationTimestamp``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

DEFAULT_EPOCH = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


@dataclass(order=True, slots=True)
class _Timer:
    at: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class SimClock:
    """Simulated time plus a timer heap; ``advance`` fires due timers in order."""

    def __init__(self, epoch: datetime = DEFAULT_EPOCH) -> None:
        self.epoch = epoch
        self.now = 0.0
        self._timers: list[_Timer] = []
        self._seq = 0
        self._stamp_second: int | None = None
        self._stamp = ""

    def timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with second precision, as ``metav1.Time`` serialises (memoised per second)."""
        second = int(self.now if at is None else at)
        if second != self._stamp_second:
            self._stamp_second = second
            self._stamp = (self.epoch + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._stamp

    def micro_timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with microseconds, as ``metav1.MicroTime`` (Event ``eventTime``)."""
        moment = self.epoch + timedelta(seconds=self.now if at is None else at)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def parse(self, stamp: str) -> float:
        """Seconds since the epoch for a timestamp this clock wrote."""
        moment = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        return (moment - self.epoch).total_seconds()

    def call_at(self, at: float, callback: Callable[[], None]) -> _Timer:
        self._seq += 1
        timer = _Timer(max(at, self.now), self._seq, callback)
        heapq.heappush(self._timers, timer)
        return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Timer:
        return self.call_at(self.now + delay, callback)

    def next_timer_at(self) -> float | None:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0].at if self._timers else None

    def pop_due(self) -> _Timer | None:
        """Remove and return the earliest timer due at or before ``now``."""
        nxt = self.next_timer_at()
        if nxt is not None and nxt <= self.now:
            return heapq.heappop(self._timers)
        return None

    def pending(self) -> int:
        return sum(1 for t in self._timers if not t.cancelled)
