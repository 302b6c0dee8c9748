"""Demo money for `seed-demo`, moved through the real services so the ledger verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Customer, Partner, PartnerUser, Recharge, Resource
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind, RechargeChannel, RechargeStatus, WithdrawalRoute
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
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


async def seed_funds(session: AsyncSession, partner: Partner, tag: str) -> None:
    """Recharges of several routes and dates, allocations, retrievals, a budget, a withdrawal,
    a customer's frozen own cash and its withdrawals."""
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
    await _frozen_own_cash(session, partner, platform, tag)


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
        Principal(kind=PrincipalKind.CUSTOMER, cloud_account_id=customer.cloud_account_id),
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
