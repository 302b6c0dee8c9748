"""Resolvers of customer-initiated disassociation requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Page, PageRequest
from app.services.lifecycle import disassociation_requests as service
from app.services.lifecycle.disassociation_requests import DisassociationRequestFilter

if TYPE_CHECKING:
    from app.schema.lifecycle.disassociation_requests import (
        ApproveDisassociationRequestInput,
        DisassociationRequestFilterInput,
        FileDisassociationRequestInput,
        RejectDisassociationRequestInput,
    )


def to_filter(value: DisassociationRequestFilterInput | None) -> DisassociationRequestFilter:
    if value is None:
        return DisassociationRequestFilter()
    return DisassociationRequestFilter(
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        statuses=tuple(value.statuses) if value.statuses else None,
    )


async def list_disassociation_requests(
    ctx: RequestContext,
    filter: DisassociationRequestFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_disassociation_requests(ctx.service, to_filter(filter), page)
    ctx.loaders.disassociation_request.prime_many(result.rows)
    return result


async def file_disassociation_request(
    ctx: RequestContext, input: FileDisassociationRequestInput
) -> Outcome[Any]:
    customer_id = parse_id(input.customer_id, "Customer")
    return await run_and_load(
        ctx,
        lambda: service.file_disassociation_request(ctx.service, customer_id, input.reason or ""),
        ctx.loaders.disassociation_request,
    )


async def approve_disassociation_request(
    ctx: RequestContext, input: ApproveDisassociationRequestInput
) -> Outcome[Any]:
    request_id = parse_id(input.id, "DisassociationRequest")
    return await run_and_load(
        ctx,
        lambda: service.approve_disassociation_request(ctx.service, request_id),
        ctx.loaders.disassociation_request,
    )


async def reject_disassociation_request(
    ctx: RequestContext, input: RejectDisassociationRequestInput
) -> Outcome[Any]:
    request_id = parse_id(input.id, "DisassociationRequest")
    return await run_and_load(
        ctx,
        lambda: service.reject_disassociation_request(ctx.service, request_id, input.reason),
        ctx.loaders.disassociation_request,
    )
