"""Partner and customer accounts: creation on first use, row locks, derived figures.

Lock order everywhere (DESIGN.md > Storage): the partner account, then customer accounts by
id, then orders by id. On PostgreSQL the locks are `SELECT ... FOR UPDATE`; on SQLite a
writing request already holds the database's write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import CustomerAccount, PartnerAccount
from app.models.funds.accounts import ZERO
from app.services.core.context import ServiceContext
from app.services.core.principal import Permission
from app.services.core.scoping import visible


async def _insert_missing(session: AsyncSession, model: type[Any], rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: concurrent first uses don't collide."""
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = clock.now()
    stmt = insert(model).values([{**row, "updated_at": now} for row in rows])
    await session.execute(stmt.on_conflict_do_nothing())


async def lock_partner_account(session: AsyncSession, partner_id: int) -> PartnerAccount:
    """The partner's account, created if missing, locked for the rest of the transaction."""
    stmt = (
        select(PartnerAccount)
        .where(PartnerAccount.partner_id == partner_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    account = await session.scalar(stmt)
    if account is None:
        await _insert_missing(session, PartnerAccount, [{"partner_id": partner_id}])
        account = await session.scalar(stmt)
    assert account is not None
    return account


async def lock_customer_accounts(
    session: AsyncSession, partner_id: int, customer_ids: Sequence[int]
) -> dict[int, CustomerAccount]:
    """Customer accounts by id (created if missing), locked in ascending id order."""
    ids = sorted(set(customer_ids))
    stmt = (
        select(CustomerAccount)
        .where(CustomerAccount.partner_id == partner_id, CustomerAccount.customer_id.in_(ids))
        .order_by(CustomerAccount.customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    accounts = {a.customer_id: a for a in await session.scalars(stmt)}
    missing = [cid for cid in ids if cid not in accounts]
    if missing:
        await _insert_missing(
            session,
            CustomerAccount,
            [{"customer_id": cid, "partner_id": partner_id} for cid in missing],
        )
        accounts = {a.customer_id: a for a in await session.scalars(stmt)}
    return accounts


@dataclass(frozen=True, slots=True)
class CustomerPosition:
    """DOMAIN.md > Funds: what a customer's balance and credit limit mean together."""

    balance: Decimal
    credit_limit: Decimal
    frozen_own_cash: Decimal = ZERO
    own_cash_held: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.balance + self.credit_limit

    @property
    def credit_used(self) -> Decimal:
        return min(-self.balance, self.credit_limit) if self.balance < 0 else ZERO

    @property
    def arrears(self) -> Decimal:
        return max(ZERO, -self.balance - self.credit_limit)


async def get_customer_positions(
    ctx: ServiceContext, customer_ids: Sequence[int]
) -> dict[int, CustomerPosition]:
    """Positions of visible customers; a customer with no account row yet has zeros."""
    rows = await ctx.session.execute(
        select(
            CustomerAccount.customer_id,
            CustomerAccount.balance,
            CustomerAccount.credit_limit,
            CustomerAccount.frozen_own_cash,
            CustomerAccount.own_cash_held,
        ).where(
            visible(ctx.principal, CustomerAccount), CustomerAccount.customer_id.in_(customer_ids)
        )
    )
    found = {
        cid: CustomerPosition(balance, limit, frozen, held)
        for cid, balance, limit, frozen, held in rows
    }
    return {cid: found.get(cid, CustomerPosition(ZERO, ZERO)) for cid in customer_ids}


async def get_partner_accounts(ctx: ServiceContext, partner_ids: Sequence[int]) -> dict[int, Any]:
    """Partner accounts by partner id: the partner's money (ADMIN, FINANCE, VIEWER)."""
    ctx.principal.require(Permission.READ_FUNDS)
    rows = await ctx.session.execute(
        select(
            PartnerAccount.partner_id,
            PartnerAccount.allocatable,
            PartnerAccount.held,
            PartnerAccount.incentive,
        ).where(visible(ctx.principal, PartnerAccount), PartnerAccount.partner_id.in_(partner_ids))
    )
    return {row.partner_id: row for row in rows}
