"""Re-reading what a mutation changed, for its payload.

The request's loaders may hold a copy read before the change, so the copy is dropped and
the row read again through the loader (that is, through the caller's tenant scope).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from aiodataloader import DataLoader

if TYPE_CHECKING:
    from app.resolvers.core.mutations import Outcome


async def reload(loader: DataLoader, key: Hashable) -> Any:
    """The row of `key` as it is now (None if the caller may not see it)."""
    loader.clear(key)
    return await loader.load(key)


async def reloaded(
    outcome: Outcome[Any], loader: DataLoader, key: Callable[[Any], Hashable] | None = None
) -> Outcome[Any]:
    """`outcome` with its value (an id, or what `key` picks from it) replaced by the row
    re-read through `loader`; a refused outcome is returned as it is."""
    if outcome.value is not None:
        outcome.value = await reload(loader, outcome.value if key is None else key(outcome.value))
    return outcome
