"""Resolvers of the partner-user mutations: one service call each, the user re-read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.partners import users as service

if TYPE_CHECKING:
    from app.schema.partners.users import (
        CreatePartnerUserInput,
        DeactivatePartnerUserInput,
        UpdatePartnerUserInput,
    )


async def create_partner_user(ctx: RequestContext, input: CreatePartnerUserInput) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.create_partner_user(
            ctx.service,
            name=input.name,
            email=input.email,
            role=input.role,
            service_account=input.service_account,
        ),
        ctx.loaders.partner_user,
    )


async def update_partner_user(ctx: RequestContext, input: UpdatePartnerUserInput) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.update_partner_user(
            ctx.service,
            user_id=parse_optional_id(input.user_id, "PartnerUser"),
            role=input.role,
            name=input.name,
        ),
        ctx.loaders.partner_user,
    )


async def deactivate_partner_user(
    ctx: RequestContext, input: DeactivatePartnerUserInput
) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.deactivate_partner_user(
            ctx.service, user_id=parse_optional_id(input.user_id, "PartnerUser")
        ),
        ctx.loaders.partner_user,
    )
