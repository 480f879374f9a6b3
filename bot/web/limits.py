"""Rate limits in memory: a token bucket per key, for sessions and for addresses.

Only counters are kept, under keys that are dropped again when the table is full; nothing is
written anywhere. Each replica counts for itself, which is enough to stop one client's flood.
An address is often shared (a school's network), so its limit is far higher than a session's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


SESSION_RATE = Rate(per_second=2.0, burst=30)
ADDRESS_RATE = Rate(per_second=30.0, burst=300)
MAX_KEYS = 20_000


def unlimited() -> Rate:
    """No limit in practice (benchmarks, or a proxy that limits already)."""
    return Rate(per_second=1e9, burst=10**9)


class Buckets:
    def __init__(self, rate: Rate, max_keys: int = MAX_KEYS) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (float(self.rate.burst), now))
        tokens = min(float(self.rate.burst), tokens + (now - last) * self.rate.per_second)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            # The least recently seen key goes first; it starts again with a full bucket.
            self._buckets.popitem(last=False)
        return allowed
