"""The double-entry ledger: the only writer of balance columns.

Every money movement is one `LedgerTransaction` whose entries sum to zero (DOMAIN.md's
posting table), written in the same transaction as the cached balances it changes. The
caller holds the row locks of the accounts involved (see `app.services.funds.accounts`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
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
    LedgerAccount.CUSTOMER_CASH_HELD: "own_cash_held",
}
# Customer accounts that may never go negative (the balance may: credit and arrears).
NON_NEGATIVE_CUSTOMER_ACCOUNTS = (
    LedgerAccount.CUSTOMER_FROZEN_CASH,
    LedgerAccount.CUSTOMER_CASH_HELD,
)


def _apply(leg: Leg, partner: PartnerAccount | None) -> Decimal | None:
    """Move the cached balance the leg touches; returns that balance after it."""
    customer_column = CUSTOMER_COLUMNS.get(leg.account)
    if customer_column is not None:
        if leg.customer is None:
            raise LedgerInvariantError("a customer leg needs its account")
        after = getattr(leg.customer, customer_column) + leg.amount
        if leg.account in NON_NEGATIVE_CUSTOMER_ACCOUNTS and after < 0:
            raise LedgerInvariantError(f"{leg.account} would go negative ({after})")
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
    now = clock.now()
    transaction = LedgerTransaction(
        partner_id=partner_id,
        kind=kind,
        reference=reference,
        number=new_number(now),
        created_at=now,
    )
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


# Crockford's base32: no I, L, O or U, so an id read aloud or typed is unambiguous.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_RANDOM_LENGTH = 12  # 60 random bits


def new_number(at: datetime | None = None) -> str:
    """A new public transaction id: `TX<business date>-<12 random characters>`, e.g.
    TX20260615-7KQ2M9XD4RTA.

    The date orders ids by day; the rest is random, so consecutive ids of one partner, or of
    two partners, say nothing about how many transactions were made in between (the old
    global sequence did). Unique per partner (a constraint; a clash is a 1-in-2^60 chance).
    """
    day = (at or clock.now()).astimezone(business_tz())
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))
    return f"TX{day:%Y%m%d}-{suffix}"


def transaction_number(transaction: LedgerTransaction) -> str:
    """The public transaction id of `transaction` (what partners see and filter by)."""
    return transaction.number
