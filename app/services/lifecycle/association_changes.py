"""Partner-initiated association changes: disassociation and type switch (ADMIN only).

Each is a request the customer confirms or declines; it takes effect on confirmation, and its
preconditions are checked when it is made and again when it is confirmed. Unanswered for
`association_change_response_days`, it lapses: EXPIRED on read at once, stored by the
`association_changes.expire` job. PENDING -> CONFIRMED | DECLINED | EXPIRED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app import clock
from app.clock import add_days
from app.models import AssociationChangeRequest, Customer
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AssociationChangeKind, AssociationChangeStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit, lapse
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import find_visible, visible
from app.services.lifecycle.association_rules import (
    AssociationChange,
    Initiator,
    Stage,
    association_change_blockers,
    end_association,
    switch_association_type,
)
from app.services.partners.partner_notifications import notify_about
from app.settings import get_settings

COLUMNS = tuple(AssociationChangeRequest.__table__.columns)
LAPSING = (AssociationChangeStatus.PENDING,)


@dataclass(frozen=True, slots=True)
class AssociationChangeFilter:
    customer_id: int | None = None
    kind: AssociationChangeKind | None = None
    statuses: tuple[AssociationChangeStatus, ...] | None = None


def effective_status(row: Any) -> AssociationChangeStatus:
    return lapse.effective_status(
        row.status, row.expires_at, LAPSING, AssociationChangeStatus.EXPIRED
    )


async def load_current_customer(
    ctx: ServiceContext, customer_id: int | None, field: str = "customerId"
) -> Customer:
    """The caller's customer, locked, whose association has not ended."""
    customer = None
    if customer_id is not None:
        customer = await ctx.session.scalar(
            select(Customer)
            .where(visible(ctx.principal, Customer), Customer.id == customer_id)
            .with_for_update()
        )
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", [field])
    if customer.ended_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "The customer's association has ended.", [field])
    return customer


async def lock_customer_of(ctx: ServiceContext, model: Any, row_id: int | None) -> None:
    """Lock the customer a request or authorization belongs to, before the row itself.

    Customers are locked before the rows that hang off them everywhere (DESIGN.md's lock
    order): ending an association holds the customer and then updates its authorizations,
    so answering one of those must not hold the authorization while waiting for the customer.
    """
    if row_id is None:
        return
    owner = (
        await ctx.session.execute(
            select(model.partner_id, model.customer_id).where(
                visible(ctx.principal, model), model.id == row_id
            )
        )
    ).first()
    if owner is not None:
        await ctx.session.execute(
            select(Customer.id)
            .where(Customer.partner_id == owner.partner_id, Customer.id == owner.customer_id)
            .with_for_update()
        )


async def _raise_blockers(
    ctx: ServiceContext, customer: Customer, change: AssociationChange
) -> None:
    errors = await association_change_blockers(ctx, customer, change)
    if errors:
        raise DomainErrors(errors)


async def _request(
    ctx: ServiceContext,
    customer_id: int | None,
    kind: AssociationChangeKind,
    to_type: AssociationType | None,
    reason: str,
) -> int:
    ctx.principal.require(Permission.ASSOCIATION)
    reason = check_reason(reason, required=False)
    customer = await load_current_customer(ctx, customer_id)
    if to_type is not None and to_type is customer.association_type:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"The customer is already {to_type.value}.",
            ["associationType"],
        )
    change = AssociationChange(kind, Initiator.PARTNER, Stage.REQUEST, to_type)
    await _raise_blockers(ctx, customer, change)
    now = clock.now()
    request = AssociationChangeRequest(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        kind=kind,
        from_type=customer.association_type,
        to_type=to_type,
        status=AssociationChangeStatus.PENDING,
        reason=reason,
        requested_by_id=ctx.principal.user_id,
        requested_at=now,
        expires_at=add_days(now, get_settings().association_change_response_days),
    )
    ctx.session.add(request)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "association_change.request",
        "AssociationChangeRequest",
        request.id,
        partner_id=customer.partner_id,
        after={"customer_id": customer.id, "kind": kind, "to_type": to_type, "reason": reason},
    )
    return request.id


async def request_disassociation(
    ctx: ServiceContext, customer_id: int | None, reason: str = ""
) -> int:
    """Ask the customer to confirm ending its association (ADMIN)."""
    return await _request(ctx, customer_id, AssociationChangeKind.DISASSOCIATION, None, reason)


async def request_association_type_switch(
    ctx: ServiceContext, customer_id: int | None, to_type: AssociationType, reason: str = ""
) -> int:
    """Ask the customer to confirm switching to `to_type` (ADMIN)."""
    return await _request(ctx, customer_id, AssociationChangeKind.TYPE_SWITCH, to_type, reason)


ANSWER = Decidable("AssociationChangeRequest", decided_at=("answered_at",), reason="decline_reason")


async def _load_pending(ctx: ServiceContext, request_id: int | None) -> AssociationChangeRequest:
    ctx.principal.require_customer()
    await lock_customer_of(ctx, AssociationChangeRequest, request_id)
    request = await find_visible(
        ctx, AssociationChangeRequest, request_id, "No such request.", lock=True
    )
    status = effective_status(request)
    if status is AssociationChangeStatus.EXPIRED:
        raise DomainError(ErrorCode.REQUEST_EXPIRED, "The request has expired.", ["id"])
    if status is not AssociationChangeStatus.PENDING:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The request is already {status.value}.", ["id"]
        )
    return request


async def confirm_association_change(ctx: ServiceContext, request_id: int | None) -> int:
    """The customer confirms: preconditions are checked again, then the change takes effect."""
    request = await _load_pending(ctx, request_id)
    customer = await load_current_customer(ctx, request.customer_id, field="id")
    change = AssociationChange(request.kind, Initiator.PARTNER, Stage.CONFIRMATION, request.to_type)
    await _raise_blockers(ctx, customer, change)
    if request.kind is AssociationChangeKind.DISASSOCIATION:
        await end_association(ctx, customer)
    else:
        assert request.to_type is not None
        await switch_association_type(ctx, customer, request.to_type)
    await decide(
        ctx,
        ANSWER,
        request,
        AssociationChangeStatus.CONFIRMED,
        action="association_change.confirm",
        after={
            "customer_id": customer.id,
            "association_type": customer.association_type,
            "ended_at": customer.ended_at,
        },
    )
    _notify_answer(ctx, customer, request, Kind.ASSOCIATION_CHANGE_CONFIRMED)
    return request.id


def _notify_answer(
    ctx: ServiceContext, customer: Any, request: AssociationChangeRequest, kind: Kind
) -> None:
    change = (
        "disassociation"
        if request.kind is AssociationChangeKind.DISASSOCIATION
        else f"switch to {request.to_type.value if request.to_type else ''}"
    )
    subject = ("AssociationChangeRequest", request.id)
    notify_about(ctx, customer, kind, subject, change=change, reason=request.decline_reason)


async def decline_association_change(
    ctx: ServiceContext, request_id: int | None, reason: str = ""
) -> int:
    """The customer declines; nothing changes for the association."""
    reason = check_reason(reason, required=False)
    request = await _load_pending(ctx, request_id)
    await decide(
        ctx,
        ANSWER,
        request,
        AssociationChangeStatus.DECLINED,
        action="association_change.decline",
        reason=reason,
        after={"decline_reason": reason},
    )
    customer = await ctx.session.get(Customer, (request.partner_id, request.customer_id))
    _notify_answer(ctx, customer, request, Kind.ASSOCIATION_CHANGE_DECLINED)
    return request.id


async def list_association_changes(
    ctx: ServiceContext, f: AssociationChangeFilter, page: PageRequest
) -> Page:
    """Partner requests the caller may see (a customer: its own), newest first."""
    stmt = select(*COLUMNS).where(visible(ctx.principal, AssociationChangeRequest))
    if f.customer_id is not None:
        stmt = stmt.where(AssociationChangeRequest.customer_id == f.customer_id)
    if f.kind is not None:
        stmt = stmt.where(AssociationChangeRequest.kind == f.kind)
    if f.statuses:
        stmt = stmt.where(
            lapse.status_condition(
                AssociationChangeRequest.status,
                AssociationChangeRequest.expires_at,
                LAPSING,
                AssociationChangeStatus.EXPIRED,
                f.statuses,
            )
        )
    ordering = Ordering(
        "REQUESTED_AT",
        AssociationChangeRequest.requested_at,
        AssociationChangeRequest.id,
        Direction.DESC,
    )
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.requested_at)


async def get_association_changes(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(
            visible(ctx.principal, AssociationChangeRequest),
            AssociationChangeRequest.id.in_(ids),
        )
    )
    return {row.id: row for row in rows}


@job("association_changes.expire", every=timedelta(minutes=5))
async def expire_association_changes(ctx: ServiceContext) -> str:
    """Partner requests left unanswered past their deadline become EXPIRED."""
    expired = await ctx.session.execute(
        update(AssociationChangeRequest)
        .where(
            AssociationChangeRequest.status == AssociationChangeStatus.PENDING,
            AssociationChangeRequest.expires_at <= clock.now(),
        )
        .values(status=AssociationChangeStatus.EXPIRED)
        .returning(AssociationChangeRequest.id, AssociationChangeRequest.partner_id)
        .execution_options(synchronize_session=False)
    )
    count = await audit.record_each(
        ctx,
        "association_change.expire",
        "AssociationChangeRequest",
        expired.all(),
        before={"status": AssociationChangeStatus.PENDING},
        after={"status": AssociationChangeStatus.EXPIRED},
    )
    return f"{count} association change requests expired"
