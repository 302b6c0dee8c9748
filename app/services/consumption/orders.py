"""Paid yearly/monthly orders in the consumption data (wired to Orders' completion hook).

When an order completes after being paid, each of its paid lines becomes one consumption detail
of the cycle it was paid in (DOMAIN.md > Consumption: "one per order for yearly/monthly"), with
its list amount, discount, coupon deduction and amount due, all paid in cash by whoever paid the
order. Nothing is charged here: the payment already moved the money. Orders with nothing due
(unsubscriptions, on-demand products, downgrades) add no line of their own, except the lines
coupons or pickup vouchers paid (in full or in part): they are a purchase too, recorded when the
order completes, with the deduction in `coupon` and nothing in cash, so the consumption data
shows what the customer got and what the coupons paid. Each refund they give back adds the
negative `REFUND` line that reverses the refunded part of the paid order
(`app.services.consumption.refunds`).
"""

from __future__ import annotations

from collections.abc import Sequence

from app import clock
from app.models import Order, OrderLine, OrderRefund, Product
from app.models.orders.enums import OrderKind, OrderPayer, OrderSource
from app.services.consumption.prepaid import record_prepaid_consumption
from app.services.consumption.refunds import record_refund_consumption
from app.services.core.context import ServiceContext
from app.services.orders.hooks import on_order_completed, on_order_refunded


@on_order_completed
async def record_paid_order_lines(
    ctx: ServiceContext, order: Order, lines: Sequence[OrderLine]
) -> None:
    if (order.paid_at is None or order.payer is None) and order.coupon_amount <= 0:
        return
    # An order the coupons paid in full completed at creation, with no payment of its own: it
    # is booked when it completed, for whoever would have paid it.
    paid_at = order.paid_at or order.completed_at or clock.now()
    payer = order.payer or (
        OrderPayer.PARTNER if order.source is OrderSource.PROXY else OrderPayer.CUSTOMER
    )
    for line in lines:
        if line.kind is OrderKind.UNSUBSCRIBE or (line.amount_due <= 0 and line.coupon_amount <= 0):
            continue
        product = await ctx.session.get(Product, line.product_id) if line.product_id else None
        # The line's due was rounded once after its deductions; what that rounding (or the
        # floor at zero) moved counts as discount so the detail's own identity holds.
        discount = line.list_amount - line.coupon_amount - line.amount_due
        await record_prepaid_consumption(
            ctx,
            partner_id=order.partner_id,
            customer_id=order.customer_id,
            resource_id=line.resource_id,
            product_id=line.product_id,
            order_id=order.id,
            paid_at=paid_at,
            list_amount=line.list_amount,
            discount=discount,
            coupon=line.coupon_amount,
            amount_due=line.amount_due,
            paid_by=payer.value,
            service_type=product.service_type if product else None,
            region=product.region if product else None,
        )


@on_order_refunded
async def record_refund_line(
    ctx: ServiceContext, refund: OrderRefund, paid: Order, line: OrderLine
) -> None:
    await record_refund_consumption(ctx, refund, paid, line)
