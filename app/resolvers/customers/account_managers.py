"""Resolvers of account managers: bulk assign/unassign, and each user's managed customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import run_mutation
from app.services.core.errors import DomainError
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.customers import account_managers as service
from app.services.customers.account_managers import ItemOutcome
from app.services.customers.customers import CustomerOrderField

if TYPE_CHECKING:
    from app.schema.customers.account_managers import (
        AssignAccountManagerInput,
        UnassignAccountManagerInput,
    )
    from app.schema.customers.customers import CustomerOrder


@dataclass(slots=True)
class BulkResult:
    """What a bulk payload shows: each item with its customer (re-read) or its error."""

    items: list[tuple[str, Any, DomainError | None]]
    errors: list[DomainError]
    manager: Any = None


async def _result(
    ctx: RequestContext, global_ids: list[str], outcomes: list[ItemOutcome]
) -> list[tuple[str, Any, DomainError | None]]:
    changed = [o.customer_id for o in outcomes if o.error is None and o.customer_id is not None]
    for customer_id in changed:
        ctx.loaders.customer.clear(customer_id)
    rows = dict(zip(changed, await ctx.loaders.customer.load_many(changed), strict=True))
    return [
        (gid, rows.get(o.customer_id) if o.error is None else None, o.error)
        for gid, o in zip(global_ids, outcomes, strict=True)
    ]


async def _bulk(ctx: RequestContext, global_ids: list[str], work: Any) -> BulkResult:
    outcome = await run_mutation(ctx, work)
    if outcome.value is None:
        return BulkResult(items=[], errors=outcome.errors)
    items = await _result(ctx, global_ids, outcome.value)
    return BulkResult(items=items, errors=[e for _, _, e in items if e is not None])


async def assign_account_manager(
    ctx: RequestContext, input: AssignAccountManagerInput
) -> BulkResult:
    manager_id = parse_id(input.manager_id, "PartnerUser")
    customer_ids = [parse_id(gid, "Customer") for gid in input.customer_ids]
    result = await _bulk(
        ctx,
        list(input.customer_ids),
        lambda: service.assign_account_manager(ctx.service, manager_id, customer_ids),
    )
    if result.items and manager_id is not None:
        result.manager = await ctx.loaders.partner_user.load(manager_id)
    return result


async def unassign_account_manager(
    ctx: RequestContext, input: UnassignAccountManagerInput
) -> BulkResult:
    customer_ids = [parse_id(gid, "Customer") for gid in input.customer_ids]
    return await _bulk(
        ctx,
        list(input.customer_ids),
        lambda: service.unassign_account_manager(ctx.service, customer_ids),
    )


async def managed_customers(
    ctx: RequestContext,
    manager_id: int,
    order_by: CustomerOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """A user's current managed customers, batched with its siblings' through one loader."""
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else CustomerOrderField.NAME
    direction = order_by.direction if order_by else Direction.ASC
    result = await ctx.loaders.managed_customer_page_by_manager.get((field, direction, page)).load(
        manager_id
    )
    ctx.loaders.customer.prime_many(result.rows)
    return result
