"""Check every coupon quota's books on real data (`coupons verify`, docs/coupons.md > Books).

Per quota: granted (its GRANT records, = `amount`) = remainder + balance outstanding on its
coupons + used (their usages) + lost at coupon expiry or reclaim (COUPON_LOST) + reclaimed
by the platform (PLATFORM_RECLAIM) + lost at quota expiry (QUOTA_EXPIRY); its records, in
order, start with the GRANT, each has `delta` = its kind's sign x `amount`, a running
remainder `remaining_after`, and the last one's is the quota's `remaining`; every ISSUE
drew one coupon's value. Per coupon: value = balance + used + returned or lost, a balance
between 0 and the value, zero once USED, RECLAIMED or EXPIRED.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Coupon, CouponQuota, CouponQuotaRecord, CouponUsage
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.services.core.cross_partner import cross_partner, register
from app.services.coupons.quota_records import SIGN
from app.services.coupons.states import USABLE, ZERO, status_after_use

Key = tuple[int, int]  # (partner_id, id)


def _zero() -> Decimal:
    return ZERO


@cross_partner(
    register("coupons.verify", "checks every partner's coupon quota books (`coupons verify`)")
)
async def verify(session: AsyncSession) -> list[str]:
    """Every difference in the coupon books; empty when all agree."""
    problems: list[str] = []
    used: dict[Key, Decimal] = defaultdict(_zero)
    for partner_id, coupon_id, total in await session.execute(
        select(
            CouponUsage.partner_id, CouponUsage.coupon_id, func.sum(CouponUsage.amount)
        ).group_by(CouponUsage.partner_id, CouponUsage.coupon_id)
    ):
        used[(partner_id, coupon_id)] = total

    settled: dict[Key, Decimal] = defaultdict(_zero)  # returned or lost, per coupon
    issued: dict[Key, list[Decimal]] = defaultdict(list)
    per_quota: dict[Key, dict[Kind, Decimal]] = defaultdict(lambda: defaultdict(_zero))
    running: dict[Key, Decimal] = {}
    # Plain rows, not ORM objects: a session's identity map may hold stale copies.
    records = await session.execute(
        select(*CouponQuotaRecord.__table__.columns).order_by(
            CouponQuotaRecord.partner_id, CouponQuotaRecord.quota_id, CouponQuotaRecord.id
        )
    )
    for line in records:
        quota_key = (line.partner_id, line.quota_id)
        where = f"quota {line.quota_id} (partner {line.partner_id}) record {line.id}"
        if quota_key not in running and line.kind is not Kind.GRANT:
            problems.append(f"{where}: the first record is {line.kind.value}, not GRANT")
        if line.amount < ZERO or line.delta != line.amount * SIGN[line.kind]:
            problems.append(f"{where}: {line.kind.value} of {line.amount} with delta {line.delta}")
        remaining = running.get(quota_key, ZERO) + line.delta
        if remaining != line.remaining_after:
            problems.append(
                f"{where}: remainder after it {line.remaining_after}, running remainder {remaining}"
            )
        running[quota_key] = line.remaining_after
        per_quota[quota_key][line.kind] += line.amount
        if line.coupon_id is not None:
            coupon_key = (line.partner_id, line.coupon_id)
            if line.kind is Kind.ISSUE:
                issued[coupon_key].append(line.amount)
            elif line.kind in (Kind.RETURN, Kind.COUPON_LOST):
                settled[coupon_key] += line.amount

    outstanding: dict[Key, Decimal] = defaultdict(_zero)
    coupon_used: dict[Key, Decimal] = defaultdict(_zero)
    coupons = select(*Coupon.__table__.columns).order_by(Coupon.partner_id, Coupon.id)
    for coupon in await session.execute(coupons):
        key = (coupon.partner_id, coupon.id)
        where = f"coupon {coupon.id} (partner {coupon.partner_id})"
        quota_key = (coupon.partner_id, coupon.quota_id)
        spent = used[key]
        outstanding[quota_key] += coupon.balance
        coupon_used[quota_key] += spent
        if issued[key] != [coupon.value]:
            problems.append(f"{where}: value {coupon.value}, issued {issued[key] or 'never'}")
        if coupon.value != coupon.balance + spent + settled[key]:
            problems.append(
                f"{where}: value {coupon.value} != balance {coupon.balance} + used {spent} + "
                f"returned or lost {settled[key]}"
            )
        if not ZERO <= coupon.balance <= coupon.value:
            problems.append(f"{where}: balance {coupon.balance} outside 0..{coupon.value}")
        if coupon.status in USABLE and coupon.status is not status_after_use(coupon):
            problems.append(f"{where}: {coupon.status.value} with balance {coupon.balance}")
        if coupon.status not in USABLE and coupon.balance != ZERO:
            problems.append(f"{where}: {coupon.status.value} with balance {coupon.balance}")

    quotas = select(*CouponQuota.__table__.columns).order_by(CouponQuota.partner_id, CouponQuota.id)
    for quota in await session.execute(quotas):
        key = (quota.partner_id, quota.id)
        where = f"quota {quota.id} (partner {quota.partner_id})"
        kinds = per_quota[key]
        if kinds[Kind.GRANT] != quota.amount:
            problems.append(f"{where}: amount {quota.amount}, granted {kinds[Kind.GRANT]}")
        if running.get(key, ZERO) != quota.remaining:
            problems.append(
                f"{where}: remainder {quota.remaining}, its records say {running.get(key, ZERO)}"
            )
        accounted = (
            quota.remaining
            + outstanding[key]
            + coupon_used[key]
            + kinds[Kind.COUPON_LOST]
            + kinds[Kind.PLATFORM_RECLAIM]
            + kinds[Kind.QUOTA_EXPIRY]
        )
        if accounted != kinds[Kind.GRANT]:
            problems.append(
                f"{where}: granted {kinds[Kind.GRANT]} != remainder {quota.remaining} + "
                f"outstanding {outstanding[key]} + used {coupon_used[key]} + lost at coupon "
                f"expiry {kinds[Kind.COUPON_LOST]} + reclaimed by the platform "
                f"{kinds[Kind.PLATFORM_RECLAIM]} + lost at quota expiry "
                f"{kinds[Kind.QUOTA_EXPIRY]}"
            )
        if quota.expired_at is not None and quota.remaining != ZERO:
            problems.append(f"{where}: expired with a remainder of {quota.remaining}")
    return problems
