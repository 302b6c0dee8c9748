"""The `coupons.expire` job: stores what the clock already shows (docs/coupons.md >
Reclaiming and expiry).

1. A coupon past its validTo that is still AVAILABLE or PARTIALLY_USED and that no unpaid
   order holds is stored EXPIRED with a zero balance. Its balance goes back to its quota
   (RETURN) when the quota was still valid when the coupon expired (the coupon ended before
   the quota) and the quota's expiry has not been recorded yet; otherwise it is lost
   (COUPON_LOST). Deciding by the coupon's own validTo, not by when the job runs, makes the
   books the same however late the job runs.
2. A quota past its validTo whose expiry is not recorded yet gets `expired_at` and, when it
   has a remainder, a QUOTA_EXPIRY record of it (the remainder becomes 0).

Both wait `SETTLE_AFTER` (26 h) past validTo before they are stored: a CASH coupon pays every
business day its validity overlaps (docs/coupons.md > On daily charges), and that day is rated
only after it has ended (up to 24 h after validTo, Asia/Shanghai) by the hourly
`consumption.rate` job; storing the expiry earlier would return to the quota what that last
day still had to take. Reads show EXPIRED from validTo on all the same (`states`), and
nothing else waits: issuing, reclaiming and ordering go by validTo itself. The quota waits as
long as its coupons, so a coupon that ended before its quota is still returned first.

Coupons go first, so a coupon that ended before its quota is returned before the quota's
remainder is recorded lost. Chunked (a batch of ids at a time, locked in the lock order:
quotas, then coupons) and idempotent: a second run finds nothing due.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import not_, select

from app import clock
from app.models import Coupon, CouponQuota
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.models.coupons.enums import CouponStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.jobs import job
from app.services.coupons import quota_records
from app.services.coupons.reclaiming import settle
from app.services.coupons.states import USABLE, ZERO, held_condition, is_held
from app.services.coupons.usages import lock_coupons

CHUNK = 500
# How long past validTo the job waits to store an expiry (the last business day's rating).
SETTLE_AFTER = timedelta(hours=26)


async def _expire_coupons(ctx: ServiceContext) -> int:
    session, expired = ctx.session, 0
    while True:
        now = clock.now()
        settled = now - SETTLE_AFTER
        due = (
            await session.execute(
                select(Coupon.partner_id, Coupon.id, Coupon.quota_id)
                .where(
                    Coupon.status.in_(USABLE),
                    Coupon.valid_to <= settled,
                    not_(held_condition(now)),
                )
                .order_by(Coupon.partner_id, Coupon.id)
                .limit(CHUNK)
            )
        ).all()
        if not due:
            return expired
        by_partner: dict[int, list[tuple[int, int]]] = {}
        for row in due:
            by_partner.setdefault(row.partner_id, []).append((row.id, row.quota_id))
        for partner_id, rows in by_partner.items():
            quotas = await quota_records.lock_quotas(session, partner_id, [q for _, q in rows])
            coupons = await lock_coupons(session, partner_id, [c for c, _ in rows])
            for coupon in coupons.values():
                if coupon.status not in USABLE or coupon.valid_to > settled or is_held(coupon, now):
                    continue  # changed since it was selected
                quota = quotas[coupon.quota_id]
                returnable = quota.expired_at is None and coupon.valid_to < quota.valid_to
                amount = coupon.balance
                kind = settle(ctx, coupon, quota, returnable)
                coupon.status = CouponStatus.EXPIRED
                coupon.expired_at = now
                await audit.record(
                    ctx,
                    "coupons.expire",
                    "Coupon",
                    coupon.id,
                    partner_id=partner_id,
                    after={"status": coupon.status, "balance": amount, "record": kind},
                )
                expired += 1
        await session.flush()


async def _expire_quotas(ctx: ServiceContext) -> int:
    session, expired = ctx.session, 0
    while True:
        now = clock.now()
        due = (
            await session.execute(
                select(CouponQuota.partner_id, CouponQuota.id)
                .where(
                    CouponQuota.expired_at.is_(None),
                    CouponQuota.valid_to <= now - SETTLE_AFTER,
                )
                .order_by(CouponQuota.partner_id, CouponQuota.id)
                .limit(CHUNK)
            )
        ).all()
        if not due:
            return expired
        by_partner: dict[int, list[int]] = {}
        for row in due:
            by_partner.setdefault(row.partner_id, []).append(row.id)
        for partner_id, ids in by_partner.items():
            for quota in (await quota_records.lock_quotas(session, partner_id, ids)).values():
                if quota.expired_at is not None:
                    continue
                lost = quota.remaining
                if lost > ZERO:
                    quota_records.record(ctx, quota, Kind.QUOTA_EXPIRY, lost)
                quota.expired_at = now
                await audit.record(
                    ctx,
                    "coupons.quota_expire",
                    "CouponQuota",
                    quota.id,
                    partner_id=partner_id,
                    after={"lost": lost, "remaining": quota.remaining},
                )
                expired += 1
        await session.flush()


@job("coupons.expire", every=timedelta(hours=1))
async def expire_coupons(ctx: ServiceContext) -> str:
    """Stores coupons and coupon quotas past their validity as expired, settling their value."""
    coupons = await _expire_coupons(ctx)
    quotas = await _expire_quotas(ctx)
    return f"{coupons} coupons and {quotas} coupon quotas expired"
