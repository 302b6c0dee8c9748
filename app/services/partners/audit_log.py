"""Reading the audit log, newest first: a partner's own events (ADMIN, FINANCE), or every
partner's for the platform (PLATFORM), which may narrow it to one partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.models import AuditEvent
from app.models.partners.enums import PrincipalKind
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.scoping import visible


@dataclass(frozen=True, slots=True)
class AuditFilter:
    partner_id: int | None = None
    actions: tuple[str, ...] | None = None
    object_type: str | None = None
    object_id: int | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


async def list_audit_events(ctx: ServiceContext, f: AuditFilter, page: PageRequest) -> Page:
    if ctx.principal.kind is not PrincipalKind.PLATFORM:
        ctx.principal.require(Permission.AUDIT_LOG)
    stmt = select(
        AuditEvent.id,
        AuditEvent.principal_kind,
        AuditEvent.actor_user_id,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.before,
        AuditEvent.after,
        AuditEvent.request_id,
        AuditEvent.created_at,
        AuditEvent.partner_id,
    ).where(visible(ctx.principal, AuditEvent))
    if f.partner_id is not None:
        # a partner user naming another partner reads nothing: the scope already applies
        stmt = stmt.where(AuditEvent.partner_id == f.partner_id)
    if f.actions:
        stmt = stmt.where(AuditEvent.action.in_(f.actions))
    if f.object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == f.object_type)
    if f.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == f.object_id)
    if f.occurred_from is not None:
        stmt = stmt.where(AuditEvent.created_at >= f.occurred_from)
    if f.occurred_to is not None:
        stmt = stmt.where(AuditEvent.created_at < f.occurred_to)
    ordering = Ordering("CREATED_AT", AuditEvent.created_at, AuditEvent.id, Direction.DESC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.created_at)
