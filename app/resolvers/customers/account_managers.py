"""Resolvers of account managers: bulk assign/unassign, and each user's managed customers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import LoadedBulk, load_bulk, run_mutation
from app.services.core.bulk import BulkResult
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.customers import account_managers as service
from app.services.customers.customers import CustomerOrderField

if TYPE_CHECKING:
    from app.schema.customers.account_managers import (
        AssignAccountManagerInput,
        UnassignAccountManagerInput,
    )
    from app.schema.customers.customers import CustomerOrder


@dataclass(slots=True)
class ManagerChange:
    """What a bulk manager payload shows: each item with its customer (re-read) or its
    errors, every error, and the manager."""

    bulk: LoadedBulk
    customer_ids: list[str]
    manager: Any = None


async def _bulk(
    ctx: RequestContext, global_ids: list[str], work: Callable[[], Awaitable[BulkResult]]
) -> ManagerChange:
    outcome = await run_mutation(ctx, work)
    result = outcome.value if outcome.value is not None else BulkResult(errors=outcome.errors)
    return ManagerChange(await load_bulk(result, ctx.loaders.customer), global_ids)


async def assign_account_manager(
    ctx: RequestContext, input: AssignAccountManagerInput
) -> ManagerChange:
    manager_id = parse_id(input.manager_id, "PartnerUser")
    customer_ids = [parse_id(gid, "Customer") for gid in input.customer_ids]
    result = await _bulk(
        ctx,
        list(input.customer_ids),
        lambda: service.assign_account_manager(ctx.service, manager_id, customer_ids),
    )
    if result.bulk.items and manager_id is not None:
        result.manager = await ctx.loaders.partner_user.load(manager_id)
    return result


async def unassign_account_manager(
    ctx: RequestContext, input: UnassignAccountManagerInput
) -> ManagerChange:
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
