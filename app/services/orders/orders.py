"""Orders (代客户下单): quote, create (proxy or the customer's own), cancel, close, read.

States (DOMAIN.md > Orders): PENDING_PAYMENT -> PAID -> COMPLETED, provisioning in the
payment's transaction (so a paid order reads COMPLETED with `paidAt`); PENDING_PAYMENT ->
CANCELLED (by the partner or the customer) | CLOSED (unpaid `order_close_after_hours` after
creation: read so at once, stored by the `orders.close-unpaid` job). An order with nothing
due (an UNSUBSCRIBE, on-demand products, a downgrade) completes at creation.
Payments, refunds and completion live in `app.services.orders.payments`; writing a new order
in `creation`, its coupons and pickup vouchers (the shared pricing step, holds, use at
payment, release) in `deductions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from app import clock
from app.models import Customer, Order, Partner
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
from app.services.coupons.order_coupons import check_ids as check_coupon_ids
from app.services.coupons.order_coupons import release_lapsed as release_lapsed_holds
from app.services.funds.accounts import get_customer_positions
from app.services.lifecycle.association_rules import AssociationChange, register_blocker
from app.services.lifecycle.authorizations import require_authorization
from app.services.orders import deductions
from app.services.orders.creation import create, price_for_creation
from app.services.orders.deductions import price_order
from app.services.orders.lines import LineInput, price_lines
from app.services.orders.proxy_scopes import PERMISSION_BY_KIND, SCOPES_BY_KIND, proxy_kind
from app.services.orders.quotes import Quote, Totals, totals  # noqa: F401 (re-exported)
from app.services.partners.partners import require_certified

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


async def quote(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
) -> Quote:
    """Price `lines` (with their pickup vouchers) and `coupon_ids` for a customer the caller
    may see, exactly as creating the order would; writes nothing and holds nothing."""
    if ctx.principal.kind is PrincipalKind.PARTNER_USER:
        ctx.principal.require(Permission.READ)
    customer = await _customer(ctx, customer_id)
    priced = await price_order(ctx, customer, lines, coupon_ids)
    return Quote(customer, priced.lines, totals(priced.lines), priced.coupons)


def _create_key(
    customer_id: int | None, lines: Sequence[LineInput], coupon_ids: Sequence[int | None] = ()
) -> dict[str, Any]:
    check_coupon_ids(coupon_ids)
    return {
        "customer": customer_id,
        "lines": [line.key() for line in lines],
        "coupons": list(coupon_ids),
    }


async def _authorize_proxy(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
) -> None:
    ctx.principal.require(PERMISSION_BY_KIND[proxy_kind(lines)])
    customer = await _customer(ctx, customer_id)
    ctx.principal.require_acting_for(customer.account_manager_id)
    await price_lines(ctx, customer, lines)
    await deductions.resolve_ids(ctx, customer, lines, coupon_ids)


async def _authorize_own(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
) -> None:
    ctx.principal.require_customer()
    await _check_lines(ctx, customer_id, lines, coupon_ids)


async def _check_lines(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
) -> None:
    """An order's input: a customer the caller sees, lines naming products and resources
    that exist, in a valid shape (the checks of `price_lines`), and coupons and vouchers of
    that customer (reads only)."""
    customer = await _customer(ctx, customer_id)
    await price_lines(ctx, customer, lines)
    await deductions.resolve_ids(ctx, customer, lines, coupon_ids)


def ids_of_order(order: Order) -> dict[str, int | None]:
    """What an order mutation's idempotency key stores: the order's id."""
    return {"order": order.id}


@idempotent("createProxyOrder", bind=_create_key, authorize=_authorize_proxy, ids=ids_of_order)
async def create_proxy_order(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
) -> Order:
    """Order for a RESELLER customer (SALES for the customers it manages, ADMIN).

    Needs an active authorization (`AUTHORIZATION_REQUIRED`): PROXY_ORDER to order NEW
    resources or CHANGE_SPEC, PROXY_ORDER or OPERATIONS to RENEW or UNSUBSCRIBE an existing
    one (`SCOPES_BY_KIND`); a certified partner (`PARTNER_NOT_CERTIFIED`) and, except to
    unsubscribe, no arrears (`ARREARS`). Coupons and pickup vouchers: see `deductions`.
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
    priced = await price_for_creation(ctx, customer, lines, coupon_ids)
    if priced.lines[0].input.kind is not OrderKind.UNSUBSCRIBE:
        await _require_no_arrears(ctx, customer)
    return await create(ctx, customer, priced, OrderSource.PROXY)


@idempotent("createOrder", bind=_create_key, authorize=_authorize_own, ids=ids_of_order)
async def create_order(
    ctx: ServiceContext,
    customer_id: int | None,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None] = (),
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
    priced = await price_for_creation(ctx, customer, lines, coupon_ids)
    if priced.lines[0].input.kind is not OrderKind.UNSUBSCRIBE:
        await _require_no_arrears(ctx, customer)
    return await create(ctx, customer, priced, OrderSource.CUSTOMER)


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
    """Cancel an unpaid order: the partner (ADMIN, SALES) or the customer itself. Its
    coupons and pickup vouchers are released (locked first, in the lock order)."""
    _require_canceller(ctx)
    partner_id = (
        await ctx.session.scalar(
            select(Order.partner_id).where(visible(ctx.principal, Order), Order.id == order_id)
        )
        if order_id is not None
        else None
    )
    if partner_id is not None:
        await deductions.lock_held(ctx.session, partner_id, [order_id])
    order = await _lock_order(ctx, order_id, ["orderId"])
    require_pending(order, ["orderId"])
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = clock.now()
    await ctx.session.flush()
    await deductions.release(ctx.session, order)
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
    """Store CLOSED on orders left unpaid past their `close_at` (reads show it already),
    after clearing the holds they had on coupons and vouchers (lapsed with them; coupons and
    vouchers are locked before orders, the lock order)."""
    now = clock.now()
    await release_lapsed_holds(ctx.session, now)
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
