"""Customer-initiated disassociation: the customer files, the partner's ADMIN answers.

A customer files at most one request per `customer_disassociation_interval_months`. The
partner approves (preconditions must hold then) or rejects it with a reason; a request left
unanswered for `customer_disassociation_auto_approve_days` is approved by the
`disassociation_requests.auto_approve` job if the preconditions hold, and otherwise stays
open with the blocking codes recorded and the partner notified once.
PENDING -> APPROVED | REJECTED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app import clock
from app.clock import add_days
from app.models import Customer, DisassociationRequest
from app.models.lifecycle.enums import (
    AssociationChangeKind,
    DisassociationRequestStatus,
    NotificationChannel,
)
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import find_visible, visible
from app.services.lifecycle import notifications
from app.services.lifecycle.association_changes import load_current_customer, lock_customer_of
from app.services.lifecycle.association_rules import (
    AssociationChange,
    Initiator,
    Stage,
    association_change_blockers,
    end_association,
)
from app.services.partners.partner_notifications import notify_about
from app.settings import get_settings

COLUMNS = tuple(DisassociationRequest.__table__.columns)
BLOCKED_TEMPLATE = "customer_disassociation_blocked"


@dataclass(frozen=True, slots=True)
class DisassociationRequestFilter:
    customer_id: int | None = None
    statuses: tuple[DisassociationRequestStatus, ...] | None = None


def _change(stage: Stage) -> AssociationChange:
    return AssociationChange(AssociationChangeKind.DISASSOCIATION, Initiator.CUSTOMER, stage)


async def file_disassociation_request(
    ctx: ServiceContext, customer_id: int | None, reason: str = ""
) -> int:
    """The customer asks to leave its partner (one request per interval)."""
    ctx.principal.require_customer()
    reason = check_reason(reason, required=False)
    customer = await load_current_customer(ctx, customer_id)
    errors = await association_change_blockers(ctx, customer, _change(Stage.REQUEST))
    if errors:
        raise DomainErrors(errors)
    now = clock.now()
    request = DisassociationRequest(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        status=DisassociationRequestStatus.PENDING,
        reason=reason,
        filed_at=now,
        auto_approve_at=add_days(now, get_settings().customer_disassociation_auto_approve_days),
        blocked_by=[],
    )
    ctx.session.add(request)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "disassociation_request.file",
        "DisassociationRequest",
        request.id,
        partner_id=customer.partner_id,
        after={"customer_id": customer.id, "reason": reason},
    )
    subject = ("DisassociationRequest", request.id)
    notify_about(ctx, customer, Kind.DISASSOCIATION_REQUESTED, subject, reason=reason)
    return request.id


ANSWER = Decidable(
    "DisassociationRequest",
    decided_at=("answered_at",),
    reason="rejection_reason",
    decided_by="answered_by_id",
)


async def _load_pending(ctx: ServiceContext, request_id: int | None) -> DisassociationRequest:
    await lock_customer_of(ctx, DisassociationRequest, request_id)
    request = await find_visible(
        ctx, DisassociationRequest, request_id, "No such request.", lock=True
    )
    if request.status is not DisassociationRequestStatus.PENDING:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The request is already {request.status.value}.", ["id"]
        )
    return request


async def _approve(ctx: ServiceContext, request: DisassociationRequest, *, auto: bool) -> None:
    customer = await load_current_customer(ctx, request.customer_id, field="id")
    errors = await association_change_blockers(ctx, customer, _change(Stage.CONFIRMATION))
    if errors:
        raise DomainErrors(errors)
    await end_association(ctx, customer)
    await decide(
        ctx,
        ANSWER,
        request,
        DisassociationRequestStatus.APPROVED,
        action="disassociation_request.auto_approve" if auto else "disassociation_request.approve",
        changes={"auto_approved": auto, "blocked_by": []},
        after={"customer_id": customer.id, "ended_at": customer.ended_at},
    )
    if auto:
        subject = ("DisassociationRequest", request.id)
        notify_about(ctx, customer, Kind.DISASSOCIATION_AUTO_APPROVED, subject)


async def approve_disassociation_request(ctx: ServiceContext, request_id: int | None) -> int:
    """The partner lets the customer go (ADMIN); the preconditions must hold now."""
    ctx.principal.require(Permission.ASSOCIATION)
    request = await _load_pending(ctx, request_id)
    await _approve(ctx, request, auto=False)
    return request.id


async def reject_disassociation_request(
    ctx: ServiceContext, request_id: int | None, reason: str
) -> int:
    """The partner refuses (ADMIN), with a reason the customer sees."""
    ctx.principal.require(Permission.ASSOCIATION)
    reason = check_reason(reason)
    request = await _load_pending(ctx, request_id)
    await decide(
        ctx,
        ANSWER,
        request,
        DisassociationRequestStatus.REJECTED,
        action="disassociation_request.reject",
        reason=reason,
        after={"rejection_reason": reason},
    )
    return request.id


async def list_disassociation_requests(
    ctx: ServiceContext, f: DisassociationRequestFilter, page: PageRequest
) -> Page:
    """Customer requests the caller may see (a customer: its own), newest first."""
    stmt = select(*COLUMNS).where(visible(ctx.principal, DisassociationRequest))
    if f.customer_id is not None:
        stmt = stmt.where(DisassociationRequest.customer_id == f.customer_id)
    if f.statuses:
        stmt = stmt.where(DisassociationRequest.status.in_(f.statuses))
    ordering = Ordering(
        "FILED_AT", DisassociationRequest.filed_at, DisassociationRequest.id, Direction.DESC
    )
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.filed_at)


async def get_disassociation_requests(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(
            visible(ctx.principal, DisassociationRequest), DisassociationRequest.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}


async def _notify_blocked(ctx: ServiceContext, request: DisassociationRequest) -> None:
    customer = await ctx.session.get(Customer, (request.partner_id, request.customer_id))
    notifications.enqueue(
        ctx,
        partner_id=request.partner_id,
        channel=NotificationChannel.CONSOLE,
        recipient=f"partner:{request.partner_id}:admins",
        template=BLOCKED_TEMPLATE,
        payload={
            "disassociationRequestId": request.id,
            "customerId": request.customer_id,
            "customerName": customer.name if customer else "",
            "blockedBy": list(request.blocked_by),
        },
    )
    notify_about(
        ctx,
        customer,
        Kind.DISASSOCIATION_AUTO_APPROVAL_BLOCKED,
        ("DisassociationRequest", request.id),
        blockedBy=list(request.blocked_by),
    )
    request.blocked_notified_at = clock.now()


@job("disassociation_requests.auto_approve", every=timedelta(minutes=5))
async def auto_approve_disassociation_requests(ctx: ServiceContext) -> str:
    """Approve customer requests unanswered past their deadline, if their preconditions hold.

    Each request is tried in its own savepoint: one that is blocked stays PENDING with the
    blocking codes recorded (the partner is notified the first time) and the rest go on.
    """
    due = (
        await ctx.session.scalars(
            select(DisassociationRequest.id)
            .where(
                DisassociationRequest.status == DisassociationRequestStatus.PENDING,
                DisassociationRequest.auto_approve_at <= clock.now(),
            )
            .order_by(DisassociationRequest.id)
        )
    ).all()
    approved = blocked = 0
    for request_id in due:
        request = await _load_pending(ctx, request_id)
        savepoint = await ctx.session.begin_nested()
        try:
            await _approve(ctx, request, auto=True)
        except (DomainError, DomainErrors) as failure:
            await savepoint.rollback()
            errors = failure.errors if isinstance(failure, DomainErrors) else [failure]
            request = await _load_pending(ctx, request_id)
            blocked_by = sorted({e.code.value for e in errors})
            if blocked_by != request.blocked_by:
                await audit.record(
                    ctx,
                    "disassociation_request.block",
                    "DisassociationRequest",
                    request.id,
                    partner_id=request.partner_id,
                    before={"blockedBy": request.blocked_by},
                    after={"blockedBy": blocked_by},
                )
            request.blocked_by = blocked_by
            if request.blocked_notified_at is None:
                await _notify_blocked(ctx, request)
            await ctx.session.flush()
            blocked += 1
            continue
        await savepoint.commit()
        approved += 1
    return f"{approved} disassociation requests auto-approved, {blocked} blocked"
