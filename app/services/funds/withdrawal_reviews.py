"""The platform's review of withdrawals: approve, reject (money released), mark paid; and the
partner's deletion of rejected requests. Each locks the partner account, then the withdrawal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Recharge, Withdrawal, WithdrawalSource
from app.models.funds.enums import LedgerAccount, LedgerKind, WithdrawalRoute, WithdrawalStatus
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, ErrorCode, PermissionDenied
from app.services.core.idempotency import idempotent, resolve
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import find_visible
from app.services.core.working_days import withdrawal_due_date
from app.services.funds import ledger, recharge_pool
from app.services.funds.accounts import lock_partner_account
from app.services.funds.ledger import Leg
from app.services.funds.withdrawals import withdrawal_ids


def _snapshot(withdrawal: Withdrawal) -> dict[str, Any]:
    return {"status": withdrawal.status, "reason": withdrawal.reject_reason}


REVIEW = Decidable(
    "Withdrawal",
    decided_at=("reviewed_at",),
    reason="reject_reason",
    snapshot=_snapshot,
    audit_before=False,
)


async def _review(
    ctx: ServiceContext, withdrawal_id: int | None, allowed: Sequence[WithdrawalStatus]
) -> tuple[Withdrawal, Any]:
    """Lock (partner account, then) the withdrawal for a platform decision."""
    _require_reviewer(ctx)
    found = None
    if withdrawal_id is not None:
        found = await ctx.session.scalar(
            select(Withdrawal).where(
                Withdrawal.id == withdrawal_id, Withdrawal.deleted_at.is_(None)
            )
        )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such withdrawal.", ["withdrawalId"])
    account = await lock_partner_account(ctx.session, found.partner_id)
    return await lock_in_state(ctx, Withdrawal, found.id, allowed, "withdrawalId"), account


async def lock_in_state(
    ctx: ServiceContext,
    model: type[Any],
    row_id: int,
    allowed: Sequence[WithdrawalStatus],
    field: str,
) -> Any:
    """Lock a withdrawal (partner's or customer's) for a platform decision, once its account
    is locked (the lock order of every writer), re-read as it is now; `INVALID_STATE` unless
    its status is one of `allowed`."""
    withdrawal = await ctx.session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert withdrawal is not None
    if withdrawal.status not in allowed:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"The withdrawal is {withdrawal.status.value}; this needs "
            + " or ".join(s.value for s in allowed)
            + ".",
            [field],
        )
    return withdrawal


def _require_reviewer(ctx: ServiceContext) -> None:
    if ctx.principal.kind is not PrincipalKind.PLATFORM:
        raise PermissionDenied("Only the platform reviews withdrawals.")


async def _authorize_review(
    ctx: ServiceContext, withdrawal_id: int | None, *_: Any, **__: Any
) -> None:
    _require_reviewer(ctx)
    await resolve(
        ctx,
        Withdrawal,
        withdrawal_id,
        ["withdrawalId"],
        "No such withdrawal.",
        Withdrawal.deleted_at.is_(None),
    )


async def approve_withdrawal(ctx: ServiceContext, withdrawal_id: int | None) -> Withdrawal:
    """Approve a submitted withdrawal (PLATFORM); it is due seven working days later."""
    withdrawal, _ = await _review(ctx, withdrawal_id, [WithdrawalStatus.SUBMITTED])
    due = withdrawal_due_date(clock.now())
    await decide(
        ctx,
        REVIEW,
        withdrawal,
        WithdrawalStatus.APPROVED,
        action="funds.approve_withdrawal",
        changes={"due_date": due},
        after={"due_date": due},
    )
    return withdrawal


def _reject_key(withdrawal_id: int | None, reason: str) -> dict[str, Any]:
    return {"withdrawal": withdrawal_id, "reason": check_reason(reason)}


def _paid_key(withdrawal_id: int | None) -> dict[str, Any]:
    return {"withdrawal": withdrawal_id}


@idempotent("rejectWithdrawal", bind=_reject_key, authorize=_authorize_review, ids=withdrawal_ids)
async def reject_withdrawal(
    ctx: ServiceContext, withdrawal_id: int | None, reason: str
) -> Withdrawal:
    """Refuse a withdrawal: held cash goes back to allocatable and to its recharges."""
    reason = check_reason(reason)
    withdrawal, account = await _review(
        ctx, withdrawal_id, [WithdrawalStatus.SUBMITTED, WithdrawalStatus.APPROVED]
    )
    if withdrawal.route is not WithdrawalRoute.INCENTIVE_REBATE:
        sources = await ctx.session.execute(
            select(Recharge, WithdrawalSource.amount)
            .join(WithdrawalSource, WithdrawalSource.recharge_id == Recharge.id)
            .where(WithdrawalSource.withdrawal_id == withdrawal.id)
        )
        for recharge, part in sources:
            recharge_pool.give_back(recharge, part)
        await ledger.post(
            ctx.session,
            partner_id=withdrawal.partner_id,
            kind=LedgerKind.WITHDRAWAL_REJECTED,
            reference=f"Withdrawal:{withdrawal.id}",
            legs=[
                Leg(LedgerAccount.PARTNER_HELD, -withdrawal.amount),
                Leg(LedgerAccount.PARTNER_ALLOCATABLE, withdrawal.amount),
            ],
            partner=account,
        )
    await decide(
        ctx,
        REVIEW,
        withdrawal,
        WithdrawalStatus.REJECTED,
        action="funds.reject_withdrawal",
        reason=reason,
    )
    return withdrawal


@idempotent("markWithdrawalPaid", bind=_paid_key, authorize=_authorize_review, ids=withdrawal_ids)
async def mark_withdrawal_paid(ctx: ServiceContext, withdrawal_id: int | None) -> Withdrawal:
    """The money has left (PLATFORM): held cash, or incentive, goes out of the system."""
    withdrawal, account = await _review(ctx, withdrawal_id, [WithdrawalStatus.APPROVED])
    if withdrawal.route is WithdrawalRoute.INCENTIVE_REBATE:
        if withdrawal.amount > account.incentive:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The incentive account holds {account.incentive}; cannot pay {withdrawal.amount}.",
                ["withdrawalId"],
            )
        kind, source = LedgerKind.INCENTIVE_WITHDRAWAL_PAID, LedgerAccount.PARTNER_INCENTIVE
    else:
        kind, source = LedgerKind.WITHDRAWAL_PAID, LedgerAccount.PARTNER_HELD
    await ledger.post(
        ctx.session,
        partner_id=withdrawal.partner_id,
        kind=kind,
        reference=f"Withdrawal:{withdrawal.id}",
        legs=[
            Leg(source, -withdrawal.amount),
            Leg(LedgerAccount.PLATFORM_EXTERNAL, withdrawal.amount),
        ],
        partner=account,
    )
    withdrawal.status = WithdrawalStatus.PAID
    withdrawal.paid_at = clock.now()
    await ctx.session.flush()
    await _audit_status(ctx, withdrawal, "funds.withdrawal_paid")
    return withdrawal


async def delete_withdrawal(ctx: ServiceContext, withdrawal_id: int | None) -> int:
    """Remove a rejected request from the partner's list (FINANCE, ADMIN)."""
    ctx.principal.require(Permission.FUNDS)
    withdrawal = await find_visible(
        ctx,
        Withdrawal,
        withdrawal_id,
        "No such withdrawal.",
        ["withdrawalId"],
        where=[Withdrawal.deleted_at.is_(None)],
        lock=True,
    )
    if withdrawal.status is not WithdrawalStatus.REJECTED:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Only a rejected withdrawal can be deleted; this one is {withdrawal.status.value}.",
            ["withdrawalId"],
        )
    withdrawal.deleted_at = clock.now()
    await ctx.session.flush()
    await _audit_status(ctx, withdrawal, "funds.delete_withdrawal")
    return withdrawal.id


async def _audit_status(ctx: ServiceContext, withdrawal: Withdrawal, action: str) -> None:
    await audit.record(
        ctx,
        action,
        "Withdrawal",
        withdrawal.id,
        partner_id=withdrawal.partner_id,
        after=_snapshot(withdrawal),
    )
