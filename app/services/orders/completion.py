"""Completing an order: provisioning, extending, changing or releasing resources, and the
refunds an unsubscribe or a downgrade gives back -- in the transaction of the payment (or of
the creation, when nothing is due).

A refund goes back to whoever paid the refunded order (PARTNER_REFUND: platform.revenue -X,
partner.allocatable +X, refilling the recharges it was drawn from; CUSTOMER_REFUND:
platform.revenue -X, customer.balance +X) -- to the partner that owns the order even after the
customer left it. Each refund is one ledger transaction, i.e. one statement line, whose
reference is `Order:<id of the refunded order>`. Each refund also runs the `on_order_refunded`
hooks (Consumption writes the negative line that reverses the refunded part of the order).

The paid time of a resource is the list of completed lines that bought it (`term_start`,
`term_end`, the line's due split over its quantity); an unsubscribe refunds each of them with
`pricing.refund_amount` less what was already refunded of it, so a refund never exceeds what
was paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import or_, select

from app import clock
from app.clock import add_months
from app.models import Order, OrderLine, OrderRefund, Product, Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.models.orders.enums import OrderKind, OrderPayer, OrderStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.funds import ledger, recharge_pool
from app.services.funds.accounts import lock_customer_accounts, lock_partner_account
from app.services.funds.credit import track_arrears
from app.services.funds.ledger import Leg
from app.services.orders.hooks import order_completed, order_refunded
from app.services.orders.lines import LineInput, months_of
from app.services.orders.pricing import ZERO, RefundTerm, refund_amount, round_cents
from app.settings import get_settings


async def complete(ctx: ServiceContext, order: Order, lines: Sequence[OrderLine]) -> None:
    """Provision or extend the resources, give back what an unsubscribe or downgrade frees,
    mark the order COMPLETED and run the `on_order_completed` hooks."""
    now = clock.now()
    if order.kind in (OrderKind.UNSUBSCRIBE, OrderKind.CHANGE_SPEC):
        # Refunds may credit either account: take both locks before the resources' rows, in
        # the global order (a no-op when the payment already holds them).
        await lock_partner_account(ctx.session, order.partner_id)
        await lock_customer_accounts(ctx.session, order.partner_id, [order.customer_id])
    for line in lines:
        if line.kind is OrderKind.NEW:
            await _provision(ctx, order, line)
            continue
        resource = await ctx.session.scalar(
            select(Resource)
            .where(Resource.partner_id == order.partner_id, Resource.id == line.resource_id)
            .with_for_update()
        )
        assert resource is not None
        if line.kind is OrderKind.RENEW:
            start = max(resource.expires_at or now, now)
            end = add_months(start, months_of(_input(line)))
            line.term_start, line.term_end = start, end
            resource.expires_at = end
            if resource.status is not ResourceStatus.DELETED:
                resource.status = ResourceStatus.ACTIVE
        elif line.kind is OrderKind.CHANGE_SPEC:
            downgrade = Decimal(line.rules.get("downgradeRefund", "0"))
            if downgrade > 0:
                await _refund_downgrade(ctx, order, resource, downgrade)
            product = await ctx.session.get(Product, line.product_id)
            assert product is not None
            resource.product_id = product.id
            resource.spec = product.spec
            line.term_start, line.term_end = now, resource.expires_at
        else:
            await _refund_unused(ctx, order, resource)
            resource.status = ResourceStatus.DELETED
    order.status = OrderStatus.COMPLETED
    order.completed_at = now
    await ctx.session.flush()
    await order_completed(ctx, order, lines)


def _input(line: OrderLine) -> LineInput:
    return LineInput(
        line.kind,
        line.product_id,
        line.resource_id,
        line.quantity,
        line.period_unit,
        line.period_count,
    )


async def _provision(ctx: ServiceContext, order: Order, line: OrderLine) -> None:
    product = await ctx.session.get(Product, line.product_id)
    assert product is not None
    now = clock.now()
    prepaid = product.billing_mode is BillingMode.YEARLY_MONTHLY
    expires = add_months(now, months_of(_input(line))) if prepaid else None
    line.term_start, line.term_end = now, expires
    for k in range(line.quantity):
        resource = Resource(
            partner_id=order.partner_id,
            customer_id=order.customer_id,
            name=f"{product.service_type.value.lower()}-{order.id}-{line.line_no}-{k + 1}",
            service_type=product.service_type,
            region=product.region,
            spec=product.spec,
            billing_mode=product.billing_mode,
            status=ResourceStatus.ACTIVE,
            created_at=now,
            expires_at=expires,
            order_id=order.id,
            order_line_id=line.id,
            product_id=product.id,
        )
        ctx.session.add(resource)
        await ctx.session.flush()
        if line.quantity == 1:
            line.resource_id = resource.id


async def _terms(
    ctx: ServiceContext, resource: Resource
) -> list[tuple[RefundTerm, Order, OrderLine]]:
    """The paid time bought for `resource`, oldest first, with the order and line that paid it."""
    rows = (
        await ctx.session.execute(
            select(OrderLine, Order)
            .join(
                Order, (Order.partner_id == OrderLine.partner_id) & (Order.id == OrderLine.order_id)
            )
            .where(
                OrderLine.partner_id == resource.partner_id,
                or_(
                    OrderLine.id == resource.order_line_id,
                    (OrderLine.resource_id == resource.id)
                    & OrderLine.kind.in_([OrderKind.RENEW, OrderKind.CHANGE_SPEC]),
                ),
                Order.status == OrderStatus.COMPLETED,
                Order.payer.is_not(None),
                OrderLine.amount_due > 0,
                OrderLine.term_start.is_not(None),
                OrderLine.term_end.is_not(None),
            )
            .order_by(OrderLine.term_start, OrderLine.id)
        )
    ).all()
    return [
        (
            RefundTerm(
                amount=line.amount_due / line.quantity,
                start=line.term_start,
                end=line.term_end,
                paid_at=order.paid_at,
            ),
            order,
            line,
        )
        for line, order in rows
    ]


async def _already_refunded(ctx: ServiceContext, order: Order, resource: Resource) -> Decimal:
    amounts = await ctx.session.scalars(
        select(OrderRefund.amount).where(
            OrderRefund.partner_id == order.partner_id,
            OrderRefund.refunded_order_id == order.id,
            OrderRefund.resource_id == resource.id,
        )
    )
    return sum(amounts, ZERO)


async def _refundable(
    ctx: ServiceContext, term: RefundTerm, paid: Order, resource: Resource
) -> tuple[Decimal, str]:
    days = get_settings().unsubscribe_full_refund_days
    due = refund_amount(term, clock.now(), days)
    left = round_cents(term.amount) - await _already_refunded(ctx, paid, resource)
    return max(min(due.value, left), ZERO), due.rule


async def _refund_unused(ctx: ServiceContext, order: Order, resource: Resource) -> None:
    """Unsubscribe: each paid term gives back its refund (full within the setting's days of
    its payment, else the unused part pro rata), to whoever paid it."""
    for term, paid, line in await _terms(ctx, resource):
        amount, rule = await _refundable(ctx, term, paid, resource)
        if amount > 0:
            await _refund(ctx, order, (paid, line), resource, amount, rule)


async def _refund_downgrade(
    ctx: ServiceContext, order: Order, resource: Resource, exact: Decimal
) -> None:
    """A downgrade's difference goes back against the latest paid term, at most what is
    still unused of it (rounded once)."""
    terms = await _terms(ctx, resource)
    if not terms:
        return
    term, paid, line = terms[-1]
    cap, _ = await _refundable(ctx, term, paid, resource)
    amount = min(round_cents(exact), cap)
    if amount > 0:
        rule = "DOWNGRADE_REFUND: price difference"
        await _refund(ctx, order, (paid, line), resource, amount, rule)


async def _refund(
    ctx: ServiceContext,
    order: Order,
    bought: tuple[Order, OrderLine],
    resource: Resource,
    amount: Decimal,
    rule: str,
) -> None:
    """Give `amount` back to whoever paid `bought` (the paid order and its line)."""
    session = ctx.session
    paid, line = bought
    reference = f"Order:{paid.id}"
    if paid.payer is OrderPayer.PARTNER:
        account = await lock_partner_account(session, paid.partner_id)
        await recharge_pool.refill(session, paid.partner_id, amount)
        transaction = await ledger.post(
            session,
            partner_id=paid.partner_id,
            kind=LedgerKind.PARTNER_REFUND,
            reference=reference,
            legs=[
                Leg(LedgerAccount.PLATFORM_REVENUE, -amount),
                Leg(LedgerAccount.PARTNER_ALLOCATABLE, amount),
            ],
            partner=account,
        )
    else:
        customer_account = (
            await lock_customer_accounts(session, paid.partner_id, [paid.customer_id])
        )[paid.customer_id]
        transaction = await ledger.post(
            session,
            partner_id=paid.partner_id,
            kind=LedgerKind.CUSTOMER_REFUND,
            reference=reference,
            legs=[
                Leg(LedgerAccount.PLATFORM_REVENUE, -amount),
                Leg(LedgerAccount.CUSTOMER_BALANCE, amount, customer_account),
            ],
        )
        track_arrears(customer_account)
    refund = OrderRefund(
        partner_id=paid.partner_id,
        order_id=order.id,
        refunded_order_id=paid.id,
        customer_id=paid.customer_id,
        resource_id=resource.id,
        payee=paid.payer,
        amount=amount,
        rule=rule[:200],
        transaction_id=transaction.id,
        transaction_no=ledger.transaction_number(transaction),
        created_at=clock.now(),
    )
    session.add(refund)
    order.refund_amount = order.refund_amount + amount
    await session.flush()
    await audit.record(
        ctx,
        "order.refund",
        "OrderRefund",
        refund.id,
        partner_id=paid.partner_id,
        after={"refundedOrderId": paid.id, "payee": paid.payer, "amount": amount},
    )
    await order_refunded(ctx, refund, paid, line)
