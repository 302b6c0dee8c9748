"""Demo money for `seed-demo`, moved through the real services so the ledger verifies.

Every movement takes the path a real one takes: recharges are opened by the partner's FINANCE
user and confirmed by the platform (or recorded as bank transfers), allocations and retrievals
are adjustments, and the customer that overspent its budget did so by consuming: its CDN
traffic is ingested and rated like any usage, so its charges have their consumption details
(`consumption verify` checks every consumption charge of the ledger against them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.demo.consumption import cycle_day_start
from app.models import Customer, Partner, PartnerUser, Product, Resource
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.funds.enums import AdjustmentKind, RechargeChannel, WithdrawalRoute
from app.models.partners.enums import PrincipalKind, Role
from app.services.consumption.calendar import business_day
from app.services.consumption.ingest import ingest_batch
from app.services.core.context import ServiceContext
from app.services.core.customer_principal import customer_principal
from app.services.core.principal import Principal
from app.services.funds import (
    adjustments,
    bank_transfers,
    credit,
    customer_withdrawal_reviews,
    customer_withdrawals,
    recharges,
    withdrawals,
)
from app.services.lifecycle import association_changes

RECHARGES = [
    (RechargeChannel.BANK_TRANSFER, "200000.00", datetime(2025, 3, 10, 2, tzinfo=UTC)),
    (RechargeChannel.ALIPAY, "50000.00", datetime(2025, 9, 1, 6, tzinfo=UTC)),
    (RechargeChannel.WECHAT, "30000.00", datetime(2026, 2, 14, 8, tzinfo=UTC)),
    (RechargeChannel.UNIONPAY, "80000.00", datetime(2026, 5, 20, 3, tzinfo=UTC)),
]
# The overspending customer's CDN traffic: this much consumption over the days before today.
OVERSPENT = Decimal("20000.00")
OVERSPENT_DAYS = 25
CDN_PRODUCT = "cdn.mainland-traffic.cn-north-4.od"


async def seed_funds(session: AsyncSession, partner: Partner, tag: str) -> None:
    """Recharges of several routes and dates, allocations, retrievals, a budget, a withdrawal,
    a customer's frozen own cash and its withdrawals."""
    platform = ServiceContext(session, Principal.system(), request_id="seed-demo")
    finance = await session.scalar(
        select(PartnerUser).where(
            PartnerUser.partner_id == partner.id, PartnerUser.role == Role.FINANCE
        )
    )
    assert finance is not None
    acting = ServiceContext(
        session,
        Principal(
            kind=PrincipalKind.PARTNER_USER,
            partner_id=partner.id,
            user_id=finance.id,
            role=Role.FINANCE,
        ),
        request_id="seed-demo",
    )
    for n, (channel, amount, paid_at) in enumerate(RECHARGES):
        reference = f"DEMO-{tag}-{n}"
        if channel is RechargeChannel.BANK_TRANSFER:
            await bank_transfers.record_bank_transfer(
                platform,
                partner.remittance_account_number,
                Decimal(amount),
                reference,
                paid_at=paid_at,
            )
            continue
        order = await recharges.create_recharge(acting, channel, Decimal(amount))
        await recharges.confirm_recharge_payment(
            platform, order.id, reference, Decimal(amount), paid_at
        )

    resellers = (
        await session.scalars(
            select(Customer)
            .where(
                Customer.partner_id == partner.id,
                Customer.association_type == AssociationType.RESELLER,
            )
            .order_by(Customer.id)
            .limit(12)
        )
    ).all()
    for n, customer in enumerate(resellers):
        await adjustments.adjust_customer_funds(
            acting, customer.id, AdjustmentKind.ALLOCATE, Decimal(1000 * (n + 1))
        )
    for customer in resellers[:2]:
        await adjustments.adjust_customer_funds(
            acting, customer.id, AdjustmentKind.RETRIEVE, Decimal("250.00")
        )
    # one customer on a budget that it has overspent by consuming: it is in arrears
    owing = resellers[-1]
    await credit.set_customer_credit_limit(acting, owing.id, Decimal("5000.00"))
    await _consume(platform, owing, OVERSPENT)
    await withdrawals.request_withdrawal(
        acting,
        WithdrawalRoute.BANK_CARD,
        Decimal("10000.00"),
        card=withdrawals.BankCard(partner.certified_company_name, "招商银行", "6225880112345678"),
    )
    await _frozen_own_cash(session, partner, platform, tag)


async def _consume(platform: ServiceContext, customer: Customer, total: Decimal) -> None:
    """`total` of CDN traffic for `customer`, one whole number of GB a day over the
    `OVERSPENT_DAYS` days before today, ingested and rated (charged day by day: cash, then
    credit, then arrears)."""
    session = platform.session
    product = await session.scalar(select(Product).where(Product.code == CDN_PRODUCT))
    assert product is not None and product.unit_price is not None
    gigabytes = total / product.unit_price
    assert gigabytes == gigabytes.to_integral_value(), "the total must be whole GB"
    today = business_day(clock.now())
    first = today - timedelta(days=OVERSPENT_DAYS)
    resource = Resource(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        name=f"cdn-demo-{customer.id}",
        service_type=product.service_type,
        region=product.region,
        spec=product.spec,
        billing_mode=BillingMode.ON_DEMAND,
        product_id=product.id,
        status=ResourceStatus.ACTIVE,
        created_at=cycle_day_start(first),
        expires_at=None,
    )
    session.add(resource)
    await session.flush()
    daily = [int(gigabytes) // OVERSPENT_DAYS + 40 * (n % 7) - 120 for n in range(OVERSPENT_DAYS)]
    daily[-1] += int(gigabytes) - sum(daily)
    records = []
    for n, quantity in enumerate(daily):
        start = cycle_day_start(first + timedelta(days=n))
        records.append(
            {
                "sourceId": f"funds-demo-cdn-{resource.id}-{n}",
                "resourceId": resource.id,
                "serviceType": product.service_type.value,
                "region": product.region,
                "startAt": start.isoformat(),
                "endAt": (start + timedelta(days=1)).isoformat(),
                "quantity": str(quantity),
                "unit": product.unit,
            }
        )
    await ingest_batch(platform, records, rate=True)


async def _frozen_own_cash(
    session: AsyncSession, partner: Partner, platform: ServiceContext, tag: str
) -> None:
    """A REFERRAL customer recharges itself, switches to RESELLER (its own cash is frozen)
    and withdraws it: one request paid, one rejected, one awaiting review."""
    reserved = select(Resource.customer_id).where(
        or_(Resource.is_reserved_instance.is_(True), Resource.is_support_plan.is_(True))
    )
    referrals = (
        await session.scalars(
            select(Customer)
            .where(
                Customer.partner_id == partner.id,
                Customer.association_type == AssociationType.REFERRAL,
                Customer.id.not_in(reserved),
            )
            .order_by(Customer.id)
        )
    ).all()
    first = await session.scalar(
        select(Customer.id).where(Customer.partner_id == partner.id).order_by(Customer.id)
    )
    candidates = [c for c in referrals if c.id != first]
    if not candidates:
        return
    customer = candidates[0]
    admin = await session.scalar(
        select(PartnerUser)
        .where(PartnerUser.partner_id == partner.id, PartnerUser.role == Role.ADMIN)
        .order_by(PartnerUser.id)
    )
    assert admin is not None
    as_admin = ServiceContext(
        session,
        Principal(
            kind=PrincipalKind.PARTNER_USER,
            partner_id=partner.id,
            user_id=admin.id,
            role=Role.ADMIN,
        ),
        request_id="seed-demo",
    )
    as_customer = ServiceContext(
        session,
        await customer_principal(session, customer.cloud_account_id),
        request_id="seed-demo",
    )
    own = await recharges.create_recharge(
        as_customer, RechargeChannel.ALIPAY, Decimal("3000.00"), customer_id=customer.id
    )
    await recharges.confirm_recharge_payment(
        platform, own.id, f"DEMO-{tag}-OWN", Decimal("3000.00")
    )
    switch = await association_changes.request_association_type_switch(
        as_admin, customer.id, AssociationType.RESELLER, "客户改由伙伴代售"
    )
    await association_changes.confirm_association_change(as_customer, switch)
    card = withdrawals.BankCard(customer.name, "中国银行", "6217850100001234")
    for amount, outcome in (("500.00", "paid"), ("300.00", "rejected"), ("1000.00", None)):
        request = await customer_withdrawals.request_customer_withdrawal(
            as_customer, customer.id, Decimal(amount), card
        )
        if outcome == "paid":
            await customer_withdrawal_reviews.approve_customer_withdrawal(platform, request.id)
            await customer_withdrawal_reviews.mark_customer_withdrawal_paid(platform, request.id)
        elif outcome == "rejected":
            await customer_withdrawal_reviews.reject_customer_withdrawal(
                platform, request.id, "收款账户信息有误"
            )
