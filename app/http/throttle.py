"""Per-caller query budget: a leaky bucket of cost points (Shopify's model).

Each bucket (a token's, or an anonymous client address's) has `maximum` points that refill at
`restore_rate` per second. A query *reserves* its requested cost before it runs -- check and
take in one synchronous step, so concurrent requests on one event loop cannot all pass the same
check -- and gets back what it did not use once it has run. Buckets live in this process
(bounded LRU); behind several workers each has its own, which only makes the limit more
generous -- a shared store (Redis) would make it exact.
"""

from __future__ import annotations

import math
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

    def reserve(self, key: str, cost: int) -> bool:
        """Take `cost` points if they are there (all or nothing); False if they are not.

        No await between the check and the take: this is what makes the reservation atomic
        for every request this process serves.
        """
        bucket = self._bucket(key)
        if bucket.available < cost:
            return False
        bucket.available -= max(0, cost)
        return True

    def refund(self, key: str, points: int) -> ThrottleStatus:
        """Give back the part of a reservation a query did not use."""
        bucket = self._bucket(key)
        bucket.available = min(float(self.maximum), bucket.available + max(0, points))
        return ThrottleStatus(self.maximum, int(bucket.available), self.restore_rate)

    def spend(self, key: str, cost: int) -> ThrottleStatus:
        bucket = self._bucket(key)
        bucket.available = max(0.0, bucket.available - cost)
        return ThrottleStatus(self.maximum, int(bucket.available), self.restore_rate)

    def seconds_until(self, key: str, cost: int) -> int:
        """Whole seconds until `cost` points are available, rounded up (what Retry-After says:
        a client that waits that long is admitted)."""
        missing = cost - self._bucket(key).available
        if missing <= 0:
            return 0
        if not self.restore_rate:
            return 2**31 - 1
        return max(1, math.ceil(missing / self.restore_rate))
