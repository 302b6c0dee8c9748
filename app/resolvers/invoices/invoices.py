"""Resolvers of invoices: the request and every later move (one service call each, the
invoice re-read through the caller's loader), the list and the invoiceable amount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load, run_once
from app.resolvers.core.reload import reload
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.invoices import reads, requests, transitions
from app.services.invoices.reads import InvoiceableWindow, InvoiceFilter, InvoiceOrderField

if TYPE_CHECKING:
    from app.schema.invoices.invoices import InvoiceFilter as InvoiceFilterInput
    from app.schema.invoices.invoices import InvoiceOrder
    from app.schema.invoices.mutations import (
        InvoiceIdInput,
        InvoiceReasonInput,
        IssueInvoiceInput,
        RequestInvoiceInput,
    )


async def load_invoice(ctx: RequestContext, invoice_id: int) -> Any:
    return await ctx.loaders.invoice.load(invoice_id)


async def request_invoice(ctx: RequestContext, input: RequestInvoiceInput) -> Outcome[Any]:
    profile_id = parse_optional_id(input.profile_id, "InvoiceProfile")
    outcome = await run_once(
        lambda: requests.request_invoice.once(
            ctx.service,
            input.idempotency_key,
            profile_id,
            cycles=list(input.cycles) if input.cycles is not None else None,
            amount=input.amount,
        )
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await reload(ctx.loaders.invoice, outcome.value["invoice"]))


def _move(
    ctx: RequestContext, invoice_id: str, call: Callable[[int | None], Awaitable[int]]
) -> Awaitable[Outcome[Any]]:
    parsed = parse_optional_id(invoice_id, "Invoice")
    return run_and_load(ctx, lambda: call(parsed), ctx.loaders.invoice)


async def cancel_invoice_request(ctx: RequestContext, input: InvoiceIdInput) -> Outcome[Any]:
    return await _move(
        ctx, input.invoice_id, lambda i: transitions.cancel_invoice_request(ctx.service, i)
    )


async def issue_invoice(ctx: RequestContext, input: IssueInvoiceInput) -> Outcome[Any]:
    return await _move(
        ctx,
        input.invoice_id,
        lambda i: transitions.issue_invoice(ctx.service, i, input.invoice_number, input.issue_date),
    )


async def reject_invoice(ctx: RequestContext, input: InvoiceReasonInput) -> Outcome[Any]:
    return await _move(
        ctx, input.invoice_id, lambda i: transitions.reject_invoice(ctx.service, i, input.reason)
    )


async def request_invoice_return(ctx: RequestContext, input: InvoiceReasonInput) -> Outcome[Any]:
    return await _move(
        ctx,
        input.invoice_id,
        lambda i: transitions.request_invoice_return(ctx.service, i, input.reason),
    )


async def confirm_invoice_return(ctx: RequestContext, input: InvoiceIdInput) -> Outcome[Any]:
    return await _move(
        ctx, input.invoice_id, lambda i: transitions.confirm_invoice_return(ctx.service, i)
    )


async def refuse_invoice_return(ctx: RequestContext, input: InvoiceReasonInput) -> Outcome[Any]:
    return await _move(
        ctx,
        input.invoice_id,
        lambda i: transitions.refuse_invoice_return(ctx.service, i, input.reason),
    )


def to_filter(value: InvoiceFilterInput | None) -> InvoiceFilter:
    if value is None:
        return InvoiceFilter()
    return InvoiceFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        invoice_types=tuple(value.invoice_types) if value.invoice_types else None,
        cycle=value.cycle,
        requested_from=value.requested_from,
        requested_to=value.requested_to,
        invoice_number=value.invoice_number,
        partner_id=require_id(value.partner_id, "Partner", "partnerId")
        if value.partner_id is not None
        else None,
    )


async def list_invoices(
    ctx: RequestContext,
    filter: InvoiceFilterInput | None,
    order_by: InvoiceOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field, direction = (
        (order_by.field, order_by.direction)
        if order_by is not None
        else (InvoiceOrderField.REQUESTED_AT, Direction.DESC)
    )
    result = await reads.list_invoices(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.invoice.prime_many(result.rows)
    return result


async def invoiceable_amount(
    ctx: RequestContext, cycle_from: str | None, cycle_to: str | None, partner_id: str | None
) -> InvoiceableWindow:
    return await reads.invoiceable_amount(
        ctx.service,
        cycle_from,
        cycle_to,
        require_id(partner_id, "Partner", "partnerId") if partner_id is not None else None,
    )
