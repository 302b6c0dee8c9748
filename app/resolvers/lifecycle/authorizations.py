"""Resolvers of authorizations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Page, PageRequest
from app.services.lifecycle import authorizations as service
from app.services.lifecycle.authorizations import AuthorizationFilter

if TYPE_CHECKING:
    from app.schema.lifecycle.authorizations import (
        ApproveAuthorizationInput,
        AuthorizationFilterInput,
        RejectAuthorizationInput,
        RequestAuthorizationInput,
        RevokeAuthorizationInput,
    )


def to_filter(value: AuthorizationFilterInput | None) -> AuthorizationFilter:
    if value is None:
        return AuthorizationFilter()
    return AuthorizationFilter(
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        statuses=tuple(value.statuses) if value.statuses else None,
        scope=value.scope,
    )


async def list_authorizations(
    ctx: RequestContext,
    filter: AuthorizationFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_authorizations(ctx.service, to_filter(filter), page)
    ctx.loaders.authorization.prime_many(result.rows)
    return result


async def open_authorizations(ctx: RequestContext, customer_id: int) -> list[Any]:
    return list(await ctx.loaders.open_authorizations_by_customer.load(customer_id))


async def request_authorization(
    ctx: RequestContext, input: RequestAuthorizationInput
) -> Outcome[Any]:
    customer_id = parse_id(input.customer_id, "Customer")
    scopes = list(input.scopes)
    return await run_and_load(
        ctx,
        lambda: service.request_authorization(
            ctx.service, customer_id, scopes, input.ends_at, input.note or ""
        ),
        ctx.loaders.authorization,
    )


async def approve_authorization(
    ctx: RequestContext, input: ApproveAuthorizationInput
) -> Outcome[Any]:
    authorization_id = parse_id(input.id, "Authorization")
    return await run_and_load(
        ctx,
        lambda: service.approve_authorization(ctx.service, authorization_id),
        ctx.loaders.authorization,
    )


async def reject_authorization(
    ctx: RequestContext, input: RejectAuthorizationInput
) -> Outcome[Any]:
    authorization_id = parse_id(input.id, "Authorization")
    return await run_and_load(
        ctx,
        lambda: service.reject_authorization(ctx.service, authorization_id, input.reason or ""),
        ctx.loaders.authorization,
    )


async def revoke_authorization(
    ctx: RequestContext, input: RevokeAuthorizationInput
) -> Outcome[Any]:
    authorization_id = parse_id(input.id, "Authorization")
    return await run_and_load(
        ctx,
        lambda: service.revoke_authorization(ctx.service, authorization_id),
        ctx.loaders.authorization,
    )
