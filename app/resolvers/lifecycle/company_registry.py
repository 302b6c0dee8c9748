"""Resolvers of the vendor's reserved companies (PLATFORM)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_and_load, run_mutation
from app.services.core.pagination import Page, PageRequest
from app.services.lifecycle import company_registry as service

if TYPE_CHECKING:
    from app.schema.lifecycle.company_registry import (
        AddReservedCompanyInput,
        RemoveReservedCompanyInput,
    )


async def list_reserved_companies(
    ctx: RequestContext, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_reserved_companies(ctx.service, page)


async def add_reserved_company(ctx: RequestContext, input: AddReservedCompanyInput) -> Outcome[Any]:
    return await run_and_load(
        ctx,
        lambda: service.add_reserved_company(
            ctx.service, input.company_name, input.credit_code, input.reason or ""
        ),
        ctx.loaders.reserved_company,
    )


async def remove_reserved_company(
    ctx: RequestContext, input: RemoveReservedCompanyInput
) -> Outcome[Any]:
    reserved_id = parse_id(input.id, "ReservedCompany")
    outcome: Outcome[Any] = await run_mutation(
        ctx, lambda: service.remove_reserved_company(ctx.service, reserved_id)
    )
    return outcome
