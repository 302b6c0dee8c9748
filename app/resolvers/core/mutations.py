"""The mutation pattern: one savepoint per mutation, rolled back when it refuses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

from app.context import RequestContext
from app.resolvers.core.reload import reloaded
from app.services.core.bulk import BulkResult
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.idempotency import IdempotentOutcome, Ids

R = TypeVar("R")


@dataclass(slots=True)
class Outcome(Generic[R]):
    """What a mutation returns to its payload: a value, or the rules it broke."""

    value: R | None = None
    errors: list[DomainError] = field(default_factory=list)


async def run_mutation(ctx: RequestContext, work: Callable[[], Awaitable[R]]) -> Outcome[R]:
    """Run `work` inside a SAVEPOINT.

    A `DomainError` rolls the savepoint back and comes back as errors, so a refused call
    changes nothing while the request still commits. Any other exception (a permission
    failure, a bug) rolls the savepoint back and propagates.
    """
    savepoint = await ctx.session.begin_nested()
    try:
        value = await work()
    except DomainError as error:
        await savepoint.rollback()
        return Outcome(errors=[error])
    except DomainErrors as errors:
        await savepoint.rollback()
        return Outcome(errors=errors.errors)
    except BaseException:
        await savepoint.rollback()
        raise
    await savepoint.commit()
    return Outcome(value=value)


async def run_once(call: Callable[[], Awaitable[IdempotentOutcome]]) -> Outcome[Ids]:
    """An idempotent mutation's single service call (`service.fn.once(ctx, key, ...)`).

    The service checks the key, validates the input (a refusal stores nothing and comes
    back here as errors), claims the key and stores or replays the first outcome: the ids
    of what it changed, or its errors.
    """
    try:
        result = await call()
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    if result.errors:
        return Outcome(errors=result.errors)
    return Outcome(value=result.ids)


async def run_bulk_once(
    call: Callable[[], Awaitable[IdempotentOutcome]], list_field: str, count: int
) -> BulkResult:
    """`run_once` for a bulk service: the stored outcome again as per-item results of the
    `count` items of input list `list_field`."""
    try:
        result = await call()
    except DomainError as error:
        return BulkResult(errors=[error])
    except DomainErrors as errors:
        return BulkResult(errors=errors.errors)
    return BulkResult.from_stored(result, list_field, count)


async def run_and_load(
    ctx: RequestContext, work: Callable[[], Awaitable[int]], loader: DataLoader
) -> Outcome[Any]:
    """`run_mutation` for a service that returns the changed object's id: the payload gets
    the object re-read through `loader` (so through the caller's scoping)."""
    return await reloaded(await run_mutation(ctx, work), loader)


@dataclass(slots=True)
class LoadedItem:
    """One item of a bulk payload: its index, the object it changed (re-read), its errors."""

    index: int
    row: Any
    errors: list[DomainError]


@dataclass(slots=True)
class LoadedBulk:
    """A bulk payload's content: every item (empty when the call was refused) and every
    error, the call's and the items' (the top-level `userErrors`)."""

    items: list[LoadedItem]
    errors: list[DomainError]

    @property
    def rows(self) -> list[Any]:
        """The changed objects, in input order."""
        return [item.row for item in self.items if item.row is not None]


async def load_bulk(result: BulkResult, loader: DataLoader) -> LoadedBulk:
    """Re-read what a bulk mutation changed through `loader` (so through the caller's
    scoping), one batch for all items."""
    changed = result.changed_ids
    for row_id in changed:
        loader.clear(row_id)
    rows = dict(zip(changed, await loader.load_many(changed), strict=True))
    items = [
        LoadedItem(item.index, rows.get(item.id) if item.id is not None else None, item.errors)
        for item in result.items
    ]
    return LoadedBulk(items=items, errors=result.all_errors)
