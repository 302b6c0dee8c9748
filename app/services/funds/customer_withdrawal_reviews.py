"""The platform's review of customer withdrawals, with the same states as a partner's
withdrawal (`SUBMITTED -> APPROVED -> PAID | REJECTED`): approve, reject with a reason (the
held cash is frozen again), mark paid (the held cash leaves the system). Each locks the
customer's account, then the withdrawal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import CustomerAccount, CustomerWithdrawal
from app.models.funds.enums import LedgerAccount, LedgerKind, WithdrawalStatus
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.reasons import check_reason
from app.services.core.working_days import withdrawal_due_date
from app.services.funds import ledger
from app.services.funds.accounts import lock_customer_accounts
from app.services.funds.customer_withdrawals import customer_withdrawal_ids, reference
from app.services.funds.ledger import Leg
from app.services.funds.withdrawal_reviews import lock_in_state


def _snapshot(withdrawal: CustomerWithdrawal) -> dict[str, Any]:
    return {"status": withdrawal.status, "reason": withdrawal.reject_reason}


REVIEW = Decidable(
    "CustomerWithdrawal",
    decided_at=("reviewed_at",),
    reason="reject_reason",
    snapshot=_snapshot,
)
PAYMENT = Decidable("CustomerWithdrawal", decided_at=("paid_at",), snapshot=_snapshot)


async def _review(
    ctx: ServiceContext, withdrawal_id: int | None, allowed: Sequence[WithdrawalStatus]
) -> tuple[CustomerWithdrawal, CustomerAccount]:
    """Lock the customer's account, then the withdrawal, for a platform decision."""
    ctx.principal.require_platform()
    found = None
    if withdrawal_id is not None:
        found = await ctx.session.scalar(
            select(CustomerWithdrawal).where(CustomerWithdrawal.id == withdrawal_id)
        )
    if found is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "No such customer withdrawal.", ["customerWithdrawalId"]
        )
    account = (await lock_customer_accounts(ctx.session, found.partner_id, [found.customer_id]))[
        found.customer_id
    ]
    withdrawal = await lock_in_state(
        ctx, CustomerWithdrawal, found.id, allowed, "customerWithdrawalId"
    )
    return withdrawal, account


async def _authorize_review(
    ctx: ServiceContext, withdrawal_id: int | None, *_: Any, **__: Any
) -> None:
    ctx.principal.require_platform()
    await resolve(
        ctx,
        CustomerWithdrawal,
        withdrawal_id,
        ["customerWithdrawalId"],
        "No such customer withdrawal.",
    )


async def approve_customer_withdrawal(
    ctx: ServiceContext, withdrawal_id: int | None
) -> CustomerWithdrawal:
    """Approve a submitted customer withdrawal (PLATFORM); the cash stays held, and it is due
    seven working days later."""
    withdrawal, _ = await _review(ctx, withdrawal_id, [WithdrawalStatus.SUBMITTED])
    due = withdrawal_due_date(clock.now())
    await decide(
        ctx,
        REVIEW,
        withdrawal,
        WithdrawalStatus.APPROVED,
        action="funds.approve_customer_withdrawal",
        changes={"due_date": due},
        after={"due_date": due},
    )
    return withdrawal


def _reject_key(withdrawal_id: int | None, reason: str) -> dict[str, Any]:
    return {"customerWithdrawal": withdrawal_id, "reason": check_reason(reason)}


def _paid_key(withdrawal_id: int | None) -> dict[str, Any]:
    return {"customerWithdrawal": withdrawal_id}


@idempotent(
    "rejectCustomerWithdrawal",
    bind=_reject_key,
    authorize=_authorize_review,
    ids=customer_withdrawal_ids,
)
async def reject_customer_withdrawal(
    ctx: ServiceContext, withdrawal_id: int | None, reason: str
) -> CustomerWithdrawal:
    """Refuse a customer withdrawal (PLATFORM): the held cash is frozen own cash again."""
    reason = check_reason(reason)
    withdrawal, account = await _review(
        ctx, withdrawal_id, [WithdrawalStatus.SUBMITTED, WithdrawalStatus.APPROVED]
    )
    await ledger.post(
        ctx.session,
        partner_id=withdrawal.partner_id,
        kind=LedgerKind.OWN_CASH_RELEASED,
        reference=reference(withdrawal),
        legs=[
            Leg(LedgerAccount.CUSTOMER_CASH_HELD, -withdrawal.amount, account),
            Leg(LedgerAccount.CUSTOMER_FROZEN_CASH, withdrawal.amount, account),
        ],
    )
    await decide(
        ctx,
        REVIEW,
        withdrawal,
        WithdrawalStatus.REJECTED,
        action="funds.reject_customer_withdrawal",
        reason=reason,
    )
    return withdrawal


@idempotent(
    "markCustomerWithdrawalPaid",
    bind=_paid_key,
    authorize=_authorize_review,
    ids=customer_withdrawal_ids,
)
async def mark_customer_withdrawal_paid(
    ctx: ServiceContext, withdrawal_id: int | None
) -> CustomerWithdrawal:
    """The money has reached the customer's bank account (PLATFORM): it leaves the system."""
    withdrawal, account = await _review(ctx, withdrawal_id, [WithdrawalStatus.APPROVED])
    await ledger.post(
        ctx.session,
        partner_id=withdrawal.partner_id,
        kind=LedgerKind.OWN_CASH_PAID_OUT,
        reference=reference(withdrawal),
        legs=[
            Leg(LedgerAccount.CUSTOMER_CASH_HELD, -withdrawal.amount, account),
            Leg(LedgerAccount.PLATFORM_EXTERNAL, withdrawal.amount),
        ],
    )
    await decide(
        ctx,
        PAYMENT,
        withdrawal,
        WithdrawalStatus.PAID,
        action="funds.mark_customer_withdrawal_paid",
    )
    return withdrawal
