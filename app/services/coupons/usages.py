"""What a coupon pays, and the holds an unpaid order takes on coupons and pickup vouchers.

Lock order (docs/architecture.md): partner account, customer accounts, coupon quotas, then
coupons by id, then orders. `lock_coupons` takes them in that order; every use, hold and
release is done under it, so two orders racing for one coupon serialize on its row and the
second sees the first's hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import Coupon, CouponUsage, PickupVoucher
from app.models.coupons.enums import CouponUsageSource
from app.services.coupons.states import ZERO, status_after_use


async def lock_coupons(
    session: AsyncSession, partner_id: int, coupon_ids: Sequence[int]
) -> dict[int, Coupon]:
    """Coupons by id, locked in ascending id order (re-read: another transaction may have
    changed them since this session last saw them)."""
    ids = sorted(set(coupon_ids))
    if not ids:
        return {}
    stmt = (
        select(Coupon)
        .where(Coupon.partner_id == partner_id, Coupon.id.in_(ids))
        .order_by(Coupon.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {c.id: c for c in await session.scalars(stmt)}


def use(
    session: AsyncSession,
    coupon: Coupon,
    amount: Decimal,
    source: CouponUsageSource,
    *,
    order_id: int | None = None,
    day: date | None = None,
) -> CouponUsage:
    """Take `amount` (cents, > 0, at most the balance) off a locked coupon and record it."""
    if amount <= ZERO or amount > coupon.balance:
        raise ValueError("a coupon pays more than zero and at most its balance")
    coupon.balance -= amount
    coupon.status = status_after_use(coupon)
    coupon.updated_at = clock.now()
    usage = CouponUsage(
        partner_id=coupon.partner_id,
        coupon_id=coupon.id,
        customer_id=coupon.customer_id,
        source=source,
        order_id=order_id,
        day=day,
        amount=amount,
    )
    session.add(usage)
    return usage


def hold(coupon: Coupon | PickupVoucher, order_id: int, until: datetime | None) -> None:
    """An unpaid order holds a locked coupon (or voucher) until `until` (its close time)."""
    coupon.held_by_order_id = order_id
    coupon.held_until = until


async def release_holds(session: AsyncSession, partner_id: int, order_ids: Sequence[int]) -> None:
    """A cancelled, closed or paid order lets go of its coupons and vouchers."""
    if not order_ids:
        return
    for model in (Coupon, PickupVoucher):
        await session.execute(
            update(model)
            .where(model.partner_id == partner_id, model.held_by_order_id.in_(list(order_ids)))
            .values(held_by_order_id=None, held_until=None)
            .execution_options(synchronize_session="fetch")
        )
