"""Money fixtures built through the real services, so the ledger always verifies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Customer, Partner, PartnerUser, Recharge
from app.models.funds.enums import LedgerAccount, LedgerKind, RechargeChannel, RechargeStatus
from app.models.partners.enums import PrincipalKind
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.funds import bank_transfers, ledger, recharges
from app.services.funds.accounts import lock_partner_account
from app.services.funds.ledger import Leg
from app.services.funds.verify import verify

_refs = count(1)


def platform(session: AsyncSession) -> ServiceContext:
    return ServiceContext(session, Principal.system(), request_id="test")


def acting_as(session: AsyncSession, user: PartnerUser) -> ServiceContext:
    """A service context of a partner user (for calling services directly)."""
    principal = Principal(
        kind=PrincipalKind.PARTNER_USER,
        partner_id=user.partner_id,
        user_id=user.id,
        role=user.role,
    )
    return ServiceContext(session, principal, request_id="test")


async def recharge(
    session: AsyncSession,
    partner: Partner,
    amount: str | Decimal,
    *,
    channel: RechargeChannel = RechargeChannel.ALIPAY,
    paid_at: datetime | None = None,
    customer: Customer | None = None,
) -> Recharge:
    """A confirmed recharge of the partner (or of a REFERRAL customer's own account)."""
    value = Decimal(amount)
    ctx = platform(session)
    reference = f"test-{next(_refs)}"
    if channel is RechargeChannel.BANK_TRANSFER and customer is None:
        return await bank_transfers.record_bank_transfer(
            ctx, partner.remittance_account_number, value, reference, paid_at=paid_at
        )
    order = Recharge(
        partner_id=partner.id,
        customer_id=customer.id if customer else None,
        channel=channel,
        amount=value,
        status=RechargeStatus.PENDING,
    )
    session.add(order)
    await session.flush()
    return await recharges.confirm_recharge_payment(ctx, order.id, reference, value, paid_at)


async def assert_books_balance(session: AsyncSession) -> None:
    assert await verify(session) == []


async def pay_incentive(session: AsyncSession, partner: Partner, amount: str) -> None:
    """Incentive paid as account credit (platform.revenue -X, partner.incentive +X)."""
    value = Decimal(amount)
    partner_account = await lock_partner_account(session, partner.id)
    await ledger.post(
        session,
        partner_id=partner.id,
        kind=LedgerKind.INCENTIVE_PAID,
        reference=f"Incentive:{partner.id}",
        legs=[
            Leg(LedgerAccount.PLATFORM_REVENUE, -value),
            Leg(LedgerAccount.PARTNER_INCENTIVE, value),
        ],
        partner=partner_account,
    )
    await session.flush()
