"""Idempotent mutations (DESIGN.md > Storage > Idempotency).

Keys belong to the tenant, not to the user or token: the partner (any of its users and
tokens), the customer (its cloud account) for customer principals, or the platform. A retry
under another user of the same partner, or after a token rotation, replays instead of moving
money twice; another tenant's same key is independent.

The line between validation and execution is the one a partner draws:

1. validation stores nothing, so a corrected retry with the same key runs: a malformed key
   or value (`bind`), a role that may not do this (`PermissionDenied`, checked before any
   replay, so a VIEWER never receives FINANCE's outcome) and ids that resolve to nothing the
   caller may see (`authorize`, `NOT_FOUND`);
2. once execution begins, the first outcome -- the ids of the objects and the userErrors of
   a business rule (insufficient funds, a wrong state) -- is stored and replayed for the same
   key; the payload re-reads the objects through the caller's own loaders, so a replay shows
   only what this caller may see;
3. the same key with a different input, or on another mutation, is `IDEMPOTENCY_KEY_REUSED`.

A unique constraint on (scope, key) makes a concurrent duplicate wait for the first one's
transaction and then replay it (PostgreSQL); on SQLite writers are serialized anyway.

A service function opts in with `@idempotent(operation, bind=..., authorize=..., ids=...)`:
called plainly (`fn(ctx, ...)`, from the CLI, a job or the demo) it runs as before;
`fn.once(ctx, key, ...)` is the mutation's single entry point -- it checks the key, validates
and binds the input (`bind`), checks the caller's permission and resolves the ids it names
(`authorize`), then claims the key and runs the function at most once.
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
from app.services.core.scoping import visible
from app.settings import get_settings

MAX_KEY_LENGTH = 100
Ids = dict[str, int | None]


@dataclass(slots=True)
class IdempotentOutcome:
    ids: Ids = field(default_factory=dict)
    errors: list[DomainError] = field(default_factory=list)
    replayed: bool = False


def tenant_scope(principal: Principal) -> str:
    """Whom a key belongs to: the partner, the customer (its cloud account), the platform."""
    if principal.kind is PrincipalKind.PARTNER_USER:
        if principal.partner_id is None:
            raise ValueError("a partner user without a partner has no idempotency scope")
        return f"partner:{principal.partner_id}"
    if principal.kind is PrincipalKind.CUSTOMER:
        if principal.cloud_account_id is None:
            raise ValueError("a customer principal without a cloud account has no scope")
        return f"customer:{principal.cloud_account_id}"
    return "platform"


async def resolve(
    ctx: ServiceContext,
    model: type[Any],
    row_id: int | None,
    field: list[Any],
    message: str,
    *conditions: Any,
) -> None:
    """Raise `NOT_FOUND` at `field` unless `row_id` names a `model` row the caller may see
    (and that meets `conditions`): the `authorize` step's id check, which stores nothing."""
    found = None
    if row_id is not None:
        found = await ctx.session.scalar(
            select(model.id).where(visible(ctx.principal, model), model.id == row_id, *conditions)
        )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, message, field)


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
    """Run `work` once per (tenant, key); replay its first outcome afterwards.

    `values` is the validated input (without the key) that the key is bound to; the caller
    has been authorized for it. Anything but a `DomainError` (a permission failure, a bug)
    stores nothing and propagates.
    """
    session = ctx.session
    scope = tenant_scope(ctx.principal)
    request_hash = fingerprint(operation, values)
    now = clock.now()
    outer = await session.begin_nested()
    try:
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.scope == scope,
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at <= now,
            )
        )
        row = IdempotencyKey(
            scope=scope,
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
            return await _replay(ctx, scope, key, operation, request_hash, outer)
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
    ctx: ServiceContext, scope: str, key: str, operation: str, request_hash: str, outer: Any
) -> IdempotentOutcome:
    existing = await ctx.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )
    await outer.commit()
    if existing is None or existing.outcome is None:
        # The first call is still running in a transaction we cannot see; ask for a retry.
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "A call with this idempotency key is still in progress; retry shortly.",
            ["idempotencyKey"],
        )
    if existing.operation != operation or existing.request_hash != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used with a different input or mutation.",
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
        authorize: Callable[Concatenate[ServiceContext, P], Awaitable[None]],
        ids: Callable[[R], Ids | IdempotentOutcome],
    ) -> None:
        functools.update_wrapper(self, fn)
        self.fn, self.operation, self.bind, self.ids = fn, operation, bind, ids
        self.authorize = authorize

    async def __call__(self, ctx: ServiceContext, *args: P.args, **kwargs: P.kwargs) -> R:
        return await self.fn(ctx, *args, **kwargs)

    async def once(
        self, ctx: ServiceContext, idempotency_key: str, *args: P.args, **kwargs: P.kwargs
    ) -> IdempotentOutcome:
        """Run at most once per (tenant, key) and return the first outcome.

        A bad key or input, a permission failure or an id the caller cannot see raises
        before the key is claimed or replayed, and stores nothing; so does anything that is
        not a `DomainError` (a bug).
        """
        key_errors = check_key(idempotency_key)
        if key_errors:
            raise DomainErrors(key_errors)
        values = self.bind(*args, **kwargs)
        await self.authorize(ctx, *args, **kwargs)

        async def work() -> Ids | IdempotentOutcome:
            return self.ids(await self.fn(ctx, *args, **kwargs))

        return await run(ctx, self.operation, idempotency_key, values, work)


def idempotent(
    operation: str,
    *,
    bind: Callable[P, dict[str, Any]],
    authorize: Callable[Concatenate[ServiceContext, P], Awaitable[None]],
    ids: Callable[[R], Ids | IdempotentOutcome],
) -> Callable[[Callable[Concatenate[ServiceContext, P], Awaitable[R]]], Idempotent[P, R]]:
    """Decorate a service function: `bind` takes its arguments (without `ctx`), validates
    them and returns what the key is bound to; `authorize` takes `ctx` and the arguments,
    checks the caller's permission and that the ids it names resolve to something the
    caller may see (raising stores nothing); `ids` turns its result into what is stored."""

    def decorate(fn: Callable[Concatenate[ServiceContext, P], Awaitable[R]]) -> Idempotent[P, R]:
        return Idempotent(fn, operation, bind, authorize, ids)

    return decorate


@job("idempotency.purge-expired", every=timedelta(hours=1))
async def purge_expired_keys(ctx: ServiceContext) -> str:
    """Forget outcomes older than the key lifetime."""
    result = await ctx.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.expires_at <= clock.now())
    )
    return f"{result.rowcount or 0} idempotency keys purged"  # type: ignore[attr-defined]
