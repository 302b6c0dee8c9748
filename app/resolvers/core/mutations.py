"""The mutation pattern: one savepoint per mutation, rolled back when it refuses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

from app.context import RequestContext
from app.resolvers.core.reload import reloaded
from app.services.core import idempotency
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.idempotency import Ids

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


async def run_idempotent(
    ctx: RequestContext,
    operation: str,
    key: str,
    prepare: Callable[[], dict[str, Any]],
    work: Callable[[dict[str, Any]], Awaitable[Ids]],
) -> Outcome[Ids]:
    """An idempotent money/order mutation.

    `prepare()` validates the input and returns the values the key is bound to (a failure
    stores nothing); `work(values)` does the change and returns the ids of what it touched.
    The first outcome is stored and replayed for the same principal and key.
    """
    try:
        key_errors = idempotency.check_key(key)
        if key_errors:
            raise DomainErrors(key_errors)
        values = prepare()
        result = await idempotency.run(ctx.service, operation, key, values, lambda: work(values))
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    if result.errors:
        return Outcome(errors=result.errors)
    return Outcome(value=result.ids)


async def run_and_load(
    ctx: RequestContext, work: Callable[[], Awaitable[int]], loader: DataLoader
) -> Outcome[Any]:
    """`run_mutation` for a service that returns the changed object's id: the payload gets
    the object re-read through `loader` (so through the caller's scoping)."""
    return await reloaded(await run_mutation(ctx, work), loader)
