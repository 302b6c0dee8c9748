"""Resolvers of resources: partner-wide lists and each customer's resources."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.customers import resource_operations
from app.services.customers import resources as service
from app.services.customers.resources import ResourceFilter, ResourceOrderField

if TYPE_CHECKING:
    from app.schema.customers.resource_operations import SetResourceAutoRenewInput
    from app.schema.customers.resources import ResourceFilterInput, ResourceOrder


def to_filter(value: ResourceFilterInput | None) -> ResourceFilter:
    if value is None:
        return ResourceFilter()
    return ResourceFilter(
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        service_types=tuple(value.service_types) if value.service_types else None,
        statuses=tuple(value.statuses) if value.statuses else None,
        billing_mode=value.billing_mode,
        region=value.region,
        expiring_before=value.expiring_before,
    )


def _order(order_by: ResourceOrder | None) -> tuple[ResourceOrderField, Direction]:
    if order_by is None:
        return ResourceOrderField.CREATED_AT, Direction.DESC
    return order_by.field, order_by.direction


async def list_resources(
    ctx: RequestContext,
    filter: ResourceFilterInput | None,
    order_by: ResourceOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    result = await service.list_resources(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.resource.prime_many(result.rows)
    return result


async def customer_resources(
    ctx: RequestContext,
    customer_id: int,
    filter: ResourceFilterInput | None,
    order_by: ResourceOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """A customer's resources, batched with its siblings' through one loader per argument set."""
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    # The parent decides the customer: a `customerId` in the filter is ignored here.
    args = (replace(to_filter(filter), customer_id=None), field, direction, page)
    return await ctx.loaders.resource_page_by_customer.get(args).load(customer_id)


async def customers_resources(
    ctx: RequestContext,
    customer_ids: list[int],
    filter: ResourceFilterInput | None,
    order_by: ResourceOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> list[Page]:
    """`customer_resources` of several customers with the same arguments, in one batch."""
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    args = (replace(to_filter(filter), customer_id=None), field, direction, page)
    return await ctx.loaders.resource_page_by_customer.get(args).load_many(customer_ids)


async def get_resource(ctx: RequestContext, global_id: str) -> Any:
    row_id = parse_id(global_id, "Resource")
    return None if row_id is None else await ctx.loaders.resource.load(row_id)


async def set_resource_auto_renew(
    ctx: RequestContext, input: SetResourceAutoRenewInput
) -> Outcome[Any]:
    resource_id = parse_id(input.resource_id, "Resource")
    return await run_and_load(
        ctx,
        lambda: resource_operations.set_resource_auto_renew(
            ctx.service, resource_id, input.auto_renew
        ),
        ctx.loaders.resource,
    )
