"""The double-entry ledger: the only writer of balance columns.

Every money movement is one `LedgerTransaction` whose entries sum to zero (DOMAIN.md's
posting table), written in the same transaction as the cached balances it changes. The
caller holds the row locks of the accounts involved (see `app.services.funds.accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import business_tz
from app.models import CustomerAccount, LedgerEntry, LedgerTransaction, PartnerAccount
from app.models.funds.enums import LedgerAccount, LedgerKind

PARTNER_COLUMNS = {
    LedgerAccount.PARTNER_ALLOCATABLE: "allocatable",
    LedgerAccount.PARTNER_HELD: "held",
    LedgerAccount.PARTNER_INCENTIVE: "incentive",
}


class LedgerInvariantError(RuntimeError):
    """A posting that would break the books: a bug, never a user error."""


@dataclass(frozen=True, slots=True)
class Leg:
    account: LedgerAccount
    amount: Decimal
    customer: CustomerAccount | None = None


CUSTOMER_COLUMNS = {
    LedgerAccount.CUSTOMER_BALANCE: "balance",
    LedgerAccount.CUSTOMER_FROZEN_CASH: "frozen_own_cash",
}


def _apply(leg: Leg, partner: PartnerAccount | None) -> Decimal | None:
    """Move the cached balance the leg touches; returns that balance after it."""
    customer_column = CUSTOMER_COLUMNS.get(leg.account)
    if customer_column is not None:
        if leg.customer is None:
            raise LedgerInvariantError("a customer leg needs its account")
        after = getattr(leg.customer, customer_column) + leg.amount
        if leg.account is LedgerAccount.CUSTOMER_FROZEN_CASH and after < 0:
            raise LedgerInvariantError(f"frozen cash would go negative ({after})")
        setattr(leg.customer, customer_column, after)
        return after
    column = PARTNER_COLUMNS.get(leg.account)
    if column is None:
        return None  # platform accounts have no cached balance
    if partner is None:
        raise LedgerInvariantError(f"{leg.account} needs the partner account")
    after = getattr(partner, column) + leg.amount
    if after < 0:
        raise LedgerInvariantError(f"{leg.account} would go negative ({after})")
    setattr(partner, column, after)
    return after


async def post(
    session: AsyncSession,
    *,
    partner_id: int,
    kind: LedgerKind,
    reference: str,
    legs: list[Leg],
    partner: PartnerAccount | None = None,
) -> LedgerTransaction:
    """Record one balanced transaction and update the balances it moves."""
    if sum((leg.amount for leg in legs), Decimal(0)) != 0:
        raise LedgerInvariantError(f"{kind} legs do not balance: {legs}")
    if any(leg.amount == 0 or leg.amount != leg.amount.quantize(Decimal("0.01")) for leg in legs):
        raise LedgerInvariantError(f"{kind} has a zero or sub-cent leg: {legs}")
    transaction = LedgerTransaction(partner_id=partner_id, kind=kind, reference=reference)
    session.add(transaction)
    await session.flush()
    for leg in legs:
        session.add(
            LedgerEntry(
                partner_id=partner_id,
                transaction_id=transaction.id,
                kind=kind,
                account=leg.account,
                customer_id=leg.customer.customer_id if leg.customer else None,
                amount=leg.amount,
                balance_after=_apply(leg, partner),
                created_at=transaction.created_at,
            )
        )
    return transaction


def transaction_number(transaction: LedgerTransaction) -> str:
    """The public transaction id: business date and sequence, e.g. TX20260615-00000042."""
    return format_transaction_number(transaction.id, transaction.created_at)


def format_transaction_number(transaction_id: int, created_at: datetime) -> str:
    day = created_at.astimezone(business_tz())
    return f"TX{day:%Y%m%d}-{transaction_id:08d}"
