"""Demo money for `seed-demo`, moved through the real services so the ledger verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Customer, Partner, PartnerUser, Recharge
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind, RechargeChannel, RechargeStatus, WithdrawalRoute
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.funds import adjustments, bank_transfers, credit, recharges, withdrawals

RECHARGES = [
    (RechargeChannel.BANK_TRANSFER, "200000.00", datetime(2025, 3, 10, 2, tzinfo=UTC)),
    (RechargeChannel.ALIPAY, "50000.00", datetime(2025, 9, 1, 6, tzinfo=UTC)),
    (RechargeChannel.WECHAT, "30000.00", datetime(2026, 2, 14, 8, tzinfo=UTC)),
    (RechargeChannel.UNIONPAY, "80000.00", datetime(2026, 5, 20, 3, tzinfo=UTC)),
]


async def seed_funds(session: AsyncSession, partner: Partner, tag: str) -> None:
    """Recharges of several routes and dates, allocations, retrievals, a budget, a withdrawal."""
    platform = ServiceContext(session, Principal.system(), request_id="seed-demo")
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
        order = Recharge(
            partner_id=partner.id,
            channel=channel,
            amount=Decimal(amount),
            status=RechargeStatus.PENDING,
        )
        session.add(order)
        await session.flush()
        await recharges.confirm_recharge_payment(
            platform, order.id, reference, Decimal(amount), paid_at
        )

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
    # one customer on a budget that it has overspent: it is in arrears
    owing = resellers[-1]
    await credit.set_customer_credit_limit(acting, owing.id, Decimal("5000.00"))
    await credit.charge(platform, owing, Decimal("20000.00"), reference="demo consumption")
    await withdrawals.request_withdrawal(
        acting,
        WithdrawalRoute.BANK_CARD,
        Decimal("10000.00"),
        card=withdrawals.BankCard(partner.certified_company_name, "招商银行", "6225880112345678"),
    )
