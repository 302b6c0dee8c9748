"""Authenticated principals kept in the process, so a request needs no token lookup.

A request's principal is made of its token's row (kind, partner, user, cloud account, whether
it is revoked and when it expires), its user's role and deactivation, its partner's
`sales_see_all_customers` and, for a customer principal, its cloud account's associations. The
cache keeps the `Principal` built from them, keyed by the token's hash, and names what it was
made of with *tags*: `t:<token id>`, `u:<partner id>:<user id>`, `p:<partner id>`,
`a:<cloud account id>`. Whatever changes one of those invalidates its tag
(`app.services.core.principal_changes`), in every cache of the process at once and, on
PostgreSQL, in every other process through `NOTIFY` (`app.services.core.principal_listener`).

What keeps it exact:

- `expires_at` is checked on every hit, from the cached row;
- an entry is used at most `principal_cache_max_age_seconds` (the safety net for a change made
  outside the application);
- an entry is stored only if no invalidation happened since its lookup began (`epoch`): a
  lookup that read a row just before a change committed, and finished just after its
  invalidation was applied, would otherwise store what the change replaced;
- on PostgreSQL the cache answers only while its listener is connected (`live`): it starts
  empty and unused, and is emptied again whenever the connection is lost or comes back, so a
  change committed while it was not listening can't survive.

Everything runs on the process's event loop thread (the ORM's flush hooks included), so
nothing here locks.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from app.services.core.principal import Principal

ALL = "*"  # the tag of every entry: "invalidate everything"
MAX_PAYLOAD = 7900  # PostgreSQL's NOTIFY payload is at most 8000 bytes

_caches: weakref.WeakSet[PrincipalCache] = weakref.WeakSet()


def token_tag(token_id: int) -> str:
    return f"t:{token_id}"


def user_tag(partner_id: int, user_id: int) -> str:
    return f"u:{partner_id}:{user_id}"


def partner_tag(partner_id: int) -> str:
    return f"p:{partner_id}"


def account_tag(cloud_account_id: int) -> str:
    return f"a:{cloud_account_id}"


def principal_tags(principal: Principal) -> tuple[str, ...]:
    """The tags of what `principal` is made of."""
    tags = []
    if principal.token_id is not None:
        tags.append(token_tag(principal.token_id))
    if principal.partner_id is not None:
        tags.append(partner_tag(principal.partner_id))
        if principal.user_id is not None:
            tags.append(user_tag(principal.partner_id, principal.user_id))
    if principal.cloud_account_id is not None:
        tags.append(account_tag(principal.cloud_account_id))
    return tuple(tags)


def encode(tags: Iterable[str]) -> str:
    """A NOTIFY payload naming `tags` (`*` when there are too many to name)."""
    names = set(tags)
    payload = " ".join(sorted(names))
    if ALL in names or len(payload) > MAX_PAYLOAD:
        return ALL
    return payload


def decode(payload: str) -> set[str]:
    """The tags a NOTIFY payload names (`{ALL}` for anything it can't read)."""
    tags = set(payload.split())
    return tags if tags else {ALL}


def invalidate_everywhere(tags: Iterable[str]) -> None:
    """Invalidate `tags` in every cache of this process."""
    names = set(tags)
    if names:
        for cache in list(_caches):
            cache.invalidate(names)


@dataclass(slots=True)
class CachedPrincipal:
    """A cached token: its principal, its expiry, what it is made of, and when the token was
    last recorded as used (so `lastUsedAt` is written at most once per resolution)."""

    principal: Principal
    expires_at: datetime | None
    last_used_at: datetime | None
    tags: tuple[str, ...]
    stored_at: float = 0.0


class PrincipalCache:
    """A bounded, least-recently-used map of token hash -> `CachedPrincipal`, invalidated by
    tag. `needs_listener`: it answers only between `resume()` and `suspend()` (PostgreSQL,
    where other processes change what it holds); otherwise it is live from the start."""

    def __init__(
        self,
        *,
        max_size: int,
        max_age_seconds: float,
        needs_listener: bool,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_size = max_size
        self.max_age = max_age_seconds
        self.live = not needs_listener
        self.epoch = 0  # bumped by every invalidation
        self.hits = 0
        self.misses = 0
        self._monotonic = monotonic
        self._entries: OrderedDict[str, CachedPrincipal] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        _caches.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def get(self, key: str) -> CachedPrincipal | None:
        """The live entry of a token hash, or None (not cached, too old, or not live)."""
        if not self.live:
            return None
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if self._monotonic() - entry.stored_at >= self.max_age:
            self._drop(key)
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, entry: CachedPrincipal, epoch: int) -> bool:
        """Store `entry` unless an invalidation happened since `epoch` was read (the lookup
        may have read what it replaced) or the cache is not live. True if stored."""
        if not self.live or epoch != self.epoch:
            return False
        self._drop(key)
        entry.stored_at = self._monotonic()
        self._entries[key] = entry
        for tag in entry.tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_size:
            self._drop(next(iter(self._entries)))
        return True

    def discard(self, key: str) -> None:
        self._drop(key)

    def invalidate(self, tags: Iterable[str]) -> None:
        """Drop every entry made of one of `tags` (all of them for `ALL`)."""
        self.epoch += 1
        names = set(tags)
        if ALL in names:
            self.clear()
            return
        for tag in names:
            for key in list(self._by_tag.get(tag, ())):
                self._drop(key)

    def clear(self) -> None:
        self.epoch += 1
        self._entries.clear()
        self._by_tag.clear()

    def suspend(self) -> None:
        """Not listening any more: empty, and unused until `resume()`."""
        self.live = False
        self.clear()

    def resume(self) -> None:
        """Listening (again): start empty, since anything may have changed meanwhile."""
        self.clear()
        self.live = True

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
