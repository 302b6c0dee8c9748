"""A daily charge racing an order's payment for one CASH coupon (PostgreSQL, committed): the
rating waits for the coupon's lock and re-reads it, so the coupon is spent once."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.models import ConsumptionCharge, Coupon, CouponUsage
from app.models.coupons.enums import CouponStatus, CouponUsageSource
from app.services.consumption.ingest import ingest_batch
from app.services.consumption.verify import verify
from app.services.coupons import usages
from app.services.funds.accounts import lock_partner_account
from tests import committed_postgres
from tests.consumption.coupon_helpers import hold_for_unpaid_order, make_coupon
from tests.consumption.helpers import at, usage, world
from tests.funds.helpers import platform

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races
DAY = date(2026, 6, 10)


async def test_a_coupon_spent_by_an_order_meanwhile_is_not_spent_again(committed):
    # given a 5.00 coupon, an unpaid order of its customer, and a day of 8.16 to rate
    async with committed.session(write=True) as session:
        w = await world(session)
        coupon = await make_coupon(session, w.customer, "5.00")
        order = await hold_for_unpaid_order(session, coupon, at(date(2026, 6, 16)))
        await usages.release_holds(session, w.partner.id, [order.id])
        await session.commit()
    locked = asyncio.Event()

    async def order_pays() -> None:
        # the partner pays the order: its account, then the coupon (the lock order)
        async with committed.session(write=True) as session:
            await lock_partner_account(session, w.partner.id)
            [held] = (await usages.lock_coupons(session, w.partner.id, [coupon.id])).values()
            locked.set()
            await asyncio.sleep(0.5)  # the rating is waiting for the coupon meanwhile
            usages.use(session, held, held.balance, CouponUsageSource.ORDER, order_id=order.id)
            await session.commit()

    async def rating() -> None:
        await locked.wait()
        async with committed.session(write=True) as session:
            await ingest_batch(
                platform(session), [usage(w.resource, at(DAY, h), "1") for h in range(24)]
            )
            await session.commit()

    # when
    await asyncio.gather(order_pays(), rating())

    # then the order has the coupon; the day went to the ledger
    async with committed.session() as session:
        rows = (
            await session.execute(
                select(CouponUsage.source, CouponUsage.amount).where(
                    CouponUsage.coupon_id == coupon.id
                )
            )
        ).all()
        assert rows == [(CouponUsageSource.ORDER, Decimal("5.00"))]
        stored = await session.scalar(select(Coupon).where(Coupon.id == coupon.id))
        assert (stored.balance, stored.status) == (Decimal("0.00"), CouponStatus.USED)
        charge = await session.scalar(select(ConsumptionCharge))
        assert (charge.coupon, charge.charged) == (Decimal("0.00"), Decimal("8.16"))
        assert await verify(session) == []
