"""Recompute every balance from the ledger and report what disagrees (`funds verify`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import CustomerAccount, CustomerWithdrawal, LedgerEntry, PartnerAccount, Recharge
from app.models.funds.accounts import ZERO
from app.models.funds.enums import LedgerAccount, RechargeStatus, WithdrawalStatus
from app.services.core.cross_partner import cross_partner, register
from app.services.funds.ledger import CUSTOMER_COLUMNS, PARTNER_COLUMNS


@cross_partner(
    register("funds.verify", "recomputes every partner's balances from the ledger (`funds verify`)")
)
async def verify(session: AsyncSession) -> list[str]:
    """Every difference between the books and the cached balances; empty when all agree."""
    problems: list[str] = []

    unbalanced = await session.execute(
        select(LedgerEntry.transaction_id, func.sum(LedgerEntry.amount))
        .group_by(LedgerEntry.transaction_id)
        .having(func.sum(LedgerEntry.amount) != 0)
    )
    problems += [f"transaction {tid} does not balance: {total}" for tid, total in unbalanced]

    totals = await session.execute(
        select(LedgerEntry.partner_id, LedgerEntry.account, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.account.in_(list(PARTNER_COLUMNS)))
        .group_by(LedgerEntry.partner_id, LedgerEntry.account)
    )
    from_ledger: dict[int, dict[LedgerAccount, Decimal]] = defaultdict(dict)
    for partner_id, account, total in totals:
        from_ledger[partner_id][account] = total
    pool = dict(
        (
            await session.execute(
                select(Recharge.partner_id, func.sum(Recharge.remaining))
                .where(Recharge.customer_id.is_(None), Recharge.status == RechargeStatus.CONFIRMED)
                .group_by(Recharge.partner_id)
            )
        ).all()
    )
    accounts = (await session.scalars(select(PartnerAccount))).all()
    seen = set()
    for account in accounts:
        seen.add(account.partner_id)
        for ledger_account, column in PARTNER_COLUMNS.items():
            cached = getattr(account, column)
            expected = from_ledger[account.partner_id].get(ledger_account, ZERO)
            if cached != expected:
                problems.append(
                    f"partner {account.partner_id} {column}: balance {cached}, ledger {expected}"
                )
            if cached < 0:
                problems.append(f"partner {account.partner_id} {column} is negative: {cached}")
        remaining = pool.get(account.partner_id) or ZERO
        if remaining != account.allocatable:
            problems.append(
                f"partner {account.partner_id}: recharges have {remaining} left, "
                f"allocatable is {account.allocatable}"
            )
    problems += [
        f"partner {pid} has ledger entries but no account" for pid in set(from_ledger) - seen
    ]

    customer_totals: dict[tuple[int, LedgerAccount], Decimal] = {
        (cid, account): total
        for cid, account, total in await session.execute(
            select(LedgerEntry.customer_id, LedgerEntry.account, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.account.in_(list(CUSTOMER_COLUMNS)))
            .group_by(LedgerEntry.customer_id, LedgerEntry.account)
        )
    }
    customers = (await session.scalars(select(CustomerAccount))).all()
    for customer in customers:
        for ledger_account, column in CUSTOMER_COLUMNS.items():
            expected = customer_totals.pop((customer.customer_id, ledger_account), None) or ZERO
            cached = getattr(customer, column)
            if cached != expected:
                problems.append(
                    f"customer {customer.customer_id} {column} {cached}, ledger {expected}"
                )
    orphans = {cid for cid, _ in customer_totals}
    problems += [f"customer {cid} has ledger entries but no account" for cid in orphans]

    # Held own cash is exactly what the customer's open withdrawals ask for.
    pending = dict(
        (
            await session.execute(
                select(CustomerWithdrawal.customer_id, func.sum(CustomerWithdrawal.amount))
                .where(
                    CustomerWithdrawal.status.in_(
                        [WithdrawalStatus.SUBMITTED, WithdrawalStatus.APPROVED]
                    )
                )
                .group_by(CustomerWithdrawal.customer_id)
            )
        ).all()
    )
    for customer in customers:
        asked = pending.pop(customer.customer_id, None) or ZERO
        if asked != customer.own_cash_held:
            problems.append(
                f"customer {customer.customer_id}: open withdrawals ask for {asked}, "
                f"held own cash is {customer.own_cash_held}"
            )
    problems += [f"customer {cid} has open withdrawals but no account" for cid in pending]
    return problems
