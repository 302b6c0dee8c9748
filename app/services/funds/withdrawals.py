"""Withdrawals (提现): request, platform review, payment; money is held meanwhile.

Routes (DOMAIN.md > Funds): ORIGINAL_ROUTE gives money back to the payer of one recharge;
BANK_CARD pays money that is past its original-route window to a card in the partner's
certified name; INCENTIVE_REBATE pays from the incentive account. Withdrawable cash is the
allocatable balance minus the refunded money still covered by issued, unreturned invoices
(`INVOICED_NOT_RETURNED`, `app.services.invoices.withdrawal_holds`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from app import clock
from app.models import Partner, PartnerAccount, Recharge, Withdrawal, WithdrawalSource
from app.models.funds.accounts import ZERO
from app.models.funds.enums import (
    LedgerAccount,
    LedgerKind,
    RechargeStatus,
    WithdrawalRoute,
    WithdrawalStatus,
)
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents, check_amount, check_currency
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, can_read_funds
from app.services.core.scoping import visible
from app.services.funds import ledger, recharge_pool
from app.services.funds.accounts import lock_partner_account
from app.services.funds.ledger import Leg
from app.services.invoices import withdrawal_holds

WITHDRAWAL_COLUMNS = (
    Withdrawal.id,
    Withdrawal.partner_id,
    Withdrawal.route,
    Withdrawal.status,
    Withdrawal.amount,
    Withdrawal.currency,
    Withdrawal.recharge_id,
    Withdrawal.account_holder,
    Withdrawal.bank_name,
    Withdrawal.card_number,
    Withdrawal.reject_reason,
    Withdrawal.created_at,
    Withdrawal.reviewed_at,
    Withdrawal.paid_at,
    Withdrawal.due_date,
)


@dataclass(frozen=True, slots=True)
class BankCard:
    holder: str
    bank_name: str
    card_number: str


def normalized_holder(name: str) -> str:
    """A bank account holder as compared: width, spaces and case ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def validate(
    route: WithdrawalRoute,
    amount: Decimal,
    currency: str,
    recharge_given: bool,
    card: BankCard | None,
) -> Decimal:
    """Input rules of a withdrawal request; the amount at scale 2."""
    errors = check_amount(amount) + check_currency(currency)
    if route is WithdrawalRoute.ORIGINAL_ROUTE and not recharge_given:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "An original-route withdrawal names the recharge to return.",
                ["rechargeId"],
            )
        )
    if route is WithdrawalRoute.BANK_CARD:
        if card is None:
            errors.append(
                DomainError(
                    ErrorCode.INVALID_INPUT,
                    "A bank-card withdrawal needs the bank card.",
                    ["bankCard"],
                )
            )
        else:
            digits = card.card_number.replace(" ", "")
            if not digits.isdigit() or not 12 <= len(digits) <= 30:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        "A card number has 12 to 30 digits.",
                        ["bankCard", "cardNumber"],
                    )
                )
            for name, value in (("holder", card.holder), ("bankName", card.bank_name)):
                if not value.strip() or len(value) > 200:
                    errors.append(
                        DomainError(
                            ErrorCode.INVALID_INPUT,
                            f"`{name}` has 1 to 200 characters.",
                            ["bankCard", name],
                        )
                    )
    if errors:
        raise DomainErrors(errors)
    return cents(amount)


async def _pending_incentive(ctx: ServiceContext, partner_id: int) -> Decimal:
    total = await ctx.session.scalar(
        select(func.sum(Withdrawal.amount)).where(
            Withdrawal.partner_id == partner_id,
            Withdrawal.route == WithdrawalRoute.INCENTIVE_REBATE,
            Withdrawal.status.in_([WithdrawalStatus.SUBMITTED, WithdrawalStatus.APPROVED]),
        )
    )
    return total or ZERO  # SUM keeps the column's Money type


def _request_key(
    route: WithdrawalRoute,
    amount: Decimal,
    *,
    recharge_id: int | None = None,
    card: BankCard | None = None,
    currency: str = "CNY",
) -> dict[str, Any]:
    amount = validate(route, amount, currency, recharge_id is not None, card)
    return {
        "route": route.value,
        "amount": str(amount),
        "recharge": recharge_id,
        "card": [card.holder, card.bank_name, card.card_number] if card else None,
    }


async def _authorize_request(
    ctx: ServiceContext,
    route: WithdrawalRoute,
    amount: Decimal,
    *,
    recharge_id: int | None = None,
    card: BankCard | None = None,
    currency: str = "CNY",
) -> None:
    ctx.principal.require(Permission.FUNDS)
    if route is WithdrawalRoute.ORIGINAL_ROUTE:
        # The partner's own recharge (a customer's own recharge is not the partner's money).
        await resolve(
            ctx,
            Recharge,
            recharge_id,
            ["rechargeId"],
            "No such recharge.",
            Recharge.customer_id.is_(None),
        )


async def _refuse_invoiced(
    ctx: ServiceContext, partner_id: int, allocatable: Decimal, amount: Decimal
) -> None:
    hold = await withdrawal_holds.invoiced_hold(ctx, partner_id)
    if (error := withdrawal_holds.refusal(hold, allocatable, amount)) is not None:
        raise error


def withdrawal_ids(withdrawal: Withdrawal) -> dict[str, int | None]:
    """What a withdrawal mutation's idempotency key stores."""
    return {"withdrawal": withdrawal.id}


@idempotent(
    "requestWithdrawal", bind=_request_key, authorize=_authorize_request, ids=withdrawal_ids
)
async def request_withdrawal(
    ctx: ServiceContext,
    route: WithdrawalRoute,
    amount: Decimal,
    *,
    recharge_id: int | None = None,
    card: BankCard | None = None,
    currency: str = "CNY",
) -> Withdrawal:
    """Ask the platform to pay money out (FINANCE, ADMIN); cash is held from now on."""
    amount = cents(amount)  # at scale 2, as the bound input
    ctx.principal.require(Permission.FUNDS)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    session = ctx.session
    account = await lock_partner_account(session, partner_id)
    partner = await session.get(Partner, partner_id)
    assert partner is not None
    withdrawal = Withdrawal(
        partner_id=partner_id,
        route=route,
        status=WithdrawalStatus.SUBMITTED,
        amount=amount,
        recharge_id=recharge_id if route is WithdrawalRoute.ORIGINAL_ROUTE else None,
        created_by_user_id=ctx.principal.user_id,
    )
    taken: list[tuple[Recharge, Decimal]] = []
    if route is WithdrawalRoute.INCENTIVE_REBATE:
        free = account.incentive - await _pending_incentive(ctx, partner_id)
        if amount > free:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The incentive account can pay out {free}; asked for {amount}.",
                ["amount"],
            )
    elif route is WithdrawalRoute.ORIGINAL_ROUTE:
        recharge = await session.scalar(
            select(Recharge).where(
                Recharge.id == recharge_id,
                Recharge.partner_id == partner_id,
                Recharge.customer_id.is_(None),
                Recharge.status == RechargeStatus.CONFIRMED,
            )
        )
        if recharge is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such recharge.", ["rechargeId"])
        if amount > recharge.remaining:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"{recharge.remaining} of that recharge is left to return; asked for {amount}.",
                ["amount"],
            )
        await _refuse_invoiced(ctx, partner_id, account.allocatable, amount)
        recharge_pool.withdraw_from(recharge, amount)
        taken = [(recharge, amount)]
    else:
        assert card is not None
        if normalized_holder(card.holder) != normalized_holder(partner.certified_company_name):
            raise DomainError(
                ErrorCode.ACCOUNT_HOLDER_MISMATCH,
                "The card must belong to the partner's certified company.",
                ["bankCard", "holder"],
            )
        if amount > account.allocatable:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The withdrawable balance is {account.allocatable}; asked for {amount}.",
                ["amount"],
            )
        await _refuse_invoiced(ctx, partner_id, account.allocatable, amount)
        split = await recharge_pool.split_by_route(
            session, partner_id, partner.contracting_entity, clock.now()
        )
        if amount > split.bank_card:
            raise DomainError(
                ErrorCode.ROUTE_REQUIRED,
                f"Only {split.bank_card} may leave by bank card; {split.original_route_only} "
                "is still inside its original-route window and must go back that way.",
                ["route"],
            )
        taken = await recharge_pool.draw_outside_windows(
            session, partner_id, partner.contracting_entity, clock.now(), amount
        )
        withdrawal.account_holder = card.holder.strip()
        withdrawal.bank_name = card.bank_name.strip()
        withdrawal.card_number = card.card_number.replace(" ", "")
    session.add(withdrawal)
    await session.flush()
    if route is not WithdrawalRoute.INCENTIVE_REBATE:
        for recharge, part in taken:
            session.add(
                WithdrawalSource(
                    withdrawal_id=withdrawal.id,
                    recharge_id=recharge.id,
                    partner_id=partner_id,
                    amount=part,
                )
            )
        await ledger.post(
            session,
            partner_id=partner_id,
            kind=LedgerKind.WITHDRAWAL_SUBMITTED,
            reference=f"Withdrawal:{withdrawal.id}",
            legs=[
                Leg(LedgerAccount.PARTNER_ALLOCATABLE, -amount),
                Leg(LedgerAccount.PARTNER_HELD, amount),
            ],
            partner=account,
        )
    await session.flush()
    await audit.record(
        ctx,
        "funds.request_withdrawal",
        "Withdrawal",
        withdrawal.id,
        partner_id=partner_id,
        after={"route": route, "amount": amount, "rechargeId": withdrawal.recharge_id},
    )
    return withdrawal


@dataclass(frozen=True, slots=True)
class WithdrawalFilter:
    statuses: tuple[WithdrawalStatus, ...] | None = None
    routes: tuple[WithdrawalRoute, ...] | None = None


def _filtered(ctx: ServiceContext, f: WithdrawalFilter) -> Select[Any]:
    stmt = select(*WITHDRAWAL_COLUMNS).where(
        visible(ctx.principal, Withdrawal), Withdrawal.deleted_at.is_(None)
    )
    if f.statuses:
        stmt = stmt.where(Withdrawal.status.in_(f.statuses))
    if f.routes:
        stmt = stmt.where(Withdrawal.route.in_(f.routes))
    return stmt


async def list_withdrawals(ctx: ServiceContext, f: WithdrawalFilter, page: PageRequest) -> Page:
    """The partner's withdrawal requests, newest first (ADMIN, FINANCE, VIEWER)."""
    ctx.principal.require(Permission.READ_FUNDS)
    ordering = Ordering("CREATED_AT", Withdrawal.created_at, Withdrawal.id, Direction.DESC)
    return await fetch_page(ctx.session, _filtered(ctx, f), ordering, page, lambda r: r.created_at)


async def get_withdrawals(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Withdrawals by id; none for a role that may not read the partner's money."""
    if not can_read_funds(ctx.principal):
        return {}
    rows = await ctx.session.execute(
        select(*WITHDRAWAL_COLUMNS).where(
            visible(ctx.principal, Withdrawal),
            Withdrawal.id.in_(ids),
            Withdrawal.deleted_at.is_(None),
        )
    )
    return {row.id: row for row in rows}


@dataclass(frozen=True, slots=True)
class Withdrawable:
    """What the partner could take out now, and by which route."""

    total: Decimal
    original_route_only: Decimal
    bank_card: Decimal
    incentive: Decimal
    invoiced_not_returned: Decimal
    invoices_to_return: tuple[int, ...]


async def withdrawable(ctx: ServiceContext, partner_id: int) -> Withdrawable:
    """What `partner_id` could withdraw now (ADMIN, FINANCE, VIEWER: the partner's money)."""
    ctx.principal.require(Permission.READ_FUNDS)
    partner = await ctx.session.get(Partner, partner_id)
    assert partner is not None
    split = await recharge_pool.split_by_route(
        ctx.session, partner_id, partner.contracting_entity, clock.now()
    )
    account = await ctx.session.get(PartnerAccount, partner_id)
    incentive = account.incentive if account else ZERO
    pending = await _pending_incentive(ctx, partner_id)
    hold = await withdrawal_holds.invoiced_hold(ctx, partner_id)
    cash = split.original_route_only + split.bank_card
    return Withdrawable(
        total=max(cash - hold.amount, ZERO),
        original_route_only=min(split.original_route_only, max(cash - hold.amount, ZERO)),
        bank_card=min(split.bank_card, max(cash - hold.amount, ZERO)),
        incentive=incentive - pending,
        invoiced_not_returned=hold.amount,
        invoices_to_return=tuple(i.invoice_id for i in hold.invoices),
    )
