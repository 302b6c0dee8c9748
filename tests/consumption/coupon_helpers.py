"""Coupons for the daily-charge tests, inserted directly (issuing coupons is another
mutation's business): a quota of the partner, and CASH coupons drawn from it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    ConsumptionCharge,
    ConsumptionDetail,
    Coupon,
    CouponQuota,
    CouponUsage,
    Order,
)
from app.models.coupons.enums import CouponKind, CouponStatus, CouponUsageSource
from app.models.customers.enums import ServiceType
from app.models.orders.enums import OrderKind, OrderSource, OrderStatus
from tests.consumption.helpers import at

# The clock stands at 2026-06-15 12:00 in Shanghai: these are the validity tests use.
JUNE_1 = date(2026, 6, 1)
JULY_1 = date(2026, 7, 1)


async def make_quota(
    session: AsyncSession, partner_id: int, amount: str = "10000.00"
) -> CouponQuota:
    quota = CouponQuota(
        partner_id=partner_id,
        amount=Decimal(amount),
        remaining=Decimal(amount),
        valid_from=at(date(2026, 1, 1)),
        valid_to=at(date(2027, 1, 1)),
    )
    session.add(quota)
    await session.flush()
    return quota


async def make_coupon(
    session: AsyncSession,
    customer,
    value: str,
    *,
    quota: CouponQuota | None = None,
    balance: str | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    service_types: Sequence[ServiceType] = (),
    status: CouponStatus = CouponStatus.AVAILABLE,
    kind: CouponKind = CouponKind.CASH,
    held_by_order_id: int | None = None,
    held_until: datetime | None = None,
) -> Coupon:
    """A coupon of `customer` worth `value` (its balance, unless given), valid all June by
    default, for every service type unless `service_types` are named."""
    quota = quota or await make_quota(session, customer.partner_id)
    coupon = Coupon(
        partner_id=customer.partner_id,
        quota_id=quota.id,
        customer_id=customer.id,
        kind=kind,
        status=status,
        face_value=Decimal(value) if kind is CouponKind.CASH else None,
        rate=Decimal("0.8500") if kind is CouponKind.DISCOUNT else None,
        cap=Decimal(value) if kind is CouponKind.DISCOUNT else None,
        value=Decimal(value),
        balance=Decimal(balance if balance is not None else value),
        valid_from=valid_from or at(JUNE_1),
        valid_to=valid_to or at(JULY_1),
        service_types=[s.value for s in service_types],
        held_by_order_id=held_by_order_id,
        held_until=held_until,
        reclaimed_at=at(JUNE_1) if status is CouponStatus.RECLAIMED else None,
    )
    session.add(coupon)
    await session.flush()
    return coupon


def days(n: int) -> timedelta:
    return timedelta(days=n)


async def usages_of(session: AsyncSession, coupon: Coupon) -> list[tuple[date | None, Decimal]]:
    rows = await session.execute(
        select(CouponUsage.day, CouponUsage.amount, CouponUsage.source)
        .where(CouponUsage.coupon_id == coupon.id)
        .order_by(CouponUsage.id)
    )
    out = []
    for day, amount, source in rows:
        assert source is CouponUsageSource.CONSUMPTION
        out.append((day, amount))
    return out


async def balance_of(session: AsyncSession, coupon: Coupon) -> tuple[Decimal, CouponStatus]:
    row = (
        await session.execute(select(Coupon.balance, Coupon.status).where(Coupon.id == coupon.id))
    ).one()
    return row.balance, row.status


async def charge_of(session: AsyncSession, customer, day: date) -> ConsumptionCharge:
    return (
        await session.execute(
            select(ConsumptionCharge)
            .where(ConsumptionCharge.customer_id == customer.id, ConsumptionCharge.day == day)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()


async def details_of(session: AsyncSession, customer) -> list[ConsumptionDetail]:
    return list(
        await session.scalars(
            select(ConsumptionDetail)
            .where(ConsumptionDetail.customer_id == customer.id)
            .order_by(ConsumptionDetail.id)
            .execution_options(populate_existing=True)
        )
    )


async def hold_for_unpaid_order(session: AsyncSession, coupon: Coupon, until: datetime) -> Order:
    """An unpaid order of the coupon's customer that holds it until `until`."""
    order = Order(
        partner_id=coupon.partner_id,
        customer_id=coupon.customer_id,
        kind=OrderKind.NEW,
        status=OrderStatus.PENDING_PAYMENT,
        source=OrderSource.PROXY,
        close_at=until,
    )
    session.add(order)
    await session.flush()
    coupon.held_by_order_id, coupon.held_until = order.id, until
    await session.flush()
    return order
