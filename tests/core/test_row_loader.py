"""`RowLoader` shields what it hands out: a cancelled caller stops waiting, the batch and its
cached futures live on for every other caller (app/loaders/base.py)."""

from __future__ import annotations

import asyncio

import pytest

from app.loaders.base import by_key


def slow_loader(calls: list[list[int]], release: asyncio.Event):
    async def fetch(keys):
        calls.append(list(keys))
        await release.wait()
        return {key: f"row {key}" for key in keys}

    return by_key(fetch)


@pytest.mark.parametrize("many", [False, True])
async def test_a_cancelled_caller_does_not_cancel_the_batch(many) -> None:
    calls: list[list[int]] = []
    release = asyncio.Event()
    loader = slow_loader(calls, release)

    async def wait() -> object:
        return await (loader.load_many([1, 2]) if many else loader.load(1))

    cancelled = asyncio.ensure_future(wait())
    other = asyncio.ensure_future(loader.load_many([1, 2, 3]))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.sleep(0)
    release.set()

    assert await other == ["row 1", "row 2", "row 3"]
    assert await loader.load_many([2, 1]) == ["row 2", "row 1"]  # cached, not cancelled
    assert cancelled.cancelled()
    assert sum(len(keys) for keys in calls) == 3  # one batch for all the keys


async def test_load_many_of_nothing_is_empty() -> None:
    loader = slow_loader([], asyncio.Event())
    assert await loader.load_many([]) == []
