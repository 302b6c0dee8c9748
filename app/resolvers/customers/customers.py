"""Resolvers of customers: GraphQL arguments in, service calls and loader reads out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.customers import customers as service
from app.services.customers.customers import CustomerFilter, CustomerOrderField

if TYPE_CHECKING:
    from app.schema.customers.customers import (
        CustomerFilterInput,
        CustomerOrder,
        UpdateCustomerInput,
    )


def to_filter(value: CustomerFilterInput | None) -> CustomerFilter:
    if value is None:
        return CustomerFilter()
    between = value.associated_between
    return CustomerFilter(
        name_contains=value.name_contains,
        account_name_contains=value.account_name_contains,
        association_type=value.association_type,
        status=value.status,
        account_manager_id=require_id(value.account_manager_id, "PartnerUser", "accountManagerId")
        if value.account_manager_id is not None
        else None,
        associated_from=between.from_ if between else None,
        associated_to=between.to if between else None,
        has_arrears=value.has_arrears,
        association_state=value.association_state,
    )


async def list_customers(
    ctx: RequestContext,
    filter: CustomerFilterInput | None,
    order_by: CustomerOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else CustomerOrderField.ASSOCIATED_AT
    direction = order_by.direction if order_by else Direction.DESC
    result = await service.list_customers(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.customer.prime_many(result.rows)
    return result


async def get_customer(ctx: RequestContext, global_id: str) -> Any:
    row_id = parse_id(global_id, "Customer")
    return None if row_id is None else await ctx.loaders.customer.load(row_id)


async def update_customer(ctx: RequestContext, input: UpdateCustomerInput) -> Outcome[Any]:
    customer_id = parse_id(input.id, "Customer")

    async def work() -> Any:
        return await service.update_customer(
            ctx.service, customer_id, labels=input.labels, remark=input.remark
        )

    return await run_and_load(ctx, work, ctx.loaders.customer)


async def freeze_customer(ctx: RequestContext, global_id: str, reason: str | None) -> Outcome[Any]:
    customer_id = parse_id(global_id, "Customer")
    return await run_and_load(
        ctx,
        lambda: service.freeze_customer(ctx.service, customer_id, reason or ""),
        ctx.loaders.customer,
    )


async def unfreeze_customer(
    ctx: RequestContext, global_id: str, reason: str | None
) -> Outcome[Any]:
    customer_id = parse_id(global_id, "Customer")
    return await run_and_load(
        ctx,
        lambda: service.unfreeze_customer(ctx.service, customer_id, reason or ""),
        ctx.loaders.customer,
    )
