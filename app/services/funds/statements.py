"""Account statements: every ledger line of one partner account with its running balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.models import LedgerEntry, LedgerTransaction
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.core.context import ServiceContext
from app.services.core.errors import BadRequest
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.scoping import visible

STATEMENT_ACCOUNTS = (
    LedgerAccount.PARTNER_ALLOCATABLE,
    LedgerAccount.PARTNER_HELD,
    LedgerAccount.PARTNER_INCENTIVE,
)


@dataclass(frozen=True, slots=True)
class StatementFilter:
    account: LedgerAccount = LedgerAccount.PARTNER_ALLOCATABLE
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    kinds: tuple[LedgerKind, ...] | None = None


async def partner_statement(
    ctx: ServiceContext, statement_filter: StatementFilter, page: PageRequest
) -> Page:
    """Lines of one of the partner's accounts, newest first (ADMIN, FINANCE, VIEWER).

    Each line carries the account's balance after it, written when the line was posted under
    the account's lock, so any page shows running balances without reading earlier lines.
    """
    ctx.principal.require(Permission.READ_FUNDS)
    if statement_filter.account not in STATEMENT_ACCOUNTS:
        raise BadRequest("A statement is of the ALLOCATABLE, HELD or INCENTIVE account.")
    stmt = (
        select(
            LedgerEntry.id,
            LedgerEntry.kind,
            LedgerEntry.amount,
            LedgerEntry.balance_after,
            LedgerEntry.created_at,
            LedgerEntry.transaction_id,
            LedgerTransaction.number,
            LedgerTransaction.reference,
        )
        .join(
            LedgerTransaction,
            (LedgerTransaction.partner_id == LedgerEntry.partner_id)
            & (LedgerTransaction.id == LedgerEntry.transaction_id),
        )
        .where(
            visible(ctx.principal, LedgerEntry),
            LedgerEntry.account == statement_filter.account,
        )
    )
    if statement_filter.occurred_from is not None:
        stmt = stmt.where(LedgerEntry.created_at >= statement_filter.occurred_from)
    if statement_filter.occurred_to is not None:
        stmt = stmt.where(LedgerEntry.created_at < statement_filter.occurred_to)
    if statement_filter.kinds:
        stmt = stmt.where(LedgerEntry.kind.in_(statement_filter.kinds))
    ordering = Ordering("OCCURRED_AT", LedgerEntry.created_at, LedgerEntry.id, Direction.DESC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.created_at)
