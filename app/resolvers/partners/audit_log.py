"""Resolver of the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.context import RequestContext
from app.globalid import from_global_id
from app.resolvers.core.ids import require_id
from app.services.core.errors import BadRequest
from app.services.core.pagination import Page, PageRequest
from app.services.partners import audit_log as service
from app.services.partners.audit_log import AuditFilter

if TYPE_CHECKING:
    from app.schema.partners.audit_log import AuditEventFilter


def to_filter(value: AuditEventFilter | None) -> AuditFilter:
    if value is None:
        return AuditFilter()
    object_type, object_id = None, None
    if value.object_id is not None:
        try:
            object_type, object_id = from_global_id(value.object_id)
        except ValueError as exc:
            raise BadRequest(f"`objectId` is not an id: {value.object_id!r}.") from exc
    between = value.occurred_between
    return AuditFilter(
        partner_id=require_id(value.partner_id, "Partner", "partnerId")
        if value.partner_id is not None
        else None,
        actions=tuple(value.actions) if value.actions else None,
        object_type=object_type,
        object_id=object_id,
        occurred_from=between.from_ if between else None,
        occurred_to=between.to if between else None,
    )


async def list_audit_events(
    ctx: RequestContext,
    filter: AuditEventFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_audit_events(ctx.service, to_filter(filter), page)
