"""Resolvers of API tokens: the list, issuing one (the raw token once), revoking one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load, run_mutation
from app.resolvers.core.reload import reload
from app.services.core.pagination import Page, PageRequest
from app.services.partners import api_tokens as service
from app.services.partners.api_tokens import TokenFilter

if TYPE_CHECKING:
    from app.schema.partners.api_tokens import (
        ApiTokenFilter,
        CreateApiTokenInput,
        RevokeApiTokenInput,
    )


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A created token's row (re-read) and its raw value, shown this once."""

    row: Any
    token: str


def to_filter(value: ApiTokenFilter | None) -> TokenFilter:
    if value is None:
        return TokenFilter()
    user_id = value.user_id
    return TokenFilter(
        user_id=None if user_id is None else require_id(user_id, "PartnerUser", "userId"),
        statuses=tuple(value.statuses) if value.statuses else None,
    )


async def list_api_tokens(
    ctx: RequestContext,
    filter: ApiTokenFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_api_tokens(ctx.service, to_filter(filter), page)


async def load_api_token(ctx: RequestContext, token_id: int) -> Any:
    return await ctx.loaders.api_token.load(token_id)


async def create_api_token(ctx: RequestContext, input: CreateApiTokenInput) -> Outcome[IssuedToken]:
    outcome = await run_mutation(
        ctx,
        lambda: service.create_api_token(
            ctx.service,
            user_id=parse_optional_id(input.user_id, "PartnerUser"),
            label=input.label,
            expires_at=input.expires_at,
        ),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    token_id, raw = outcome.value
    return Outcome(value=IssuedToken(await reload(ctx.loaders.api_token, token_id), raw))


async def revoke_api_token(ctx: RequestContext, input: RevokeApiTokenInput) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.revoke_api_token(
            ctx.service, token_id=parse_optional_id(input.token_id, "ApiToken")
        ),
        ctx.loaders.api_token,
    )
