"""Creating an order: the quote's pricing step with the coupons and vouchers locked, the
order and its lines, the coupon shares and holds, and the completion at once when nothing is
due (its coupons used and vouchers redeemed in the same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from app import clock
from app.models import Customer, Order, OrderLine
from app.models.orders.enums import OrderKind, OrderSource, OrderStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.funds.accounts import lock_customer_accounts, lock_partner_account
from app.services.orders import deductions
from app.services.orders.deductions import PricedOrder, price_order
from app.services.orders.lines import LineInput
from app.services.orders.pricing import round_cents
from app.services.orders.quotes import totals
from app.settings import get_settings


async def price_for_creation(
    ctx: ServiceContext,
    customer: Customer,
    lines: Sequence[LineInput],
    coupon_ids: Sequence[int | None],
) -> PricedOrder:
    """The quote's pricing step, with the coupons and vouchers locked in the lock order:
    (the partner account when a CHANGE_SPEC may refund it at once), the customer's account,
    then coupons by id, then vouchers by id -- so two orders racing for one coupon
    serialize and the second sees the first's hold (COUPON_HELD)."""
    if coupon_ids or any(line.pickup_voucher_id is not None for line in lines):
        if lines and lines[0].kind is OrderKind.CHANGE_SPEC:
            await lock_partner_account(ctx.session, customer.partner_id)
        await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id])
        return await price_order(ctx, customer, lines, coupon_ids, lock=True)
    return await price_order(ctx, customer, lines)


async def create(
    ctx: ServiceContext, customer: Customer, priced_order: PricedOrder, source: OrderSource
) -> Order:
    now = clock.now()
    priced = priced_order.lines
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
    held = deductions.take(ctx, order, lines, priced_order)
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
            "couponIds": [c.coupon.id for c in priced_order.coupons],
            "couponAmount": order.coupon_amount,
            "pickupVoucherIds": [v.id for v in priced_order.vouchers.values()],
        },
    )
    if order.amount_due == 0:
        from app.services.orders.completion import complete

        # Nothing to pay: the coupons are used and the vouchers redeemed at once.
        await deductions.spend(ctx.session, order, lines, held, ["lines"])
        await complete(ctx, order, lines)
    return order
