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

from sqlalchemy import select
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
from app.services.core.principal import Principal
from app.services.funds import adjustments, credit, recharges, withdrawals

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
    """Recharges of several routes and dates, allocations, retrievals, a budget, a withdrawal."""
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
            await recharges.record_bank_transfer(
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
