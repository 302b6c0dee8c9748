"""Refunds in the consumption data: the negative line that reverses what a refund gave back.

Registered on the Orders' `on_order_refunded` hook (see `app.services.consumption.orders`). A
refunded yearly/monthly order keeps its own line, untouched (its cycle may be FINAL by now);
each refund (an unsubscribe's full or pro-rata refund, or a downgrade's difference) adds one
`REFUND` line:

- in the cycle open when the money came back, dated that business day -- never in the
  refunded line's cycle, whose numbers may be final;
- naming the refunded order (`order_id`), its resource and product, and the cycle and day of
  the line it reverses (`corrects_cycle`, `corrects_day`);
- for the partner that owns the refunded order (also after the customer left it) and the
  customer it was bought for;
- with `amount_due = cash_paid = -refund` (the money went back in cash, to whoever paid), and
  the list amount, coupon deduction and usage of the refunded line scaled by the refunded
  share of its due (`refund / line due`), the discount taking up the remainder so that
  `list - discount - coupon = due` holds on the line. A full refund of a one-unit line is the
  exact negative of the order's line.

So a cycle's summaries net to what was finally paid, and `consumption verify` finds every
refund posting of the ledger in the details.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.models import (
    ConsumptionDetail,
    Order,
    OrderLine,
    OrderRefund,
    Product,
    Resource,
)
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import business_day, current_cycle, cycle_of, round8, today
from app.services.consumption.rollups import apply, delta_of
from app.services.core.context import ServiceContext

ORDER_LINE_KINDS = (DetailKind.PREPAID, DetailKind.CORRECTION)


async def _reversed_line(ctx: ServiceContext, paid: Order) -> tuple[str, object]:
    """The cycle and day of the refunded order's own line (its payment day without one)."""
    row = (
        await ctx.session.execute(
            select(ConsumptionDetail.bill_cycle, ConsumptionDetail.day)
            .where(
                ConsumptionDetail.partner_id == paid.partner_id,
                ConsumptionDetail.order_id == paid.id,
                ConsumptionDetail.kind.in_(ORDER_LINE_KINDS),
            )
            .order_by(ConsumptionDetail.id)
            .limit(1)
        )
    ).first()
    if row is not None:
        return row.bill_cycle, row.day
    assert paid.paid_at is not None
    day = business_day(paid.paid_at)
    return cycle_of(day), day


async def record_refund_consumption(
    ctx: ServiceContext, refund: OrderRefund, paid: Order, line: OrderLine
) -> ConsumptionDetail:
    """Write the negative line of `refund` (of `paid`'s `line`) and fold it into the rollups."""
    session = ctx.session
    if line.product_id is not None:
        product = await session.get(Product, line.product_id)
        assert product is not None
        service_type, region, product_id = product.service_type, product.region, product.id
    else:
        resource = await session.get(Resource, (refund.partner_id, refund.resource_id))
        assert resource is not None
        service_type, region, product_id = (
            resource.service_type,
            resource.region,
            resource.product_id,
        )
    corrects_cycle, corrects_day = await _reversed_line(ctx, paid)
    share = refund.amount / line.amount_due
    due = (-refund.amount).quantize(ZERO8)
    list_amount = -round8(line.list_amount * share)
    coupon = -round8(line.coupon_amount * share)
    discount = list_amount - coupon - due
    now = clock.now()
    detail = ConsumptionDetail(
        partner_id=paid.partner_id,
        bill_cycle=current_cycle(),
        day=today(),
        kind=DetailKind.REFUND,
        customer_id=paid.customer_id,
        resource_id=refund.resource_id,
        product_id=product_id,
        order_id=paid.id,
        service_type=service_type,
        region=region,
        billing_mode=BillingMode.YEARLY_MONTHLY,
        usage=-round8(share),
        unit="order",
        unit_price=None,
        list_amount=list_amount,
        discount=discount,
        coupon=coupon,
        cash_paid=due,
        credit_paid=ZERO8,
        amount_due=due,
        corrects_cycle=corrects_cycle,
        corrects_day=corrects_day,
        created_at=now,
        updated_at=now,
    )
    session.add(detail)
    await session.flush()
    sums: dict[str, Decimal] = {
        "usage": detail.usage,
        "list_amount": list_amount,
        "discount": discount,
        "coupon": coupon,
        "cash_paid": due,
        "amount_due": due,
    }
    await apply(session, [delta_of(detail, True, **sums)])
    return detail
