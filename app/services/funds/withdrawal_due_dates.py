"""Overdue withdrawals are flagged to the platform, once each.

An approved withdrawal (a partner's or a customer's) is due on the approval's business date
plus seven working days (`app.services.core.working_days`); it is overdue from the end of that
business day (midnight in the business time zone) while it is still APPROVED, i.e. unpaid. A
paid or rejected withdrawal is never overdue.

The `funds.withdrawals-overdue` job writes one audit event per overdue withdrawal
(`funds.withdrawal_overdue`, as the system principal, with its due date), which the platform
reads in its audit log, and stores `overdue_flagged_at` so it flags each one once. A
withdrawal approved before due dates existed has none stored: the job computes it from the
approval (`reviewed_at`) and stores it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from app import clock
from app.models import CustomerWithdrawal, Withdrawal
from app.models.funds.enums import WithdrawalStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.jobs import job
from app.services.core.working_days import is_past_due, withdrawal_due_date

_KINDS: tuple[tuple[type[Any], str], ...] = (
    (Withdrawal, "Withdrawal"),
    (CustomerWithdrawal, "CustomerWithdrawal"),
)


async def _flag(ctx: ServiceContext, model: type[Any], object_type: str) -> int:
    now = clock.now()
    today = clock.business_date(now)
    candidates = (
        await ctx.session.scalars(
            select(model)
            .where(
                model.status == WithdrawalStatus.APPROVED,
                model.overdue_flagged_at.is_(None),
                model.reviewed_at.is_not(None),
                or_(model.due_date.is_(None), model.due_date < today),
            )
            .order_by(model.partner_id, model.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    flagged = 0
    for withdrawal in candidates:
        if withdrawal.due_date is None:
            withdrawal.due_date = withdrawal_due_date(withdrawal.reviewed_at)
        if not is_past_due(withdrawal.due_date, now):
            continue
        withdrawal.overdue_flagged_at = now
        flagged += 1
        await audit.record(
            ctx,
            "funds.withdrawal_overdue",
            object_type,
            withdrawal.id,
            partner_id=withdrawal.partner_id,
            after={
                "status": withdrawal.status,
                "due_date": withdrawal.due_date,
                "overdue_flagged_at": now,
            },
        )
    await ctx.session.flush()
    return flagged


@job("funds.withdrawals-overdue", every=timedelta(hours=1))
async def flag_overdue_withdrawals(ctx: ServiceContext) -> str:
    """Flag approved, unpaid withdrawals past their due date to the platform, once each."""
    counts = [await _flag(ctx, model, object_type) for model, object_type in _KINDS]
    return f"{counts[0]} withdrawals and {counts[1]} customer withdrawals flagged overdue"
