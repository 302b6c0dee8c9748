"""The `coupons.expire` job: coupons and quotas past their validity are stored expired and
their value settled (returned to a valid quota, else lost); idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.models import AuditEvent, Coupon, CouponQuota, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind, CouponQuotaStatus, CouponStatus
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from app.services.coupons import expiry
from app.services.coupons.states import coupon_status, quota_status
from tests.coupons.helpers import (
    assert_books_balance,
    cash,
    discount,
    grant,
    hold_by_new_order,
    issue,
    use,
)

SETTLE = expiry.SETTLE_AFTER
JOB = "coupons.expire"


async def run_job(session) -> str:
    ctx = ServiceContext(session, Principal.system(), request_id=f"job:{JOB}")
    result = await load_registry()[JOB].run(ctx)
    await session.flush()
    return result


async def reread(session, row):
    model = type(row)
    return await session.scalar(
        select(model)
        .where(model.partner_id == row.partner_id, model.id == row.id)
        .execution_options(populate_existing=True)
    )


async def kinds(session, quota):
    rows = await session.scalars(
        select(CouponQuotaRecord.kind)
        .where(
            CouponQuotaRecord.partner_id == quota.partner_id,
            CouponQuotaRecord.quota_id == quota.id,
        )
        .order_by(CouponQuotaRecord.id)
    )
    return [k.value for k in rows]


async def test_the_job_waits_for_the_last_day_to_be_rated(session, world, frozen_clock):
    # given a coupon and its quota just past their validity
    quota = await grant(session, world.partner, "500.00", days=10)
    [coupon] = await issue(session, world.finance, quota, world.customers[:1], cash(days=10))
    frozen_clock.advance(timedelta(days=10) + SETTLE - timedelta(minutes=1))

    # when the job runs before SETTLE_AFTER has passed
    result = await run_job(session)

    # then nothing is stored yet, though the coupon and the quota read expired
    assert result == "0 coupons and 0 coupon quotas expired"
    coupon = await reread(session, coupon)
    assert coupon.status is CouponStatus.AVAILABLE and str(coupon.balance) == "100.00"
    assert coupon_status(coupon, clock.now()) is CouponStatus.EXPIRED
    assert (await reread(session, quota)).expired_at is None
    assert quota_status(quota, clock.now()) is CouponQuotaStatus.EXPIRED

    # and a minute later both are settled
    frozen_clock.advance(timedelta(minutes=1))
    assert await run_job(session) == "1 coupons and 1 coupon quotas expired"
    await assert_books_balance(session)


async def test_a_lapsed_coupon_returns_its_balance_to_a_valid_quota(session, world, frozen_clock):
    # given a coupon of 100 used for 25, ending in 10 days, its quota valid for 90
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1], cash(days=10))
    await use(session, coupon, "25.00")
    frozen_clock.advance(timedelta(days=10) + SETTLE)

    # when
    result = await run_job(session)

    # then
    coupon = await reread(session, coupon)
    assert coupon.status is CouponStatus.EXPIRED
    assert str(coupon.balance) == "0.00" and coupon.expired_at is not None
    quota = await reread(session, world.quota)
    assert str(quota.remaining) == "975.00"
    assert await kinds(session, quota) == ["GRANT", "ISSUE", "RETURN"]
    assert result == "1 coupons and 0 coupon quotas expired"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "coupons.expire"))
    assert event.request_id == f"job:{JOB}" and event.object_id == coupon.id
    await assert_books_balance(session)


async def test_a_quota_and_its_coupons_expire_together(session, world, frozen_clock):
    # given a quota of 500 for 10 days, a coupon ending with it and one ending earlier
    quota = await grant(session, world.partner, "500.00", days=10)
    [with_it] = await issue(session, world.finance, quota, world.customers[:1], cash(days=10))
    [earlier] = await issue(
        session, world.finance, quota, world.customers[1:2], discount(cap="80.00", days=5)
    )
    frozen_clock.advance(timedelta(days=10) + SETTLE)

    # when
    await run_job(session)

    # then the earlier one went back before the quota's remainder was lost; the other lost
    quota = await reread(session, quota)
    assert quota.expired_at is not None and str(quota.remaining) == "0.00"
    assert await kinds(session, quota) == [
        "GRANT",
        "ISSUE",
        "ISSUE",
        "COUPON_LOST",
        "RETURN",
        "QUOTA_EXPIRY",
    ]
    lost = await session.scalar(
        select(CouponQuotaRecord).where(
            CouponQuotaRecord.partner_id == quota.partner_id,
            CouponQuotaRecord.kind == CouponQuotaRecordKind.QUOTA_EXPIRY,
        )
    )
    assert str(lost.amount) == "400.00"  # 500 - 100 - 80 + 80
    for coupon in (with_it, earlier):
        assert (await reread(session, coupon)).status is CouponStatus.EXPIRED
    await assert_books_balance(session)


async def test_a_held_coupon_waits_for_its_order(session, world, frozen_clock):
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1], cash(days=1))
    await hold_by_new_order(session, coupon, hours=48)
    frozen_clock.advance(timedelta(days=1, hours=1))

    await run_job(session)
    assert (await reread(session, coupon)).status is CouponStatus.AVAILABLE

    frozen_clock.advance(timedelta(days=1) + SETTLE)  # the order's close time has passed
    await run_job(session)
    assert (await reread(session, coupon)).status is CouponStatus.EXPIRED
    await assert_books_balance(session)


async def test_a_second_run_changes_nothing(session, world, frozen_clock):
    await issue(session, world.finance, world.quota, world.customers, cash(days=3))
    frozen_clock.advance(timedelta(days=100))
    first = await run_job(session)
    records = await kinds(session, world.quota)

    second = await run_job(session)

    assert first == "3 coupons and 1 coupon quotas expired"
    assert second == "0 coupons and 0 coupon quotas expired"
    assert await kinds(session, world.quota) == records
    await assert_books_balance(session)


async def test_it_works_through_many_chunks(session, world, frozen_clock, monkeypatch):
    monkeypatch.setattr(expiry, "CHUNK", 2)
    await issue(session, world.finance, world.quota, world.customers, cash("10.00", days=3))
    await issue(session, world.finance, world.quota, world.customers, cash("10.00", days=3))
    frozen_clock.advance(timedelta(days=3) + SETTLE)

    assert await run_job(session) == "6 coupons and 0 coupon quotas expired"

    statuses = await session.scalars(
        select(Coupon.status).where(Coupon.partner_id == world.partner.id)
    )
    assert set(statuses) == {CouponStatus.EXPIRED}
    assert str((await reread(session, world.quota)).remaining) == "1000.00"
    await assert_books_balance(session)


async def test_a_quota_without_remainder_expires_without_a_record(session, world, frozen_clock):
    quota = await grant(session, world.partner, "100.00", days=5)
    await issue(session, world.finance, quota, world.customers[:1], cash("100.00", days=5))
    frozen_clock.advance(timedelta(days=5) + SETTLE)

    await run_job(session)

    quota = await reread(session, quota)
    assert isinstance(quota, CouponQuota) and quota.expired_at is not None
    assert await kinds(session, quota) == ["GRANT", "ISSUE", "COUPON_LOST"]
    await assert_books_balance(session)
