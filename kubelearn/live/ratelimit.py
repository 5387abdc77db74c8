"""Per-connection limits for WebSocket messages: a size cap and a token bucket.

Channels has no built-in limiter (ASVS 5.0 2.4.1 asks for one). Each connection gets a
bucket of ``BURST`` tokens refilled at ``RATE`` per second; a message over ``MAX_MESSAGE_BYTES``
is closed with 1009 (message too big), a message without a token gets an error frame, and
a connection that keeps flooding after ``STRIKES`` refusals is closed with 1008 (policy).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_MESSAGE_BYTES = 64 * 1024
RATE = 10.0  # messages per second
BURST = 20
STRIKES = 20
CLOSE_TOO_BIG = 1009
CLOSE_POLICY = 1008


@dataclass
class TokenBucket:
    rate: float = RATE
    burst: float = BURST
    tokens: float = BURST
    stamp: float = field(default_factory=time.monotonic)
    refused: int = 0

    def take(self, now: float | None = None) -> bool:
        """One token if there is one; counts refusals so a flood can be cut off."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False

    @property
    def flooding(self) -> bool:
        return self.refused >= STRIKES
