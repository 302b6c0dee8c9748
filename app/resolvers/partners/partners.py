"""Resolvers of the viewer, partners and partner users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Page, PageRequest
from app.services.partners import partners as service

if TYPE_CHECKING:
    from app.schema.partners.partners import UpdatePartnerSettingsInput


async def load_partner(ctx: RequestContext, partner_id: int | None) -> Any:
    return None if partner_id is None else await ctx.loaders.partner.load(partner_id)


async def load_partner_user(ctx: RequestContext, user_id: int | None) -> Any:
    return None if user_id is None else await ctx.loaders.partner_user.load(user_id)


async def load_partner_users(ctx: RequestContext, user_ids: list[int | None]) -> list[Any]:
    """`load_partner_user` of several ids (None: none), in one batch."""
    wanted = [user_id for user_id in user_ids if user_id is not None]
    found = dict(zip(wanted, await ctx.loaders.partner_user.load_many(wanted), strict=True))
    return [None if user_id is None else found[user_id] for user_id in user_ids]


async def list_partner_users(
    ctx: RequestContext, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_partner_users(ctx.service, page)


async def update_partner_settings(
    ctx: RequestContext, input: UpdatePartnerSettingsInput
) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.update_partner_settings(
            ctx.service, sales_see_all_customers=input.sales_see_all_customers
        ),
        ctx.loaders.partner,
    )
