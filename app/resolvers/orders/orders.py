"""Resolvers of orders: quote, create, pay, partner-paid requests, cancel, lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import (
    LoadedBulk,
    Outcome,
    load_bulk,
    run_bulk_once,
    run_once,
)
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.idempotency import Ids
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.orders import orders as service
from app.services.orders import payments
from app.services.orders import reads as order_reads
from app.services.orders.lines import LineInput
from app.services.orders.orders import Quote
from app.services.orders.reads import OrderFilter, OrderOrderField

if TYPE_CHECKING:
    from app.schema.orders.orders import OrderFilter as OrderFilterInput
    from app.schema.orders.orders import OrderLineInput, OrderOrder


def to_lines(lines: Sequence[OrderLineInput]) -> list[LineInput]:
    return [
        LineInput(
            kind=line.kind,
            product_id=parse_optional_id(line.product_id, "Product"),
            resource_id=parse_optional_id(line.resource_id, "Resource"),
            quantity=line.quantity,
            period_unit=line.period.unit if line.period else None,
            period_count=line.period.count if line.period else None,
            pickup_voucher_id=parse_optional_id(line.pickup_voucher_id, "PickupVoucher"),
        )
        for line in lines
    ]


def to_coupon_ids(coupon_ids: Sequence[str] | None) -> list[int | None]:
    return [parse_optional_id(g, "Coupon") for g in coupon_ids or ()]


def to_filter(value: OrderFilterInput | None) -> OrderFilter:
    if value is None:
        return OrderFilter()
    between = value.created_between
    return OrderFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        kinds=tuple(value.kinds) if value.kinds else None,
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        created_from=between.from_ if between else None,
        created_to=between.to if between else None,
        awaiting_partner_payment=value.awaiting_partner_payment,
    )


async def list_orders(
    ctx: RequestContext,
    filter: OrderFilterInput | None,
    order_by: OrderOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else OrderOrderField.CREATED_AT
    direction = order_by.direction if order_by else Direction.DESC
    result = await order_reads.list_orders(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.order.prime_many(result.rows)
    return result


async def customer_orders(
    ctx: RequestContext,
    customer_id: int,
    filter: OrderFilterInput | None,
    order_by: OrderOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """A customer's orders, batched with its siblings' through one loader per argument set."""
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else OrderOrderField.CREATED_AT
    direction = order_by.direction if order_by else Direction.DESC
    # The parent decides the customer: a `customerId` in the filter is ignored here.
    args = (replace(to_filter(filter), customer_id=None), field, direction, page)
    return await ctx.loaders.order_page_by_customer.get(args).load(customer_id)


async def quote(
    ctx: RequestContext,
    customer_id: str,
    lines: Sequence[OrderLineInput],
    coupon_ids: Sequence[str] | None = None,
) -> Outcome[Quote]:
    try:
        result = await service.quote(
            ctx.service,
            parse_optional_id(customer_id, "Customer"),
            to_lines(lines),
            to_coupon_ids(coupon_ids),
        )
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    return Outcome(value=result)


async def _load_order(ctx: RequestContext, outcome: Outcome[Ids]) -> Outcome[Any]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    ctx.loaders.order.clear(outcome.value["order"])
    return Outcome(value=await ctx.loaders.order.load(outcome.value["order"]))


async def create_proxy_order(
    ctx: RequestContext,
    customer_gid: str,
    lines: Sequence[OrderLineInput],
    key: str,
    coupon_gids: Sequence[str] | None = None,
) -> Outcome[Any]:
    customer_id, line_inputs = parse_optional_id(customer_gid, "Customer"), to_lines(lines)
    coupon_ids = to_coupon_ids(coupon_gids)
    outcome = await run_once(
        lambda: service.create_proxy_order.once(
            ctx.service, key, customer_id, line_inputs, coupon_ids
        )
    )
    return await _load_order(ctx, outcome)


async def create_order(
    ctx: RequestContext,
    customer_gid: str,
    lines: Sequence[OrderLineInput],
    key: str,
    coupon_gids: Sequence[str] | None = None,
) -> Outcome[Any]:
    customer_id, line_inputs = parse_optional_id(customer_gid, "Customer"), to_lines(lines)
    coupon_ids = to_coupon_ids(coupon_gids)
    outcome = await run_once(
        lambda: service.create_order.once(ctx.service, key, customer_id, line_inputs, coupon_ids)
    )
    return await _load_order(ctx, outcome)


async def pay_order(ctx: RequestContext, order_gid: str, key: str) -> Outcome[Any]:
    order_id = parse_optional_id(order_gid, "Order")
    outcome = await run_once(lambda: payments.pay_order.once(ctx.service, key, order_id))
    return await _load_order(ctx, outcome)


async def request_partner_payment(ctx: RequestContext, order_gid: str, key: str) -> Outcome[Any]:
    order_id = parse_optional_id(order_gid, "Order")
    outcome = await run_once(
        lambda: payments.request_partner_payment.once(ctx.service, key, order_id)
    )
    return await _load_order(ctx, outcome)


async def cancel_order(ctx: RequestContext, order_gid: str, key: str) -> Outcome[Any]:
    order_id = parse_optional_id(order_gid, "Order")
    outcome = await run_once(lambda: service.cancel_order.once(ctx.service, key, order_id))
    return await _load_order(ctx, outcome)


async def pay_orders(ctx: RequestContext, order_gids: Sequence[str], key: str) -> LoadedBulk:
    """Each order on its own; the outcome is stored once and replayed for the same key."""
    order_ids = [parse_optional_id(g, "Order") for g in order_gids]
    result = await run_bulk_once(
        lambda: payments.pay_orders.once(ctx.service, key, order_ids), "orderIds", len(order_ids)
    )
    return await load_bulk(result, ctx.loaders.order)


async def reject_partner_payment(
    ctx: RequestContext, order_gids: Sequence[str], reason: str, key: str
) -> LoadedBulk:
    order_ids = [parse_optional_id(g, "Order") for g in order_gids]
    result = await run_bulk_once(
        lambda: payments.reject_partner_payment.once(ctx.service, key, order_ids, reason),
        "orderIds",
        len(order_ids),
    )
    return await load_bulk(result, ctx.loaders.order)
