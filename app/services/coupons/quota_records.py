"""Every change of a quota's remainder is one `CouponQuotaRecord`, written here.

The books of a quota (checked by `coupons verify`): granted = remainder + value outstanding
on usable coupons + used + lost at coupon expiry (quota already expired) + reclaimed by the
platform + lost at quota expiry.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import CouponQuota, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.services.core.context import ServiceContext

ZERO = Decimal("0.00")
# The sign of each kind's change of the remainder.
SIGN = {
    Kind.GRANT: 1,
    Kind.ISSUE: -1,
    Kind.RETURN: 1,
    Kind.PLATFORM_RECLAIM: -1,
    Kind.QUOTA_EXPIRY: -1,
    Kind.COUPON_LOST: 0,
}


async def lock_quotas(
    session: AsyncSession, partner_id: int, quota_ids: Sequence[int]
) -> dict[int, CouponQuota]:
    """Quotas by id, locked in ascending id order (after customer accounts, before coupons:
    the lock order of docs/architecture.md)."""
    ids = sorted(set(quota_ids))
    if not ids:
        return {}
    stmt = (
        select(CouponQuota)
        .where(CouponQuota.partner_id == partner_id, CouponQuota.id.in_(ids))
        .order_by(CouponQuota.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {q.id: q for q in await session.scalars(stmt)}


def record(
    ctx: ServiceContext,
    quota: CouponQuota,
    kind: Kind,
    amount: Decimal,
    *,
    coupon_id: int | None = None,
) -> CouponQuotaRecord:
    """Change `quota.remaining` by `amount` in the direction of `kind` and write the line.

    The caller holds the quota's lock and has checked the rule (a remainder never goes below
    zero: `ValueError` here means a rule was skipped, not bad input).
    """
    if amount < ZERO:
        raise ValueError("a quota record's amount is never negative")
    delta = amount * SIGN[kind]
    if quota.remaining + delta < ZERO:
        raise ValueError("a quota's remainder never goes below zero")
    quota.remaining += delta
    line = CouponQuotaRecord(
        partner_id=quota.partner_id,
        quota_id=quota.id,
        kind=kind,
        delta=delta,
        amount=amount,
        remaining_after=quota.remaining,
        coupon_id=coupon_id,
        created_by_user_id=ctx.principal.user_id,
    )
    ctx.session.add(line)
    return line
