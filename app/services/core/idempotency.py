"""Idempotent mutations (DESIGN.md > Storage > Idempotency).

Keys are scoped by principal: the partner user (whichever of its tokens), the cloud account
of a customer principal, or the platform token; two users of one partner never share a key.
Once execution begins, the first outcome -- the ids of the
objects and the userErrors -- is stored and replayed for the same key, with the objects
re-read; input that fails validation stores nothing; the same key with a different input is
`IDEMPOTENCY_KEY_REUSED`. A unique constraint makes a concurrent duplicate wait for the first
one's transaction and then replay it (PostgreSQL); on SQLite writers are serialized anyway.

A service function opts in with `@idempotent(operation, bind=..., ids=...)`: called plainly
(`fn(ctx, ...)`, from the CLI, a job or the demo) it runs as before; `fn.once(ctx, key, ...)`
is the mutation's single entry point -- it checks the key, validates and binds the input
(`bind`, which raises to store nothing), claims the key and runs the function at most once.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.models import IdempotencyKey
from app.models.partners.enums import PrincipalKind
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.principal import Principal
from app.settings import get_settings

MAX_KEY_LENGTH = 100
Ids = dict[str, int | None]


@dataclass(slots=True)
class IdempotentOutcome:
    ids: Ids = field(default_factory=dict)
    errors: list[DomainError] = field(default_factory=list)
    replayed: bool = False


def principal_scope(principal: Principal) -> str:
    """Who a key belongs to: the partner user, the cloud account, or the platform token."""
    if principal.kind is PrincipalKind.PARTNER_USER:
        return f"user:{principal.user_id}"
    if principal.kind is PrincipalKind.CUSTOMER:
        return f"cloud-account:{principal.cloud_account_id}"
    return f"platform:{principal.token_id}"


def fingerprint(operation: str, values: dict[str, Any]) -> str:
    canonical = json.dumps({"operation": operation, "input": values}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> list[DomainError]:
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return [
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"An idempotency key has 1 to {MAX_KEY_LENGTH} printable characters.",
                ["idempotencyKey"],
            )
        ]
    return []


def _stored_errors(outcome: dict[str, Any]) -> list[DomainError]:
    return [DomainError(ErrorCode(e["code"]), e["message"], e["field"]) for e in outcome["errors"]]


async def run(
    ctx: ServiceContext,
    operation: str,
    key: str,
    values: dict[str, Any],
    work: Callable[[], Awaitable[Ids | IdempotentOutcome]],
) -> IdempotentOutcome:
    """Run `work` once per (principal, key); replay its first outcome afterwards.

    `values` is the validated input (without the key) that the key is bound to. Anything but
    a `DomainError` (a permission failure, a bug) stores nothing and propagates.
    """
    session = ctx.session
    scope = principal_scope(ctx.principal)
    request_hash = fingerprint(operation, values)
    now = clock.now()
    outer = await session.begin_nested()
    try:
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.principal == scope,
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at <= now,
            )
        )
        row = IdempotencyKey(
            principal=scope,
            key=key,
            operation=operation,
            request_hash=request_hash,
            outcome=None,
            expires_at=now + timedelta(hours=get_settings().idempotency_key_ttl_hours),
        )
        claim = await session.begin_nested()
        session.add(row)
        try:
            await session.flush()
        except IntegrityError:
            await claim.rollback()
            return await _replay(ctx, scope, key, request_hash, outer)
        await claim.commit()

        outcome = IdempotentOutcome()
        attempt = await session.begin_nested()
        try:
            result = await work()
            if isinstance(result, IdempotentOutcome):
                # A batch: per-item errors are part of the stored outcome, not a rollback.
                outcome.ids, outcome.errors = result.ids, result.errors
            else:
                outcome.ids = result
        except DomainError as error:
            await attempt.rollback()
            outcome.errors = [error]
        except DomainErrors as errors:
            await attempt.rollback()
            outcome.errors = errors.errors
        else:
            await attempt.commit()
        row.outcome = {
            "ids": outcome.ids,
            "errors": [
                {"code": e.code.value, "message": e.message, "field": e.field}
                for e in outcome.errors
            ],
        }
        await session.flush()
    except BaseException:
        if outer.is_active:
            await outer.rollback()
        raise
    await outer.commit()
    return outcome


async def _replay(
    ctx: ServiceContext, scope: str, key: str, request_hash: str, outer: Any
) -> IdempotentOutcome:
    existing = await ctx.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.principal == scope, IdempotencyKey.key == key)
    )
    await outer.commit()
    if existing is None or existing.outcome is None:
        # The first call is still running in a transaction we cannot see; ask for a retry.
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "A call with this idempotency key is still in progress; retry shortly.",
            ["idempotencyKey"],
        )
    if existing.request_hash != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used with a different input.",
            ["idempotencyKey"],
        )
    return IdempotentOutcome(
        ids=dict(existing.outcome["ids"]),
        errors=_stored_errors(existing.outcome),
        replayed=True,
    )


P = ParamSpec("P")
R = TypeVar("R")


class Idempotent(Generic[P, R]):
    """A service function with an idempotent entry point (see the module's docstring)."""

    def __init__(
        self,
        fn: Callable[Concatenate[ServiceContext, P], Awaitable[R]],
        operation: str,
        bind: Callable[P, dict[str, Any]],
        ids: Callable[[R], Ids | IdempotentOutcome],
    ) -> None:
        functools.update_wrapper(self, fn)
        self.fn, self.operation, self.bind, self.ids = fn, operation, bind, ids

    async def __call__(self, ctx: ServiceContext, *args: P.args, **kwargs: P.kwargs) -> R:
        return await self.fn(ctx, *args, **kwargs)

    async def once(
        self, ctx: ServiceContext, idempotency_key: str, *args: P.args, **kwargs: P.kwargs
    ) -> IdempotentOutcome:
        """Run at most once per (principal, key) and return the first outcome.

        A bad key or input raises (`DomainError(s)`) and stores nothing; so does anything
        that is not a `DomainError` (a permission failure, a bug).
        """
        key_errors = check_key(idempotency_key)
        if key_errors:
            raise DomainErrors(key_errors)
        values = self.bind(*args, **kwargs)

        async def work() -> Ids | IdempotentOutcome:
            return self.ids(await self.fn(ctx, *args, **kwargs))

        return await run(ctx, self.operation, idempotency_key, values, work)


def idempotent(
    operation: str,
    *,
    bind: Callable[P, dict[str, Any]],
    ids: Callable[[R], Ids | IdempotentOutcome],
) -> Callable[[Callable[Concatenate[ServiceContext, P], Awaitable[R]]], Idempotent[P, R]]:
    """Decorate a service function: `bind` takes its arguments (without `ctx`), validates
    them and returns what the key is bound to; `ids` turns its result into what is stored."""

    def decorate(fn: Callable[Concatenate[ServiceContext, P], Awaitable[R]]) -> Idempotent[P, R]:
        return Idempotent(fn, operation, bind, ids)

    return decorate


@job("idempotency.purge-expired", every=timedelta(hours=1))
async def purge_expired_keys(ctx: ServiceContext) -> str:
    """Forget outcomes older than the key lifetime."""
    result = await ctx.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.expires_at <= clock.now())
    )
    return f"{result.rowcount or 0} idempotency keys purged"  # type: ignore[attr-defined]
