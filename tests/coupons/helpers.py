"""Coupons built through the real services, GraphQL documents, and the books check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import Coupon, CouponQuota, Customer, Partner, PartnerUser
from app.models.coupons.enums import CouponKind
from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from app.services.coupons import issuing, quotas
from app.services.coupons.issuing import CouponTerms
from app.services.coupons.verify import verify
from tests.factories import make_customer, make_partner, make_user, platform_token, token_for
from tests.funds.helpers import acting_as, platform

QUOTA_DAYS = 90
COUPON_DAYS = 30

QUOTA_FIELDS = "id status amount { amount } remaining { amount } validFrom validTo remark"
COUPON_FIELDS = (
    "id kind status faceValue { amount } rate cap { amount } value { amount } "
    "balance { amount } validFrom validTo serviceTypes minimumOrderAmount { amount } "
    "customer { id }"
)
ISSUE = f"""
mutation Issue($input: IssueCouponsInput!) {{
  issueCoupons(input: $input) {{
    items {{ index coupon {{ {COUPON_FIELDS} }} userErrors {{ code field message }} }}
    coupons {{ id }}
    userErrors {{ code field message }}
  }}
}}
"""
RECLAIM = f"""
mutation Reclaim($input: ReclaimCouponsInput!) {{
  reclaimCoupons(input: $input) {{
    items {{ index coupon {{ {COUPON_FIELDS} }} userErrors {{ code field message }} }}
    userErrors {{ code field message }}
  }}
}}
"""
GRANT = f"""
mutation Grant($input: GrantCouponQuotaInput!) {{
  grantCouponQuota(input: $input) {{
    quota {{ {QUOTA_FIELDS} partner {{ id }} }}
    userErrors {{ code field message }}
  }}
}}
"""
RECLAIM_QUOTA = f"""
mutation ReclaimQuota($input: ReclaimCouponQuotaInput!) {{
  reclaimCouponQuota(input: $input) {{
    quota {{ {QUOTA_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""


@dataclass
class World:
    partner: Partner
    admin: PartnerUser
    finance: PartnerUser
    tokens: dict[str, str]  # ADMIN, FINANCE, SALES, VIEWER, PLATFORM
    customers: list[Customer]  # current RESELLER customers
    referral: Customer
    former: Customer
    quota: CouponQuota
    extra: dict[str, Any] = field(default_factory=dict)


async def make_world(session: AsyncSession, quota_amount: str = "1000.00") -> World:
    partner = await make_partner(session)
    users = {role: await make_user(session, partner, role) for role in Role}
    tokens = {role.value: await token_for(session, user) for role, user in users.items()}
    tokens["PLATFORM"] = await platform_token(session)
    customers = [await make_customer(session, partner) for _ in range(3)]
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    former = await make_customer(session, partner, ended_at=clock.now() - timedelta(days=1))
    quota = await grant(session, partner, quota_amount)
    return World(
        partner, users[Role.ADMIN], users[Role.FINANCE], tokens, customers, referral, former, quota
    )


async def grant(
    session: AsyncSession,
    partner: Partner,
    amount: str = "1000.00",
    *,
    days: int = QUOTA_DAYS,
    valid_from: datetime | None = None,
) -> CouponQuota:
    return await quotas.grant_coupon_quota(
        platform(session),
        partner.id,
        Decimal(amount),
        valid_from,
        clock.now() + timedelta(days=days),
        "test grant",
    )


def cash(face_value: str = "100.00", days: int = COUPON_DAYS, **extra: Any) -> CouponTerms:
    return CouponTerms(
        kind=CouponKind.CASH,
        face_value=Decimal(face_value),
        valid_to=clock.now() + timedelta(days=days),
        **extra,
    )


def discount(
    rate: str = "0.85", cap: str = "50.00", days: int = COUPON_DAYS, **extra: Any
) -> CouponTerms:
    return CouponTerms(
        kind=CouponKind.DISCOUNT,
        rate=Decimal(rate),
        cap=Decimal(cap),
        valid_to=clock.now() + timedelta(days=days),
        **extra,
    )


async def issue(
    session: AsyncSession,
    user: PartnerUser,
    quota: CouponQuota,
    customers: list[Customer],
    terms: CouponTerms | None = None,
) -> list[Coupon]:
    """Issue through the service; every item must go through."""
    result = await issuing.issue_coupons(
        acting_as(session, user), quota.id, [c.id for c in customers], terms or cash()
    )
    assert result.errors == [] and all(not i.errors for i in result.items), result
    return [await session.get(Coupon, (quota.partner_id, i.id)) for i in result.items]


def issue_input(world: World, customers: list[Customer] | None = None, **fields: Any) -> dict:
    from tests.factories import global_id, iso

    values: dict[str, Any] = {
        "quotaId": global_id("CouponQuota", world.quota.id),
        "customerIds": [global_id("Customer", c.id) for c in (customers or world.customers[:1])],
        "kind": "CASH",
        "faceValue": "100.00",
        "validTo": iso(clock.now() + timedelta(days=COUPON_DAYS)),
        "idempotencyKey": "issue-1",
    }
    values.update(fields)
    return {"input": {k: v for k, v in values.items() if v is not None}}


async def assert_books_balance(session: AsyncSession) -> None:
    await session.flush()
    problems = await verify(session)
    assert problems == [], problems


async def hold_by_new_order(session: AsyncSession, coupon: Coupon, hours: int = 24) -> Any:
    """An unpaid order of the coupon's customer holding it until it closes in `hours`."""
    from app.models import Order
    from app.models.orders.enums import OrderKind, OrderSource, OrderStatus
    from app.services.coupons.usages import hold

    close_at = clock.now() + timedelta(hours=hours)
    order = Order(
        partner_id=coupon.partner_id,
        customer_id=coupon.customer_id,
        kind=OrderKind.NEW,
        status=OrderStatus.PENDING_PAYMENT,
        source=OrderSource.PROXY,
        close_at=close_at,
    )
    session.add(order)
    await session.flush()
    hold(coupon, order.id, close_at)
    await session.flush()
    return order


async def use(session: AsyncSession, coupon: Coupon, amount: str, order: Any = None) -> None:
    """`amount` of the coupon paid (as an order's payment would record it)."""
    from app.models.coupons.enums import CouponUsageSource
    from app.services.coupons import usages

    locked = (await usages.lock_coupons(session, coupon.partner_id, [coupon.id]))[coupon.id]
    source = CouponUsageSource.ORDER if order is not None else CouponUsageSource.CONSUMPTION
    usages.use(
        session,
        locked,
        Decimal(amount),
        source,
        order_id=order.id if order is not None else None,
        day=None if order is not None else clock.now().date(),
    )
    await session.flush()
