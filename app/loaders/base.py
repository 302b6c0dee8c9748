"""Helpers to build per-request DataLoaders over service batch functions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from aiodataloader import DataLoader

BatchById = Callable[[Sequence[Any]], Awaitable[dict[Any, Any]]]


class RowLoader(DataLoader):
    """A DataLoader of rows by id that can be primed with rows a list already fetched.

    A load is shielded: graphql-core cancels the resolvers beside a field whose error nulls
    their parent, and cancelling a resolver that awaits the loader's cached future would
    cancel that future itself, for every other field of the request waiting on the same key
    and every later load of it (a CancelledError out of a healthy field). The caller that is
    cancelled stops waiting; the batch and its future live on.
    """

    def load(self, key: Any) -> asyncio.Future[Any]:
        return asyncio.shield(super().load(key))

    def load_many(self, keys: Any) -> asyncio.Future[list[Any]]:
        """The values of `keys`, shielded once for all of them (a shield per key costs a
        future and two callbacks each, for a page's 50 keys)."""
        return asyncio.shield(asyncio.gather(*(DataLoader.load(self, key) for key in keys)))

    def prime_many(self, rows: Sequence[Any]) -> None:
        for row in rows:
            self.prime(row.id, row)


def by_key(fetch: BatchById, default: Any = None) -> RowLoader:
    """A loader whose batch is one `fetch(keys) -> {key: value}` call (missing -> default)."""

    async def batch(keys: list[Any]) -> list[Any]:
        found = await fetch(list(dict.fromkeys(keys)))
        return [found.get(key, default) for key in keys]

    return RowLoader(batch, max_batch_size=1000)


class LoaderFamily:
    """Loaders that share a batch function but differ by arguments (filter, page, order).

    `get(args)` returns the loader for one argument set, so `Customer.resources(first: 10)`
    selected under 50 customers is one batch, and a second alias with other arguments is
    another.
    """

    def __init__(self, make: Callable[[Any], BatchById], default: Any = None) -> None:
        self._make = make
        self._default = default
        self._loaders: dict[Hashable, RowLoader] = {}

    def release(self) -> None:
        """Forget every loader of the family and what it cached (`Loaders.release`)."""
        for loader in self._loaders.values():
            loader.clear_all()
        self._loaders.clear()

    def get(self, args: Hashable) -> RowLoader:
        loader = self._loaders.get(args)
        if loader is None:
            loader = self._loaders[args] = by_key(self._make(args), self._default)
        return loader
