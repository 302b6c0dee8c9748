"""Resolvers of the viewer, partners and partner users."""

from __future__ import annotations

from typing import Any

from app.context import RequestContext
from app.services import partners as service
from app.services.pagination import Page, PageRequest


async def load_partner(ctx: RequestContext, partner_id: int | None) -> Any:
    return None if partner_id is None else await ctx.loaders.partner.load(partner_id)


async def load_partner_user(ctx: RequestContext, user_id: int | None) -> Any:
    return None if user_id is None else await ctx.loaders.partner_user.load(user_id)


async def list_partner_users(
    ctx: RequestContext, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_partner_users(ctx.service, page)
