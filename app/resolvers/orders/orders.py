"""Resolvers of orders: quote, create, pay, partner-paid requests, cancel, lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_idempotent
from app.services.core import idempotency
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.idempotency import IdempotentOutcome
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.core.reasons import check_reason
from app.services.orders import orders as service
from app.services.orders import payments
from app.services.orders import reads as order_reads
from app.services.orders.lines import LineInput, PricedLine
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
        )
        for line in lines
    ]


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
    ctx: RequestContext, customer_id: str, lines: Sequence[OrderLineInput]
) -> Outcome[list[PricedLine]]:
    try:
        _customer, priced = await service.quote(
            ctx.service, parse_optional_id(customer_id, "Customer"), to_lines(lines)
        )
    except DomainError as error:
        return Outcome(errors=[error])
    except DomainErrors as errors:
        return Outcome(errors=errors.errors)
    return Outcome(value=priced)


def _values(customer_id: int | None, lines: list[LineInput]) -> dict[str, Any]:
    return {"customer": customer_id, "lines": [line.key() for line in lines]}


async def create_order(
    ctx: RequestContext,
    operation: str,
    customer_gid: str,
    line_inputs: Sequence[OrderLineInput],
    key: str,
) -> Outcome[Any]:
    """createProxyOrder / createOrder: idempotent per key."""
    customer_id = parse_optional_id(customer_gid, "Customer")
    lines = to_lines(line_inputs)
    create = (
        service.create_proxy_order
        if operation == "createProxyOrder"
        else service.create_customer_order
    )

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        order = await create(ctx.service, customer_id, lines)
        return {"order": order.id}

    outcome = await run_idempotent(ctx, operation, key, lambda: _values(customer_id, lines), work)
    return await _load_order(ctx, outcome)


async def _load_order(ctx: RequestContext, outcome: Outcome[Any]) -> Outcome[Any]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    ctx.loaders.order.clear(outcome.value["order"])
    return Outcome(value=await ctx.loaders.order.load(outcome.value["order"]))


async def single_order(
    ctx: RequestContext,
    operation: str,
    order_gid: str,
    key: str,
    act: Callable[[Any, int | None], Awaitable[Any]],
) -> Outcome[Any]:
    """payOrder / requestPartnerPayment / cancelOrder: one order, idempotent per key."""
    order_id = parse_optional_id(order_gid, "Order")

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        order = await act(ctx.service, order_id)
        return {"order": order.id}

    outcome = await run_idempotent(ctx, operation, key, lambda: {"order": order_id}, work)
    return await _load_order(ctx, outcome)


async def batch(
    ctx: RequestContext,
    operation: str,
    order_gids: Sequence[str],
    key: str,
    act: Callable[[list[int | None]], Awaitable[tuple[list[int], list[DomainError]]]],
    extra: dict[str, Any] | None = None,
) -> tuple[list[Any], list[DomainError]]:
    """payOrders / rejectPartnerPayment: each order on its own; the outcome (done ids and
    per-item errors) is stored once and replayed for the same key."""
    order_ids = [parse_optional_id(g, "Order") for g in order_gids]
    try:
        key_errors = idempotency.check_key(key)
        if key_errors:
            raise DomainErrors(key_errors)
        payments.check_batch(order_ids)
        if extra and "reason" in extra:
            check_reason(extra["reason"])

        async def work() -> IdempotentOutcome:
            done, errors = await act(order_ids)
            return IdempotentOutcome(
                ids={f"order.{n}": i for n, i in enumerate(done)}, errors=errors
            )

        values = {"orders": order_ids, **(extra or {})}
        result = await idempotency.run(ctx.service, operation, key, values, work)
    except DomainError as error:
        return [], [error]
    except DomainErrors as errors:
        return [], errors.errors
    ids = [result.ids[k] for k in sorted(result.ids, key=lambda k: int(k.split(".")[1]))]
    ctx.loaders.order.clear_all()
    rows = [row for row in await ctx.loaders.order.load_many(ids) if row is not None]
    return rows, result.errors


async def pay_orders(ctx: RequestContext, order_gids: Sequence[str], key: str) -> Any:
    return await batch(
        ctx, "payOrders", order_gids, key, lambda ids: payments.pay_orders(ctx.service, ids)
    )


async def reject_partner_payment(
    ctx: RequestContext, order_gids: Sequence[str], reason: str, key: str
) -> Any:
    return await batch(
        ctx,
        "rejectPartnerPayment",
        order_gids,
        key,
        lambda ids: payments.reject_partner_payments(ctx.service, ids, reason),
        {"reason": reason},
    )
