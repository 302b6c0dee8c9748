"""Bank transfers (转账汇款): money arriving at a remittance account, recorded by the platform.

A partner can transfer to either of two accounts, and both are BANK_TRANSFER recharges (the
same original-route windows apply):

- its **dedicated remittance account** (专属汇款账号): unique to the partner, so the account
  number alone says whose money it is;
- the vendor's **general remittance account** (通用汇款账号): shared by every partner, so the
  transfer must say whose it is. The partner writes its dedicated remittance account number
  in the transfer's remark (附言); the platform, matching the remark (or the bank slip the
  partner sends), records the transfer naming that partner (`partner_id`). A transfer to the
  general account without a partner is refused: money is never credited to a guess.

Both accounts are held by the vendor's collecting entity at the same bank (settings); a
dedicated account is a sub-account of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Partner, Recharge
from app.models.funds.enums import RechargeChannel, RechargeStatus, RemittanceAccountKind
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent
from app.services.core.money import cents
from app.services.core.principal import Permission
from app.services.funds.recharge_input import transfer_key, validate_payment
from app.services.funds.recharges import credit, recharge_ids, reference_taken, require_platform
from app.settings import get_settings


@dataclass(frozen=True, slots=True)
class RemittanceAccount:
    """Where a partner can send a bank transfer, and what the transfer must carry."""

    kind: RemittanceAccountKind
    account_number: str
    bank_name: str
    account_holder: str
    required_remark: str | None
    """What the transfer's remark must say (the general account), or None (dedicated)."""


def accounts_of(partner: Any) -> list[RemittanceAccount]:
    """The partner's dedicated remittance account, then the vendor's general one."""
    settings = get_settings()
    bank, holder = settings.remittance_bank_name, settings.remittance_account_holder
    return [
        RemittanceAccount(
            RemittanceAccountKind.DEDICATED, partner.remittance_account_number, bank, holder, None
        ),
        RemittanceAccount(
            RemittanceAccountKind.GENERAL,
            settings.general_remittance_account_number,
            bank,
            holder,
            partner.remittance_account_number,
        ),
    ]


async def remittance_accounts(ctx: ServiceContext) -> list[RemittanceAccount]:
    """The accounts the caller's partner can recharge by transfer (any partner user)."""
    ctx.principal.require(Permission.READ)
    partner = await ctx.session.get(Partner, ctx.principal.partner_id)
    assert partner is not None
    return accounts_of(partner)


async def attributed_partner(
    ctx: ServiceContext, remittance_account_number: str, partner_id: int | None
) -> tuple[Partner, RemittanceAccountKind]:
    """Whose transfer it is and which account took it; NOT_FOUND / INVALID_INPUT otherwise."""
    number = remittance_account_number.strip()
    if number == get_settings().general_remittance_account_number:
        if partner_id is None:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                "A transfer to the general remittance account names the partner its remark "
                "identifies.",
                ["partnerId"],
            )
        partner = await ctx.session.get(Partner, partner_id)
        if partner is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", ["partnerId"])
        return partner, RemittanceAccountKind.GENERAL
    partner = await ctx.session.scalar(
        select(Partner).where(Partner.remittance_account_number == number)
    )
    if partner is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "No partner has that remittance account.", ["remittanceAccount"]
        )
    if partner_id is not None and partner_id != partner.id:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "That dedicated remittance account belongs to another partner; a dedicated "
            "account's transfers are always its partner's.",
            ["partnerId"],
        )
    return partner, RemittanceAccountKind.DEDICATED


async def _authorize_transfer(
    ctx: ServiceContext,
    remittance_account_number: str,
    *_: Any,
    partner_id: int | None = None,
    **__: Any,
) -> None:
    require_platform(ctx)
    await attributed_partner(ctx, remittance_account_number, partner_id)


@idempotent(
    "recordBankTransfer", bind=transfer_key, authorize=_authorize_transfer, ids=recharge_ids
)
async def record_bank_transfer(
    ctx: ServiceContext,
    remittance_account_number: str,
    amount: Decimal,
    payment_reference: str,
    currency: str = "CNY",
    paid_at: datetime | None = None,
    partner_id: int | None = None,
) -> Recharge:
    """An incoming transfer to a partner's dedicated remittance account, or to the general
    one naming the partner (PLATFORM).

    Idempotent per bank payment reference: recording the same transfer again returns the
    recharge it created (the partner, account and amount must match).
    """
    require_platform(ctx)
    amount, reference = validate_payment(amount, currency, payment_reference, paid_at)
    partner, kind = await attributed_partner(ctx, remittance_account_number, partner_id)
    existing = await reference_taken(ctx, RechargeChannel.BANK_TRANSFER, reference)
    if existing is not None:
        if (
            existing.partner_id == partner.id
            and existing.amount == amount
            and existing.remittance_account is kind
        ):
            return existing
        raise DomainError(
            ErrorCode.PAYMENT_REFERENCE_USED,
            "That bank reference was already recorded for another transfer.",
            ["paymentReference"],
        )
    recharge = Recharge(
        partner_id=partner.id,
        channel=RechargeChannel.BANK_TRANSFER,
        remittance_account=kind,
        amount=cents(amount),
        status=RechargeStatus.CONFIRMED,
        payment_reference=reference,
        paid_at=paid_at or clock.now(),
    )
    ctx.session.add(recharge)
    await ctx.session.flush()
    await credit(ctx, recharge, "funds.bank_transfer")
    return recharge
