"""Demo coupons and pickup vouchers for `seed-demo`, through the real services (`coupons
verify` and `funds verify` pass on them).

Per partner: a coupon quota granted by the platform 30 days ago, and coupons of its RESELLER
customers in every state a console shows:

- a DISCOUNT (8.5折, cap 300.00) and a CASH coupon (100.00) used on a demo order
  (PARTIALLY_USED / USED);
- a CASH coupon (20.00) of a customer with on-demand usage, which the day's charges spend
  (seeded before the consumption: the first partner's);
- an untouched CASH coupon expiring in 5 days, one for ECS only, one past its validity
  (EXPIRED by the `coupons.expire` job, its value back in the quota), one reclaimed;

and two pickup vouchers of the first customer: one redeemed by a demo order, one available.
Created once (a partner that has a quota is left alone). The past is played with a frozen
clock, as in app/demo/orders.py.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.demo.orders import _as, _at, _new, _product, _user
from app.models import Authorization, CouponQuota, Customer, Partner, Resource
from app.models.coupons.enums import CouponKind
from app.models.customers.enums import AssociationType, BillingMode, ServiceType
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.orders.enums import OrderKind, PeriodUnit
from app.models.partners.enums import Role
from app.services.core.bulk import BulkResult
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.coupons import expiry, issuing, pickup_vouchers, quotas, reclaiming
from app.services.coupons.issuing import CouponTerms
from app.services.orders import orders
from app.services.orders import payments as order_payments
from app.services.orders.lines import LineInput
from app.services.partners.partners import is_certified

QUOTA = Decimal("20000.00")
VOUCHER_PRODUCT = "ecs.s6-large-2.cn-north-4.ym"


async def _authorized_resellers(session: AsyncSession, partner: Partner) -> list[Customer]:
    """The RESELLER customers the demo orders for (an active PROXY_ORDER authorization)."""
    return list(
        (
            await session.scalars(
                select(Customer)
                .join(
                    Authorization,
                    (Authorization.partner_id == Customer.partner_id)
                    & (Authorization.customer_id == Customer.id),
                )
                .where(
                    Customer.partner_id == partner.id,
                    Customer.association_type == AssociationType.RESELLER,
                    Customer.ended_at.is_(None),
                    Authorization.status == AuthorizationStatus.ACTIVE,
                    Authorization.proxy_order.is_(True),
                )
                .order_by(Customer.id)
            )
        ).unique()
    )


async def _consuming_customer(session: AsyncSession, partner: Partner) -> Customer | None:
    """The customer of the first on-demand resource the demo consumption bills."""
    return await session.scalar(
        select(Customer)
        .join(
            Resource,
            (Resource.partner_id == Customer.partner_id) & (Resource.customer_id == Customer.id),
        )
        .where(
            Customer.partner_id == partner.id,
            Customer.association_type == AssociationType.RESELLER,
            Customer.ended_at.is_(None),
            Resource.billing_mode == BillingMode.ON_DEMAND,
        )
        .order_by(Resource.id)
        .limit(1)
    )


def _issued(result: BulkResult) -> list[int]:
    return [item.id for item in result.items if item.id is not None]


async def seed_coupons(session: AsyncSession, partner: Partner) -> bool:
    """Create the demo quota, coupons and vouchers of `partner` once; True when it did."""
    existing = await session.scalar(
        select(func.count()).select_from(CouponQuota).where(CouponQuota.partner_id == partner.id)
    )
    if existing:
        return False
    resellers = await _authorized_resellers(session, partner)
    if not resellers or not is_certified(partner):
        return False
    platform = ServiceContext(session, Principal.system(), request_id="seed-demo")
    admin = _as(session, await _user(session, partner, Role.ADMIN))
    finance = _as(session, await _user(session, partner, Role.FINANCE))
    now = clock.now()
    first = resellers[0]
    year_end = now + timedelta(days=335)

    with _at(now - timedelta(days=30)):
        quota = await quotas.grant_coupon_quota(
            platform, partner.id, QUOTA, None, year_end, remark="演示: 年度券额度"
        )
        # valid for ten days only: past its validity by now
        lapsed = await issuing.issue_coupons(
            finance,
            quota.id,
            [first.id],
            CouponTerms(CouponKind.CASH, clock.now() + timedelta(days=10), face_value=Decimal(80)),
        )
        consuming = await _consuming_customer(session, partner)
        if consuming is not None:
            await issuing.issue_coupons(
                finance,
                quota.id,
                [consuming.id],
                CouponTerms(CouponKind.CASH, year_end, face_value=Decimal(20)),
            )
    await expiry.expire_coupons(platform)

    discount = _issued(
        await issuing.issue_coupons(
            finance,
            quota.id,
            [first.id],
            CouponTerms(CouponKind.DISCOUNT, year_end, rate=Decimal("0.85"), cap=Decimal("300.00")),
        )
    )
    cash = _issued(
        await issuing.issue_coupons(
            finance,
            quota.id,
            [first.id],
            CouponTerms(CouponKind.CASH, year_end, face_value=Decimal(100)),
        )
    )
    # an order that uses both, paid by the partner
    rds = await _product(session, "rds.mysql-x1-large-2.cn-north-4.ym")
    order = await orders.create_proxy_order(admin, first.id, [_new(rds, months=2)], discount + cash)
    await order_payments.pay_orders(finance, [order.id])
    await issuing.issue_coupons(
        finance,
        quota.id,
        [c.id for c in resellers],
        CouponTerms(CouponKind.CASH, now + timedelta(days=5), face_value=Decimal(50)),
    )
    await issuing.issue_coupons(
        finance,
        quota.id,
        [first.id],
        CouponTerms(
            CouponKind.CASH,
            year_end,
            face_value=Decimal(200),
            service_types=(ServiceType.ECS,),
            minimum_order_amount=Decimal("500.00"),
        ),
    )
    reclaimed = _issued(
        await issuing.issue_coupons(
            finance,
            quota.id,
            [resellers[-1].id],
            CouponTerms(CouponKind.CASH, year_end, face_value=Decimal(60)),
        )
    )
    await reclaiming.reclaim_coupons(finance, reclaimed)
    assert _issued(lapsed), "the lapsed demo coupon was issued"

    await _vouchers(session, partner, platform, admin, first)
    return True


async def _vouchers(
    session: AsyncSession,
    partner: Partner,
    platform: ServiceContext,
    admin: ServiceContext,
    customer: Customer,
) -> None:
    product = await _product(session, VOUCHER_PRODUCT)
    created = await pickup_vouchers.create_pickup_vouchers(
        platform,
        pickup_vouchers.VoucherInput(
            partner_id=partner.id,
            customer_ids=(customer.id,),
            product_id=product,
            period_unit=PeriodUnit.MONTH,
            period_count=1,
            valid_to=clock.now() + timedelta(days=180),
            remark="演示: 开业礼包",
        ),
    )
    await pickup_vouchers.create_pickup_vouchers(
        platform,
        pickup_vouchers.VoucherInput(
            partner_id=partner.id,
            customer_ids=(customer.id,),
            product_id=product,
            period_unit=PeriodUnit.MONTH,
            period_count=3,
            valid_to=clock.now() + timedelta(days=180),
            remark="演示: 续费礼包",
        ),
    )
    (voucher_id,) = [item.id for item in created.items if item.id is not None]
    # a one-month ECS the voucher pays in full: nothing due, it completes at once
    await orders.create_proxy_order(
        admin,
        customer.id,
        [
            LineInput(
                OrderKind.NEW,
                product_id=product,
                period_unit=PeriodUnit.MONTH,
                period_count=1,
                pickup_voucher_id=voucher_id,
            )
        ],
    )
