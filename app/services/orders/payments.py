"""Paying orders and partner-paid requests (代付); completion lives in `order_completion`.

Money follows DOMAIN.md's posting table: the partner pays (PARTNER_ORDER_PAYMENT:
partner.allocatable -X, platform.revenue +X, drawn FIFO from its recharges), the customer pays
(CUSTOMER_ORDER_PAYMENT through `credit.charge`: cash, then credit), and a refund goes back to
whoever paid the refunded order (PARTNER_REFUND: revenue -X, allocatable +X, refilling the
recharges; CUSTOMER_REFUND: revenue -X, customer.balance +X) -- to the partner that owns the
order even after the customer left it. Each refund is one ledger transaction, i.e. one line on
the statement, whose reference is `Order:<id of the refunded order>`.

Lock order (DESIGN.md > Storage): the partner account, then customer accounts by id, then
the orders' coupons by id and pickup vouchers by id, then orders by id. A paid order is paid
exactly once: payers lock the order row and re-read its status, and `order_payments.order_id`
is unique. The payment uses the order's coupons (their usages, source ORDER) and redeems its
vouchers in the same transaction (`deductions.spend`), so a coupon is used once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import (
    Customer,
    LedgerTransaction,
    Order,
    OrderLine,
    OrderPayment,
    Partner,
)
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.models.orders.enums import (
    OrderKind,
    OrderPayer,
    OrderSource,
    OrderStatus,
    PartnerPaymentStatus,
)
from app.services.core import audit
from app.services.core.bulk import BulkResult, each_item
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import visible
from app.services.funds import ledger, recharge_pool
from app.services.funds.accounts import (
    CustomerPosition,
    lock_customer_accounts,
    lock_partner_account,
)
from app.services.funds.credit import charge
from app.services.funds.ledger import Leg
from app.services.orders import deductions
from app.services.orders.completion import complete
from app.services.orders.deductions import Held
from app.services.orders.orders import (
    awaits_partner_payment,
    ids_of_order,
    order_key,
    require_pending,
    resolve_order,
)
from app.services.partners.partners import require_certified

MAX_BATCH = 50


def check_batch(order_ids: Sequence[int | None]) -> None:
    """1 to 50 orders, none twice (input validation: a refusal stores no idempotency key)."""
    if not 1 <= len(order_ids) <= MAX_BATCH:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Give 1 to {MAX_BATCH} orders at once.",
            ["orderIds"],
        )
    known = [i for i in order_ids if i is not None]
    if len(set(known)) != len(known):
        raise DomainError(ErrorCode.INVALID_INPUT, "An order appears twice.", ["orderIds"])


async def _lock_orders(ctx: ServiceContext, order_ids: Sequence[int | None]) -> dict[int, Order]:
    ids = sorted({i for i in order_ids if i is not None})
    rows = await ctx.session.scalars(
        select(Order)
        .where(visible(ctx.principal, Order), Order.id.in_(ids))
        .order_by(Order.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {o.id: o for o in rows}


async def _lines(ctx: ServiceContext, order: Order) -> list[OrderLine]:
    return list(
        await ctx.session.scalars(
            select(OrderLine)
            .where(OrderLine.partner_id == order.partner_id, OrderLine.order_id == order.id)
            .order_by(OrderLine.line_no)
        )
    )


async def _authorize_funds(ctx: ServiceContext, *_: Any, **__: Any) -> None:
    # A batch's items are its execution: an unknown order is that item's stored outcome.
    ctx.principal.require(Permission.FUNDS)


async def _authorize_customer(ctx: ServiceContext, order_id: int | None) -> None:
    ctx.principal.require_customer()
    await resolve_order(ctx, order_id)


def _batch_key(order_ids: Sequence[int | None]) -> dict[str, Any]:
    check_batch(order_ids)
    return {"orders": list(order_ids)}


@idempotent("payOrders", bind=_batch_key, authorize=_authorize_funds, ids=BulkResult.stored)
async def pay_orders(ctx: ServiceContext, order_ids: Sequence[int | None]) -> BulkResult:
    """The partner pays orders from its account (FINANCE, ADMIN; up to 50 at once).

    NOT all-or-nothing: each order is paid, or refused with its own error at
    `["orderIds", i]`, in its own savepoint, independently of the others (in the order
    given, so when the balance runs out the later ones are refused). A proxy order, or a
    customer's order whose payment the customer asked for, may be paid; the amount must be
    within the allocatable balance (which is within the account balance) --
    `INSUFFICIENT_BALANCE`. Refusals of the whole call (a lapsed certification) raise.
    """
    ctx.principal.require(Permission.FUNDS)
    check_batch(order_ids)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    partner = await ctx.session.get(Partner, partner_id)
    require_certified(partner, "it cannot pay orders")
    account = await lock_partner_account(ctx.session, partner_id)
    # Customer accounts before orders (a downgrade's refund may credit a customer).
    customer_ids = await ctx.session.scalars(
        select(Order.customer_id).where(
            visible(ctx.principal, Order), Order.id.in_([i for i in order_ids if i is not None])
        )
    )
    customer_ids = list(set(customer_ids))
    await lock_customer_accounts(ctx.session, partner_id, customer_ids)
    held = await deductions.lock_held(ctx.session, partner_id, order_ids)
    ended = set(
        await ctx.session.scalars(
            select(Customer.id).where(
                Customer.partner_id == partner_id,
                Customer.id.in_(customer_ids),
                Customer.ended_at.is_not(None),
            )
        )
    )
    orders = await _lock_orders(ctx, order_ids)

    async def pay(index: int, order_id: int | None) -> int:
        field: list[Any] = ["orderIds", index]
        order = orders.get(order_id) if order_id is not None else None
        if order is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such order.", field)
        require_pending(order, field)
        if order.customer_id in ended:
            raise DomainError(
                ErrorCode.ASSOCIATION_ENDED,
                "The customer's association has ended; its open orders cannot be paid.",
                field,
            )
        if (
            order.source is not OrderSource.PROXY
            and order.partner_payment_status is not PartnerPaymentStatus.REQUESTED
        ):
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "The customer has not asked its partner to pay this order.",
                field,
            )
        if order.amount_due > account.allocatable:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The allocatable balance is {account.allocatable}; the order needs "
                f"{order.amount_due}.",
                field,
            )
        await _partner_pays(ctx, account, order, held, field)
        return order.id

    async def reread_account() -> None:
        await ctx.session.refresh(account)

    return BulkResult(items=await each_item(ctx, order_ids, pay, reread_account))


async def _partner_pays(
    ctx: ServiceContext, account: Any, order: Order, held: Held, field: list[Any]
) -> None:
    amount = order.amount_due
    await recharge_pool.draw(ctx.session, order.partner_id, amount)
    transaction = await ledger.post(
        ctx.session,
        partner_id=order.partner_id,
        kind=LedgerKind.PARTNER_ORDER_PAYMENT,
        reference=f"Order:{order.id}",
        legs=[
            Leg(LedgerAccount.PARTNER_ALLOCATABLE, -amount),
            Leg(LedgerAccount.PLATFORM_REVENUE, amount),
        ],
        partner=account,
    )
    if order.partner_payment_status is PartnerPaymentStatus.REQUESTED:
        order.partner_payment_status = PartnerPaymentStatus.PAID
    await _record_payment(ctx, order, OrderPayer.PARTNER, transaction, held, field)


async def _record_payment(
    ctx: ServiceContext,
    order: Order,
    payer: OrderPayer,
    transaction: LedgerTransaction | None,
    held: Held,
    field: list[Any],
) -> None:
    now = clock.now()
    lines = await _lines(ctx, order)
    await deductions.spend(ctx.session, order, lines, held, field)
    ctx.session.add(
        OrderPayment(
            partner_id=order.partner_id,
            order_id=order.id,
            customer_id=order.customer_id,
            payer=payer,
            amount=order.amount_due,
            transaction_id=transaction.id if transaction else None,
            transaction_no=ledger.transaction_number(transaction) if transaction else "",
            paid_by_user_id=ctx.principal.user_id,
            created_at=now,
        )
    )
    order.payer = payer
    order.paid_at = now
    order.status = OrderStatus.PAID
    await ctx.session.flush()
    await audit.record(
        ctx,
        "order.pay",
        "Order",
        order.id,
        partner_id=order.partner_id,
        before={"status": OrderStatus.PENDING_PAYMENT},
        after={"status": OrderStatus.PAID, "payer": payer, "amount": order.amount_due},
    )
    await complete(ctx, order, lines)


@idempotent("payOrder", bind=order_key, authorize=_authorize_customer, ids=ids_of_order)
async def pay_order(ctx: ServiceContext, order_id: int | None) -> Order:
    """The customer pays its own order from its account (cash, then credit).

    Not while the order awaits its partner's payment (after a rejection it may);
    `INSUFFICIENT_BALANCE` unless balance + credit limit covers the amount.
    """
    ctx.principal.require_customer()
    field: list[Any] = ["orderId"]
    found = None
    if order_id is not None:
        found = (
            await ctx.session.execute(
                select(Order.partner_id, Order.customer_id, Order.kind).where(
                    visible(ctx.principal, Order), Order.id == order_id
                )
            )
        ).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", field)
    customer = await ctx.session.get(Customer, (found.partner_id, found.customer_id))
    assert customer is not None
    if found.kind is OrderKind.CHANGE_SPEC:
        # A downgrade line may refund the partner: its account is locked first, as everywhere.
        await lock_partner_account(ctx.session, customer.partner_id)
    account = (await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    held = await deductions.lock_held(ctx.session, customer.partner_id, [order_id])
    order = (await _lock_orders(ctx, [order_id]))[order_id]  # type: ignore[index]
    require_pending(order, field)
    if customer.ended_at is not None:
        raise DomainError(ErrorCode.ASSOCIATION_ENDED, "The association has ended.", field)
    if order.partner_payment_status is PartnerPaymentStatus.REQUESTED:
        raise DomainError(
            ErrorCode.INVALID_STATE, "The order awaits your partner's payment.", field
        )
    available = CustomerPosition(account.balance, account.credit_limit).available
    if order.amount_due > available:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            f"Balance and credit cover {available}; the order needs {order.amount_due}.",
            field,
        )
    reference = f"Order:{order.id}"
    await charge(
        ctx, customer, order.amount_due, kind=LedgerKind.CUSTOMER_ORDER_PAYMENT, reference=reference
    )
    transaction = await ctx.session.scalar(
        select(LedgerTransaction)
        .where(
            LedgerTransaction.partner_id == order.partner_id,
            LedgerTransaction.reference == reference,
            LedgerTransaction.kind == LedgerKind.CUSTOMER_ORDER_PAYMENT,
        )
        .order_by(LedgerTransaction.id.desc())
        .limit(1)
    )
    await _record_payment(ctx, order, OrderPayer.CUSTOMER, transaction, held, field)
    return order


@idempotent(
    "requestPartnerPayment", bind=order_key, authorize=_authorize_customer, ids=ids_of_order
)
async def request_partner_payment(ctx: ServiceContext, order_id: int | None) -> Order:
    """The customer asks its partner to pay an unpaid order (again after a rejection)."""
    ctx.principal.require_customer()
    field: list[Any] = ["orderId"]
    order = (await _lock_orders(ctx, [order_id])).get(order_id) if order_id else None  # type: ignore[arg-type]
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such order.", field)
    require_pending(order, field)
    customer = await ctx.session.get(Customer, (order.partner_id, order.customer_id))
    if customer is None or customer.ended_at is not None:
        raise DomainError(ErrorCode.ASSOCIATION_ENDED, "The association has ended.", field)
    if order.partner_payment_status is PartnerPaymentStatus.REQUESTED:
        raise DomainError(ErrorCode.INVALID_STATE, "The partner was already asked.", field)
    before = order.partner_payment_status
    order.partner_payment_status = PartnerPaymentStatus.REQUESTED
    order.partner_payment_requested_at = clock.now()
    order.partner_payment_rejected_at = None
    order.partner_payment_reject_reason = ""
    await ctx.session.flush()
    await audit.record(
        ctx,
        "order.request_partner_payment",
        "Order",
        order.id,
        partner_id=order.partner_id,
        before={"partnerPayment": before},
        after={"partnerPayment": order.partner_payment_status},
    )
    return order


def _reject_key(order_ids: Sequence[int | None], reason: str) -> dict[str, Any]:
    check_reason(reason)
    return {**_batch_key(order_ids), "reason": reason}


@idempotent(
    "rejectPartnerPayment", bind=_reject_key, authorize=_authorize_funds, ids=BulkResult.stored
)
async def reject_partner_payment(
    ctx: ServiceContext, order_ids: Sequence[int | None], reason: str
) -> BulkResult:
    """The partner declines to pay customers' requests (FINANCE, ADMIN; up to 50), each on
    its own like `pay_orders`; the customer may then pay itself."""
    ctx.principal.require(Permission.FUNDS)
    reason = check_reason(reason)
    check_batch(order_ids)
    orders = await _lock_orders(ctx, order_ids)

    async def reject(index: int, order_id: int | None) -> int:
        field: list[Any] = ["orderIds", index]
        order = orders.get(order_id) if order_id is not None else None
        if order is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such order.", field)
        if not awaits_partner_payment(order):
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "The order does not await the partner's payment.",
                field,
            )
        order.partner_payment_status = PartnerPaymentStatus.REJECTED
        order.partner_payment_rejected_at = clock.now()
        order.partner_payment_reject_reason = reason
        await ctx.session.flush()
        await audit.record(
            ctx,
            "order.reject_partner_payment",
            "Order",
            order.id,
            partner_id=order.partner_id,
            before={"partnerPayment": PartnerPaymentStatus.REQUESTED},
            after={"partnerPayment": order.partner_payment_status, "reason": reason},
        )
        return order.id

    return BulkResult(items=await each_item(ctx, order_ids, reject))
