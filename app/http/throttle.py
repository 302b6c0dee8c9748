"""Per-token query budget: a leaky bucket of cost points (Shopify's model).

Each token has `maximum` points that refill at `restore_rate` per second; a query may run when
its requested cost fits in what is available, and then pays its actual cost. Buckets live in
this process (bounded LRU); behind several workers each has its own, which only makes the
limit more generous -- a shared store (Redis) would make it exact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cachetools import LRUCache


@dataclass(slots=True)
class Bucket:
    available: float
    updated: float


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    maximum_available: int
    currently_available: int
    restore_rate: int

    def as_json(self) -> dict[str, int]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": self.currently_available,
            "restoreRate": self.restore_rate,
        }


class Throttle:
    def __init__(self, maximum: int, restore_rate: int, max_buckets: int = 100_000) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._buckets: LRUCache[str, Bucket] = LRUCache(maxsize=max_buckets)

    def _bucket(self, key: str) -> Bucket:
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = Bucket(float(self.maximum), now)
            self._buckets[key] = bucket
        else:
            refill = (now - bucket.updated) * self.restore_rate
            bucket.available = min(float(self.maximum), bucket.available + refill)
            bucket.updated = now
        return bucket

    def status(self, key: str) -> ThrottleStatus:
        bucket = self._bucket(key)
        return ThrottleStatus(self.maximum, int(bucket.available), self.restore_rate)

    def allows(self, key: str, cost: int) -> bool:
        return self._bucket(key).available >= cost

    def spend(self, key: str, cost: int) -> ThrottleStatus:
        bucket = self._bucket(key)
        bucket.available = max(0.0, bucket.available - cost)
        return ThrottleStatus(self.maximum, int(bucket.available), self.restore_rate)

    def seconds_until(self, key: str, cost: int) -> float:
        missing = cost - self._bucket(key).available
        return max(0.0, missing / self.restore_rate) if self.restore_rate else float("inf")
