"""Orders (代客户下单): quote, create (proxy or the customer's own), cancel, close, read.

States (DOMAIN.md > Orders): PENDING_PAYMENT -> PAID -> COMPLETED, provisioning in the
payment's transaction (so a paid order reads COMPLETED with `paidAt`); PENDING_PAYMENT ->
CANCELLED (by the partner or the customer) | CLOSED (unpaid `order_close_after_hours` after
creation: read so at once, stored by the `orders.close-unpaid` job). An order with nothing
due (an UNSUBSCRIBE, on-demand products, a downgrade) completes at creation.
Payments, refunds and completion live in `app.services.orders.payments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from app import clock
from app.models import Customer, Order, OrderLine, Partner
from app.models.customers.enums import AssociationType
from app.models.orders.enums import OrderKind, OrderSource, OrderStatus, PartnerPaymentStatus
from app.models.partners.enums import PrincipalKind
from app.services.core import audit, lapse
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode, PermissionDenied
from app.services.core.idempotency import idempotent, resolve
from app.services.core.jobs import job
from app.services.core.principal import Permission
from app.services.core.scoping import visible
from app.services.funds.accounts import get_customer_positions
from app.services.lifecycle.association_rules import AssociationChange, register_blocker
from app.services.lifecycle.authorizations import require_authorization
from app.services.orders.lines import LineInput, PricedLine, price_lines
from app.services.orders.pricing import ZERO, round_cents
from app.services.orders.proxy_scopes import PERMISSION_BY_KIND, SCOPES_BY_KIND, proxy_kind
from app.services.partners.partners import require_certified
from app.settings import get_settings

ORDER_COLUMNS = tuple(Order.__table__.columns)
OPEN = (OrderStatus.PENDING_PAYMENT,)


def effective_status(row: Any) -> OrderStatus:
    """CLOSED as soon as an unpaid order's time is up, whether or not the job has run."""
    return lapse.effective_status(row.status, row.close_at, OPEN, OrderStatus.CLOSED)


def status_in(statuses: Sequence[OrderStatus]) -> ColumnElement[bool]:
    return lapse.status_condition(Order.status, Order.close_at, OPEN, OrderStatus.CLOSED, statuses)


# "Awaiting the partner's payment" (代付): the customer asked its partner to pay and the
# order is still payable. One rule, in the two forms it is needed in: on a row, and as SQL.
def awaits_partner_payment(row: Any) -> bool:
    """Does this order (a row or an ORM object) await its partner's payment?"""
    return (
        row.partner_payment_status is PartnerPaymentStatus.REQUESTED
        and effective_status(row) is OrderStatus.PENDING_PAYMENT
    )


def awaiting_partner_payment() -> ColumnElement[bool]:
    """`awaits_partner_payment` as a WHERE condition on `Order`."""
    return (Order.partner_payment_status == PartnerPaymentStatus.REQUESTED) & status_in(OPEN)


@dataclass(frozen=True, slots=True)
class Totals:
    """An order's (or a quote's) amounts: the lines' sums, the display amounts at cents.

    The lines' dues are already rounded once (pricing), so their sum needs no rounding; only
    prorated list amounts have more decimals.
    """

    list_amount: Decimal
    discount_amount: Decimal
    coupon_amount: Decimal
    amount_due: Decimal


def totals(priced: Sequence[PricedLine]) -> Totals:
    return Totals(
        list_amount=round_cents(sum((p.price.list_amount.value for p in priced), ZERO)),
        discount_amount=round_cents(sum((p.price.discount_total for p in priced), ZERO)),
        coupon_amount=round_cents(sum((p.price.coupon_total for p in priced), ZERO)),
        amount_due=sum((p.price.due.value for p in priced), ZERO),
    )


@dataclass(frozen=True, slots=True)
class Quote:
    """A price inquiry's answer: each line priced with its rules, and the totals."""

    customer: Customer
    lines: list[PricedLine]
    totals: Totals


async def _customer(ctx: ServiceContext, customer_id: int | None) -> Customer:
    customer = None
    if customer_id is not None:
        customer = await ctx.session.scalar(
            select(Customer).where(visible(ctx.principal, Customer), Customer.id == customer_id)
        )
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", ["customerId"])
    return customer


def _require_current(customer: Customer) -> None:
    if customer.ended_at is not None:
        raise DomainError(
            ErrorCode.ASSOCIATION_ENDED,
            "The association with this customer has ended.",
            ["customerId"],
        )


async def _require_no_arrears(ctx: ServiceContext, customer: Customer) -> None:
    position = (await get_customer_positions(ctx, [customer.id]))[customer.id]
    if position.arrears > 0:
        raise DomainError(
            ErrorCode.ARREARS,
            f"The customer is {position.arrears} in arrears; new orders are refused.",
            ["customerId"],
        )


async def quote(ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]) -> Quote:
    """Price `lines` for a customer the caller may see; writes nothing."""
    if ctx.principal.kind is PrincipalKind.PARTNER_USER:
        ctx.principal.require(Permission.READ)
    customer = await _customer(ctx, customer_id)
    priced = await price_lines(ctx, customer, lines)
    return Quote(customer, priced, totals(priced))


def _create_key(customer_id: int | None, lines: Sequence[LineInput]) -> dict[str, Any]:
    return {"customer": customer_id, "lines": [line.key() for line in lines]}


async def _authorize_proxy(
    ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]
) -> None:
    ctx.principal.require(PERMISSION_BY_KIND[proxy_kind(lines)])
    customer = await _customer(ctx, customer_id)
    ctx.principal.require_acting_for(customer.account_manager_id)
    await price_lines(ctx, customer, lines)


async def _authorize_own(
    ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]
) -> None:
    ctx.principal.require_customer()
    await _check_lines(ctx, customer_id, lines)


async def _check_lines(
    ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]
) -> None:
    """An order's input: a customer the caller sees, lines naming products and resources
    that exist, in a valid shape (the checks of `price_lines`; reads only)."""
    await price_lines(ctx, await _customer(ctx, customer_id), lines)


def ids_of_order(order: Order) -> dict[str, int | None]:
    """What an order mutation's idempotency key stores: the order's id."""
    return {"order": order.id}


@idempotent("createProxyOrder", bind=_create_key, authorize=_authorize_proxy, ids=ids_of_order)
async def create_proxy_order(
    ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]
) -> Order:
    """Order for a RESELLER customer (SALES for the customers it manages, ADMIN).

    Needs an active authorization (`AUTHORIZATION_REQUIRED`): PROXY_ORDER to order NEW
    resources or CHANGE_SPEC, PROXY_ORDER or OPERATIONS to RENEW or UNSUBSCRIBE an existing
    one (`SCOPES_BY_KIND`); a certified partner (`PARTNER_NOT_CERTIFIED`) and, except to
    unsubscribe, no arrears (`ARREARS`).
    """
    kind = proxy_kind(lines)
    ctx.principal.require(PERMISSION_BY_KIND[kind])
    customer = await _customer(ctx, customer_id)
    ctx.principal.require_acting_for(customer.account_manager_id)
    _require_current(customer)
    if customer.association_type is not AssociationType.RESELLER:
        raise DomainError(
            ErrorCode.REFERRAL_MODE,
            "Proxy orders are for RESELLER customers; a REFERRAL customer orders itself.",
            ["customerId"],
        )
    partner = await ctx.session.get(Partner, customer.partner_id)
    require_certified(partner, "it cannot order")
    await require_authorization(ctx, customer.id, *SCOPES_BY_KIND[kind])
    priced = await price_lines(ctx, customer, lines)
    if priced[0].input.kind is not OrderKind.UNSUBSCRIBE:
        await _require_no_arrears(ctx, customer)
    return await _create(ctx, customer, priced, OrderSource.PROXY)


@idempotent("createOrder", bind=_create_key, authorize=_authorize_own, ids=ids_of_order)
async def create_order(
    ctx: ServiceContext, customer_id: int | None, lines: Sequence[LineInput]
) -> Order:
    """A customer's own order (CUSTOMER, for one of its current associations); it pays
    itself (`payOrder`) or asks its partner to (`requestPartnerPayment`).

    A customer may still UNSUBSCRIBE resources of an ended association: what the former
    partner paid for goes back to that partner (DOMAIN.md > Customers).
    """
    ctx.principal.require_customer()
    customer = await _customer(ctx, customer_id)
    if not lines or lines[0].kind is not OrderKind.UNSUBSCRIBE:
        _require_current(customer)
    priced = await price_lines(ctx, customer, lines)
    if priced[0].input.kind is not OrderKind.UNSUBSCRIBE:
        await _require_no_arrears(ctx, customer)
    return await _create(ctx, customer, priced, OrderSource.CUSTOMER)


async def _create(
    ctx: ServiceContext, customer: Customer, priced: list[PricedLine], source: OrderSource
) -> Order:
    now = clock.now()
    amounts = totals(priced)
    order = Order(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        kind=priced[0].input.kind,
        status=OrderStatus.PENDING_PAYMENT,
        source=source,
        created_by_user_id=ctx.principal.user_id,
        list_amount=amounts.list_amount,
        discount_amount=amounts.discount_amount,
        coupon_amount=amounts.coupon_amount,
        amount_due=amounts.amount_due,
        close_at=now + timedelta(hours=get_settings().order_close_after_hours),
        created_at=now,
    )
    ctx.session.add(order)
    await ctx.session.flush()
    lines = []
    for p in priced:
        line = OrderLine(
            partner_id=order.partner_id,
            order_id=order.id,
            customer_id=customer.id,
            line_no=p.index + 1,
            kind=p.input.kind,
            product_id=p.product.id if p.product is not None else None,
            resource_id=p.resource.id if p.resource is not None else None,
            quantity=p.input.quantity,
            period_unit=p.input.period_unit,
            period_count=p.input.period_count,
            list_amount=round_cents(p.price.list_amount.value),
            discount_amount=round_cents(p.price.discount_total),
            coupon_amount=round_cents(p.price.coupon_total),
            amount_due=p.price.due.value,
            rules={**p.rules, "downgradeRefund": str(p.downgrade_refund)},
        )
        ctx.session.add(line)
        lines.append(line)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "order.create",
        "Order",
        order.id,
        partner_id=order.partner_id,
        after={
            "customerId": customer.id,
            "kind": order.kind,
            "source": source,
            "amountDue": order.amount_due,
            "lines": len(lines),
        },
    )
    if order.amount_due == 0:
        from app.services.orders.completion import complete

        await complete(ctx, order, lines)
    return order


async def _lock_order(ctx: ServiceContext, order_id: int | None, field: list[Any]) -> Order:
    order = None
    if order_id is not None:
        order = await ctx.session.scalar(
            select(Order)
            .where(visible(ctx.principal, Order), Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", field)
    return order


def require_pending(order: Order, field: list[Any]) -> None:
    status = effective_status(order)
    if status is not OrderStatus.PENDING_PAYMENT:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The order is {status.value}, not awaiting payment.", field
        )


def order_key(order_id: int | None) -> dict[str, Any]:
    """What a one-order mutation's idempotency key is bound to."""
    return {"order": order_id}


async def resolve_order(ctx: ServiceContext, order_id: int | None) -> None:
    """`NOT_FOUND` (storing nothing) unless the caller sees this order."""
    await resolve(ctx, Order, order_id, ["orderId"], "No such order.")


def _require_canceller(ctx: ServiceContext) -> None:
    if ctx.principal.kind is PrincipalKind.PARTNER_USER:
        ctx.principal.require(Permission.PROXY_ORDER)
    elif ctx.principal.kind is not PrincipalKind.CUSTOMER:
        raise PermissionDenied("Only the partner or the customer cancels an order.")


async def _authorize_cancel(ctx: ServiceContext, order_id: int | None) -> None:
    _require_canceller(ctx)
    await resolve_order(ctx, order_id)


@idempotent("cancelOrder", bind=order_key, authorize=_authorize_cancel, ids=ids_of_order)
async def cancel_order(ctx: ServiceContext, order_id: int | None) -> Order:
    """Cancel an unpaid order: the partner (ADMIN, SALES) or the customer itself."""
    _require_canceller(ctx)
    order = await _lock_order(ctx, order_id, ["orderId"])
    require_pending(order, ["orderId"])
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = clock.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        "order.cancel",
        "Order",
        order.id,
        partner_id=order.partner_id,
        before={"status": OrderStatus.PENDING_PAYMENT},
        after={"status": order.status},
    )
    return order


@job("orders.close-unpaid", every=timedelta(minutes=5))
async def close_unpaid_orders(ctx: ServiceContext) -> str:
    """Store CLOSED on orders left unpaid past their `close_at` (reads show it already)."""
    now = clock.now()
    closed = await ctx.session.execute(
        update(Order)
        .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.close_at <= now)
        .values(status=OrderStatus.CLOSED, closed_at=Order.close_at)
        .returning(Order.id, Order.partner_id)
    )
    count = await audit.record_each(
        ctx,
        "order.close",
        "Order",
        closed.all(),
        before={"status": OrderStatus.PENDING_PAYMENT},
        after={"status": OrderStatus.CLOSED},
    )
    return f"{count} unpaid orders closed"


@register_blocker
async def no_orders_awaiting_partner_payment(
    ctx: ServiceContext, customer: Customer, change: AssociationChange
) -> list[DomainError]:
    """No disassociation or switch while the customer waits for its partner to pay."""
    count = await ctx.session.scalar(
        select(func.count()).where(
            Order.partner_id == customer.partner_id,
            Order.customer_id == customer.id,
            awaiting_partner_payment(),
        )
    )
    if not count:
        return []
    return [
        DomainError(
            ErrorCode.ORDERS_AWAITING_PARTNER_PAYMENT,
            f"{count} order(s) of the customer await the partner's payment; pay or reject "
            "them first.",
        )
    ]
