"""Property: after any sequence of grants, issues, uses, reclaims, platform reclaims and
expiry runs, with the clock moving, every quota's books hold:

granted = remainder + balance outstanding on its coupons + used + lost at coupon expiry
          + reclaimed by the platform + lost at quota expiry

-- checked here from the rows themselves, and by `coupons verify` (its service), after every
step; refusals (userErrors) are allowed and must change nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import clock
from app.models import Coupon, CouponQuota, CouponQuotaRecord, CouponUsage
from app.models.coupons.enums import CouponKind, CouponQuotaRecordKind, CouponUsageSource
from app.models.partners.enums import Role
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.principal import Principal
from app.services.coupons import expiry, issuing, quotas, reclaiming, usages
from app.services.coupons.issuing import CouponTerms
from app.services.coupons.states import is_usable
from app.services.coupons.verify import verify
from tests.conftest import NOW, IsolatedDatabase
from tests.factories import make_customer, make_partner, make_user
from tests.funds.helpers import acting_as, platform

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400.00"), places=2)
index = st.integers(0, 20)
operation = st.one_of(
    st.tuples(st.just("grant"), amounts, st.integers(1, 60)),
    st.tuples(
        st.just("issue"),
        index,
        st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
        st.sampled_from(list(CouponKind)),
        amounts,
        st.integers(1, 60),
    ),
    st.tuples(st.just("use"), index, amounts),
    st.tuples(st.just("reclaim"), st.lists(index, min_size=1, max_size=3, unique=True)),
    st.tuples(st.just("platform_reclaim"), index, st.one_of(st.none(), amounts)),
    st.tuples(st.just("expire")),
    st.tuples(st.just("advance"), st.integers(1, 40)),
)


async def _ids(session, model, partner_id) -> list[int]:
    return list(
        await session.scalars(
            select(model.id).where(model.partner_id == partner_id).order_by(model.id)
        )
    )


async def _step(session, partner, finance_ctx, customers, op, frozen_clock) -> None:
    kind, *args = op
    ctx = platform(session)
    quota_ids = await _ids(session, CouponQuota, partner.id)
    coupon_ids = await _ids(session, Coupon, partner.id)
    if kind == "grant":
        amount, days = args
        await quotas.grant_coupon_quota(
            ctx, partner.id, amount, None, clock.now() + timedelta(days=days)
        )
    elif kind == "issue" and quota_ids:
        which, chosen, coupon_kind, value, days = args
        quota = await session.get(CouponQuota, (partner.id, quota_ids[which % len(quota_ids)]))
        terms = CouponTerms(
            kind=coupon_kind,
            valid_to=min(clock.now() + timedelta(days=days), quota.valid_to),
            face_value=value if coupon_kind is CouponKind.CASH else None,
            rate=Decimal("0.85") if coupon_kind is CouponKind.DISCOUNT else None,
            cap=value if coupon_kind is CouponKind.DISCOUNT else None,
        )
        await issuing.issue_coupons(finance_ctx, quota.id, [customers[i].id for i in chosen], terms)
    elif kind == "use" and coupon_ids:
        which, amount = args
        coupon_id = coupon_ids[which % len(coupon_ids)]
        coupon = (await usages.lock_coupons(session, partner.id, [coupon_id]))[coupon_id]
        if is_usable(coupon, clock.now()):
            usages.use(
                session,
                coupon,
                min(amount, coupon.balance),
                CouponUsageSource.CONSUMPTION,
                day=clock.now().date(),
            )
    elif kind == "reclaim" and coupon_ids:
        chosen = sorted({coupon_ids[i % len(coupon_ids)] for i in args[0]})
        await reclaiming.reclaim_coupons(finance_ctx, chosen)
    elif kind == "platform_reclaim" and quota_ids:
        which, amount = args
        await quotas.reclaim_coupon_quota(ctx, quota_ids[which % len(quota_ids)], amount)
    elif kind == "expire":
        system = ServiceContext(session, Principal.system(), request_id="job:coupons.expire")
        await expiry.expire_coupons(system)
    elif kind == "advance":
        frozen_clock.advance(timedelta(days=args[0]))
    await session.flush()


async def _books(session, partner_id) -> list[str]:
    """The conservation law, computed from the rows without the verify service."""
    kinds: dict[tuple[int, CouponQuotaRecordKind], Decimal] = defaultdict(Decimal)
    for quota_id, kind, total in await session.execute(
        select(
            CouponQuotaRecord.quota_id, CouponQuotaRecord.kind, func.sum(CouponQuotaRecord.amount)
        )
        .where(CouponQuotaRecord.partner_id == partner_id)
        .group_by(CouponQuotaRecord.quota_id, CouponQuotaRecord.kind)
    ):
        kinds[(quota_id, kind)] = total
    outstanding = dict(
        (
            await session.execute(
                select(Coupon.quota_id, func.sum(Coupon.balance))
                .where(Coupon.partner_id == partner_id)
                .group_by(Coupon.quota_id)
            )
        ).all()
    )
    used = dict(
        (
            await session.execute(
                select(Coupon.quota_id, func.sum(CouponUsage.amount))
                .join(
                    CouponUsage,
                    (CouponUsage.partner_id == Coupon.partner_id)
                    & (CouponUsage.coupon_id == Coupon.id),
                )
                .where(Coupon.partner_id == partner_id)
                .group_by(Coupon.quota_id)
            )
        ).all()
    )
    problems = []
    K = CouponQuotaRecordKind
    for quota_id, remaining in await session.execute(
        select(CouponQuota.id, CouponQuota.remaining).where(CouponQuota.partner_id == partner_id)
    ):
        granted = kinds[(quota_id, K.GRANT)]
        accounted = (
            remaining
            + outstanding.get(quota_id, 0)
            + used.get(quota_id, 0)
            + kinds[(quota_id, K.COUPON_LOST)]
            + kinds[(quota_id, K.PLATFORM_RECLAIM)]
            + kinds[(quota_id, K.QUOTA_EXPIRY)]
        )
        if accounted != granted or remaining < 0:
            problems.append(f"quota {quota_id}: granted {granted}, accounted {accounted}")
    negative = await session.scalar(
        select(func.count())
        .select_from(Coupon)
        .where(Coupon.partner_id == partner_id, Coupon.balance < 0)
    )
    if negative:
        problems.append(f"{negative} coupons with a negative balance")
    return problems


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    opening=st.lists(
        st.tuples(st.just("grant"), amounts, st.integers(1, 60)), min_size=1, max_size=2
    ),
    ops=st.lists(operation, min_size=1, max_size=25),
)
async def test_quota_books_are_conserved(database, frozen_clock, opening, ops):
    frozen_clock.set(NOW)
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with IsolatedDatabase(database, connection).session() as session:
                partner = await make_partner(session)
                finance = await make_user(session, partner, Role.FINANCE)
                finance_ctx = acting_as(session, finance)
                customers = [await make_customer(session, partner) for _ in range(3)]
                for op in opening + ops:
                    savepoint = await session.begin_nested()
                    try:
                        await _step(session, partner, finance_ctx, customers, op, frozen_clock)
                    except (DomainError, DomainErrors):
                        await savepoint.rollback()
                    else:
                        await savepoint.commit()
                    assert await _books(session, partner.id) == [], op
                    assert await verify(session) == [], op
        finally:
            await outer.rollback()
