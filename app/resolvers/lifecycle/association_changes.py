"""Resolvers of partner-initiated association changes (disassociation, type switch)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Page, PageRequest
from app.services.lifecycle import association_changes as service
from app.services.lifecycle.association_changes import AssociationChangeFilter

if TYPE_CHECKING:
    from app.schema.lifecycle.association_changes import (
        AssociationChangeRequestFilterInput,
        ConfirmAssociationChangeInput,
        DeclineAssociationChangeInput,
        RequestAssociationTypeSwitchInput,
        RequestDisassociationInput,
    )


def to_filter(value: AssociationChangeRequestFilterInput | None) -> AssociationChangeFilter:
    if value is None:
        return AssociationChangeFilter()
    return AssociationChangeFilter(
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        kind=value.kind,
        statuses=tuple(value.statuses) if value.statuses else None,
    )


async def list_association_changes(
    ctx: RequestContext,
    filter: AssociationChangeRequestFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_association_changes(ctx.service, to_filter(filter), page)
    ctx.loaders.association_change.prime_many(result.rows)
    return result


async def request_disassociation(
    ctx: RequestContext, input: RequestDisassociationInput
) -> Outcome[Any]:
    customer_id = parse_id(input.customer_id, "Customer")
    return await run_and_load(
        ctx,
        lambda: service.request_disassociation(ctx.service, customer_id, input.reason or ""),
        ctx.loaders.association_change,
    )


async def request_association_type_switch(
    ctx: RequestContext, input: RequestAssociationTypeSwitchInput
) -> Outcome[Any]:
    customer_id = parse_id(input.customer_id, "Customer")
    to_type = input.association_type
    return await run_and_load(
        ctx,
        lambda: service.request_association_type_switch(
            ctx.service, customer_id, to_type, input.reason or ""
        ),
        ctx.loaders.association_change,
    )


async def confirm_association_change(
    ctx: RequestContext, input: ConfirmAssociationChangeInput
) -> Outcome[Any]:
    request_id = parse_id(input.id, "AssociationChangeRequest")
    return await run_and_load(
        ctx,
        lambda: service.confirm_association_change(ctx.service, request_id),
        ctx.loaders.association_change,
    )


async def decline_association_change(
    ctx: RequestContext, input: DeclineAssociationChangeInput
) -> Outcome[Any]:
    request_id = parse_id(input.id, "AssociationChangeRequest")
    return await run_and_load(
        ctx,
        lambda: service.decline_association_change(ctx.service, request_id, input.reason or ""),
        ctx.loaders.association_change,
    )
