"""Demo orders for `seed-demo`, placed and paid through the real services (the ledger verifies).

Per partner: proxy orders in every state (a paid one that provisioned resources, a renewal,
a pending one, a cancelled one, a closed one), an unsubscribe with its pro-rata refund on the
statement, and a REFERRAL customer's payment request awaiting the partner. Created once (a
partner that has orders is left alone). Past moments are played with a frozen clock so the
closed order and the partial refund are real outcomes of the rules, not hand-written rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import (
    Authorization,
    Customer,
    CustomerAccount,
    Order,
    Partner,
    PartnerUser,
    Product,
    Resource,
)
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.orders.enums import OrderKind, PeriodUnit
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.customer_principal import customer_principal
from app.services.core.principal import Principal
from app.services.orders import orders
from app.services.orders import payments as order_payments
from app.services.orders.lines import LineInput
from app.services.partners.partners import is_certified


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    previous = clock.use_clock(clock.FrozenClock(moment))
    try:
        yield
    finally:
        clock.use_clock(previous)


def _as(session: AsyncSession, user: PartnerUser) -> ServiceContext:
    principal = Principal(
        kind=PrincipalKind.PARTNER_USER, partner_id=user.partner_id, user_id=user.id, role=user.role
    )
    return ServiceContext(session, principal, request_id="seed-demo")


async def _user(session: AsyncSession, partner: Partner, role: Role) -> PartnerUser:
    user = await session.scalar(
        select(PartnerUser)
        .where(PartnerUser.partner_id == partner.id, PartnerUser.role == role)
        .order_by(PartnerUser.id)
    )
    assert user is not None
    return user


async def _product(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(Product.id).where(Product.code == code))
    assert found is not None
    return found


def _new(product: int, months: int = 0, years: int = 0) -> LineInput:
    unit = PeriodUnit.YEAR if years else PeriodUnit.MONTH
    return LineInput(
        OrderKind.NEW, product_id=product, period_unit=unit, period_count=years or months
    )


async def seed_orders(session: AsyncSession, partner: Partner) -> bool:
    """Create the demo orders of `partner` once; True when it did."""
    if not is_certified(partner):
        return False
    existing = await session.scalar(
        select(func.count()).select_from(Order).where(Order.partner_id == partner.id)
    )
    if existing:
        return False
    admin = _as(session, await _user(session, partner, Role.ADMIN))
    finance = _as(session, await _user(session, partner, Role.FINANCE))
    not_owing = (
        ~select(CustomerAccount.customer_id)
        .where(
            CustomerAccount.customer_id == Customer.id,
            CustomerAccount.balance + CustomerAccount.credit_limit < 0,
        )
        .exists()
    )
    resellers = (
        await session.scalars(
            select(Customer)
            .where(
                Customer.partner_id == partner.id,
                Customer.association_type == AssociationType.RESELLER,
                Customer.ended_at.is_(None),
                not_owing,
            )
            .order_by(Customer.id)
            .limit(2)
        )
    ).all()
    referral = await session.scalar(
        select(Customer)
        .where(
            Customer.partner_id == partner.id,
            Customer.association_type == AssociationType.REFERRAL,
            Customer.ended_at.is_(None),
        )
        .order_by(Customer.id)
    )
    if not resellers:
        return False
    now = clock.now()
    for customer in resellers:
        session.add(
            Authorization(
                partner_id=partner.id,
                customer_id=customer.id,
                proxy_order=True,
                operations=True,
                status=AuthorizationStatus.ACTIVE,
                note="演示: 代客下单",
                ends_at=now + timedelta(days=365),
                requested_by_id=admin.principal.user_id,
                requested_at=now - timedelta(days=60),
                answered_at=now - timedelta(days=60),
            )
        )
    await session.flush()
    ecs = await _product(session, "ecs.s6-large-2.cn-north-4.ym")
    ecs_xl = await _product(session, "ecs.s6-xlarge-2.cn-north-4.ym")
    evs = await _product(session, "evs.ssd-100gb.cn-north-4.ym")
    rds = await _product(session, "rds.mysql-x1-large-2.cn-north-4.ym")
    first, second = resellers[0], resellers[-1]

    # 40 days ago: a 3-month ECS paid (later unsubscribed), a yearly RDS paid, and an order
    # nobody paid (CLOSED after 24 h).
    with _at(now - timedelta(days=40)):
        unsubscribed = await orders.create_proxy_order(admin, first.id, [_new(ecs, months=3)])
        yearly = await orders.create_proxy_order(admin, first.id, [_new(rds, years=1)])
        await order_payments.pay_orders(finance, [unsubscribed.id, yearly.id])
        await orders.create_proxy_order(admin, second.id, [_new(evs, months=1)])
    # today: a 6-month ECS paid (provisioned), then renewed and upgraded
    bought = await orders.create_proxy_order(admin, second.id, [_new(ecs, months=6)])
    await order_payments.pay_orders(finance, [bought.id])
    resource = await session.scalar(
        select(Resource).where(Resource.order_id == bought.id).order_by(Resource.id)
    )
    assert resource is not None
    renewal = await orders.create_proxy_order(
        admin,
        second.id,
        [
            LineInput(
                OrderKind.RENEW,
                resource_id=resource.id,
                period_unit=PeriodUnit.MONTH,
                period_count=3,
            )
        ],
    )
    await order_payments.pay_orders(finance, [renewal.id])
    first_ecs = await session.scalar(
        select(Resource).where(Resource.order_id == unsubscribed.id).order_by(Resource.id)
    )
    assert first_ecs is not None
    change = await orders.create_proxy_order(
        admin,
        second.id,
        [LineInput(OrderKind.CHANGE_SPEC, resource_id=resource.id, product_id=ecs_xl)],
    )
    await order_payments.pay_orders(finance, [change.id])
    # the unsubscribe: 40 days into 3 months, the unused part comes back pro rata
    await orders.create_proxy_order(
        admin, first.id, [LineInput(OrderKind.UNSUBSCRIBE, resource_id=first_ecs.id)]
    )
    # pending and cancelled proxy orders
    await orders.create_proxy_order(admin, first.id, [_new(evs, months=2)])
    cancelled = await orders.create_proxy_order(admin, second.id, [_new(evs, years=1)])
    await orders.cancel_order(admin, cancelled.id)
    # a customer's request awaiting the partner's payment (代付)
    if referral is not None:
        customer_ctx = ServiceContext(
            session,
            await customer_principal(session, referral.cloud_account_id),
            request_id="seed-demo",
        )
        own = await orders.create_order(customer_ctx, referral.id, [_new(ecs, months=1)])
        await order_payments.request_partner_payment(customer_ctx, own.id)
    return True
