"""Reading orders: the filtered, keyset-paged list, a customer's pages (batched), and the
per-order children the loaders fetch (lines, payments, refunds) -- all through `visible()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, or_, select

from app.models import Order, OrderCoupon, OrderLine, OrderPayment, OrderRefund, Resource
from app.models.orders.enums import OrderKind, OrderStatus
from app.services.core.context import ServiceContext
from app.services.core.pagination import (
    Direction,
    Ordering,
    Page,
    PageRequest,
    count_by_parent,
    fetch_page,
    fetch_pages_by_parent,
)
from app.services.core.scoping import visible
from app.services.orders.orders import ORDER_COLUMNS, awaiting_partner_payment, status_in


class OrderOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    AMOUNT_DUE = "AMOUNT_DUE"


@dataclass(frozen=True, slots=True)
class OrderFilter:
    statuses: tuple[OrderStatus, ...] | None = None
    kinds: tuple[OrderKind, ...] | None = None
    customer_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    awaiting_partner_payment: bool | None = None


def _filtered(ctx: ServiceContext, f: OrderFilter) -> Select[Any]:
    stmt = select(*ORDER_COLUMNS).where(visible(ctx.principal, Order))
    if f.statuses:
        stmt = stmt.where(status_in(f.statuses))
    if f.kinds:
        stmt = stmt.where(Order.kind.in_(f.kinds))
    if f.customer_id is not None:
        stmt = stmt.where(Order.customer_id == f.customer_id)
    if f.created_from is not None:
        stmt = stmt.where(Order.created_at >= f.created_from)
    if f.created_to is not None:
        stmt = stmt.where(Order.created_at < f.created_to)
    if f.awaiting_partner_payment is True:
        stmt = stmt.where(awaiting_partner_payment())
    elif f.awaiting_partner_payment is False:
        stmt = stmt.where(~awaiting_partner_payment())
    return stmt


def _ordering(
    field: OrderOrderField, direction: Direction
) -> tuple[Ordering, Callable[[Any], Any]]:
    if field == OrderOrderField.AMOUNT_DUE:
        ordering = Ordering("AMOUNT_DUE", Order.amount_due, Order.id, direction)
        return ordering, lambda r: r.amount_due
    return Ordering("CREATED_AT", Order.created_at, Order.id, direction), lambda r: r.created_at


async def list_orders(
    ctx: ServiceContext,
    f: OrderFilter,
    field: OrderOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """Orders the caller may see (a customer: its own)."""
    ordering, sort_key = _ordering(field, direction)
    return await fetch_page(ctx.session, _filtered(ctx, f), ordering, page, sort_key)


async def count_by_customer(
    ctx: ServiceContext, f: OrderFilter, customer_ids: Sequence[int]
) -> dict[int, int]:
    """How many orders (matching the filter) each customer has: one grouped query."""
    return await count_by_parent(ctx.session, _filtered(ctx, f), Order.customer_id, customer_ids)


async def pages_by_customer(
    ctx: ServiceContext,
    customer_ids: Sequence[int],
    f: OrderFilter,
    field: OrderOrderField,
    direction: Direction,
    page: PageRequest,
    counts: Any,
) -> dict[int, Page]:
    """One page of orders for each customer, in one statement."""
    ordering, sort_key = _ordering(field, direction)
    return await fetch_pages_by_parent(
        ctx.session,
        _filtered(ctx, f),
        Order.customer_id,
        customer_ids,
        ordering,
        page,
        sort_key,
        counts,
    )


async def get_orders(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*ORDER_COLUMNS).where(visible(ctx.principal, Order), Order.id.in_(ids))
    )
    return {row.id: row for row in rows}


def _group(rows: Any, key: str) -> dict[int, tuple[Any, ...]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return {k: tuple(v) for k, v in grouped.items()}


async def lines_by_order(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*OrderLine.__table__.columns)
        .where(visible(ctx.principal, OrderLine), OrderLine.order_id.in_(ids))
        .order_by(OrderLine.order_id, OrderLine.line_no)
    )
    return _group(rows, "order_id")


@dataclass(frozen=True, slots=True)
class AppliedCouponRow:
    """A coupon's deduction on an order: its step, total and (line number, share) pairs."""

    coupon_id: int
    position: int
    amount: Decimal
    shares: tuple[tuple[int, Decimal], ...]


async def coupons_by_order(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """The coupons each order applied (its `OrderCoupon` shares grouped by coupon), in
    their application order; read through the orders the caller may see."""
    rows = await ctx.session.execute(
        select(
            OrderCoupon.order_id,
            OrderCoupon.coupon_id,
            OrderCoupon.position,
            OrderCoupon.amount,
            OrderLine.line_no,
        )
        .join(
            Order, (Order.partner_id == OrderCoupon.partner_id) & (Order.id == OrderCoupon.order_id)
        )
        .join(
            OrderLine,
            (OrderLine.partner_id == OrderCoupon.partner_id)
            & (OrderLine.id == OrderCoupon.order_line_id),
        )
        .where(visible(ctx.principal, Order), OrderCoupon.order_id.in_(ids))
        .order_by(OrderCoupon.order_id, OrderCoupon.position, OrderLine.line_no)
    )
    grouped: dict[int, dict[int, list[Any]]] = {}
    for row in rows:
        grouped.setdefault(row.order_id, {}).setdefault(row.coupon_id, []).append(row)
    return {
        order_id: tuple(
            AppliedCouponRow(
                coupon_id=coupon_id,
                position=shares[0].position,
                amount=sum((r.amount for r in shares), Decimal("0.00")),
                shares=tuple((r.line_no, r.amount) for r in shares),
            )
            for coupon_id, shares in by_coupon.items()
        )
        for order_id, by_coupon in grouped.items()
    }


async def payments_by_order(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*OrderPayment.__table__.columns)
        .where(visible(ctx.principal, OrderPayment), OrderPayment.order_id.in_(ids))
        .order_by(OrderPayment.id)
    )
    return _group(rows, "order_id")


async def refunds_by_order(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Refunds an order caused (an unsubscribe) or gave back (of what it paid), by order."""
    rows = (
        await ctx.session.execute(
            select(*OrderRefund.__table__.columns)
            .where(
                visible(ctx.principal, OrderRefund),
                or_(OrderRefund.order_id.in_(ids), OrderRefund.refunded_order_id.in_(ids)),
            )
            .order_by(OrderRefund.id)
        )
    ).all()
    wanted = set(ids)
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        for order_id in {row.order_id, row.refunded_order_id} & wanted:
            grouped.setdefault(order_id, []).append(row)
    return {k: tuple(v) for k, v in grouped.items()}


async def order_ids_by_resource(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Ids of the orders that created or changed each resource, oldest first."""
    by_line = await ctx.session.execute(
        select(OrderLine.resource_id, OrderLine.order_id).where(
            visible(ctx.principal, OrderLine), OrderLine.resource_id.in_(ids)
        )
    )
    created = await ctx.session.execute(
        select(Resource.id, Resource.order_id).where(
            visible(ctx.principal, Resource), Resource.id.in_(ids), Resource.order_id.is_not(None)
        )
    )
    found: dict[int, set[int]] = {}
    for resource_id, order_id in [*by_line, *created]:
        found.setdefault(resource_id, set()).add(order_id)
    return {k: tuple(sorted(v)) for k, v in found.items()}
