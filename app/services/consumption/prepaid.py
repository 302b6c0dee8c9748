"""Consumption entry points other domains call: prepaid (yearly/monthly) order lines.

`record_prepaid_consumption` is registered on the Orders' `on_order_completed` hook: the
order's payment already moved the money, so it writes the detail line and its rollups and
charges nothing. The line is dated on the business day of `paid_at`, in that day's cycle (or,
if that cycle is closed, in the current cycle as a correction pointing at it).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.models import BillCycle, ConsumptionDetail, Resource
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import business_day, current_cycle, cycle_of, today
from app.services.consumption.rollups import apply, delta_of
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode

PAID_BY = ("PARTNER", "CUSTOMER")


async def record_prepaid_consumption(
    ctx: ServiceContext,
    *,
    customer_id: int,
    resource_id: int | None,
    product_id: int | None,
    order_id: int,
    paid_at: datetime,
    list_amount: Decimal,
    discount: Decimal,
    coupon: Decimal,
    amount_due: Decimal,
    paid_by: str,
    service_type: object | None = None,
    region: str | None = None,
    unit: str = "order",
) -> ConsumptionDetail:
    """Write a paid yearly/monthly order's detail line and rollups, without charging.

    `paid_by` is PARTNER or CUSTOMER; either way the order was paid in cash, so the whole
    amount due is `cash_paid`. The resource gives service type and region unless passed.
    """
    if paid_by not in PAID_BY:
        raise ValueError(f"paid_by must be one of {PAID_BY}")
    if list_amount - discount - coupon != amount_due:
        raise ValueError("amount_due must equal list_amount - discount - coupon")
    session = ctx.session
    from app.models import Customer

    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", ["customerId"])
    if resource_id is not None:
        resource = (
            await session.execute(
                select(Resource.service_type, Resource.region, Resource.product_id).where(
                    Resource.partner_id == customer.partner_id, Resource.id == resource_id
                )
            )
        ).one()
        service_type = service_type or resource.service_type
        region = region or resource.region
        product_id = product_id or resource.product_id
    if service_type is None or region is None:
        raise ValueError("service_type and region are needed without a resource")
    day = business_day(paid_at)
    cycle = cycle_of(day)
    kind, corrects_cycle, corrects_day = DetailKind.PREPAID, None, None
    if await session.get(BillCycle, cycle) is not None:
        kind, corrects_cycle, corrects_day = DetailKind.CORRECTION, cycle, day
        cycle, day = current_cycle(), today()
    now = clock.now()
    detail = ConsumptionDetail(
        partner_id=customer.partner_id,
        bill_cycle=cycle,
        day=day,
        kind=kind,
        customer_id=customer_id,
        resource_id=resource_id,
        product_id=product_id,
        order_id=order_id,
        service_type=service_type,
        region=region,
        billing_mode=BillingMode.YEARLY_MONTHLY,
        usage=Decimal(1).quantize(ZERO8),
        unit=unit,
        unit_price=None,
        list_amount=list_amount,
        discount=discount,
        coupon=coupon,
        cash_paid=amount_due,
        credit_paid=ZERO8,
        amount_due=amount_due,
        corrects_cycle=corrects_cycle,
        corrects_day=corrects_day,
        created_at=now,
        updated_at=now,
    )
    session.add(detail)
    await session.flush()
    await apply(
        session,
        [
            delta_of(
                detail,
                True,
                usage=detail.usage,
                list_amount=list_amount,
                discount=discount,
                coupon=coupon,
                cash_paid=amount_due,
                amount_due=amount_due,
            )
        ],
    )
    return detail
